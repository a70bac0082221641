"""The one XML parser settings for document content, shared by the readers and the annotated reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree


def safe_xml_parser() -> etree.XMLParser:
    """For every lxml parse of document content: no entities, no DTD, no network, no huge trees."""
    from lxml import etree  # here, not at the top: a text file's review never needs lxml (30 ms)

    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, dtd_validation=False
    )
