"""Outputs are never inputs.

A folder reviewed with its output folder inside it would, on the next run, review its own
reports and annotated copies (``granskning/granskning/krav.granskad.granskad.pdf``) and double
its totals. So when a folder is collected, output folders (the one this run writes to, and any
folder holding a previous run's state record) and the tool's own annotated copies and markdown
reports, recognised by the marker written into them (``report.package.is_marked``), not by their
name, are left
out with one line saying so. A file named on the command line is always reviewed.

And no output may land on an input: an ``--output`` that is an input file or an input folder is
refused before anything is written (``refused_output``), and in folder mode each output is
checked against the inputs as it is written (``FolderWriter.protected``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .report.outputs import STATE_DIR
from .review import InputFile


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _is_marked(path: Path) -> bool:
    from .report.package import is_marked  # here: lxml is loaded only when a folder is collected

    return is_marked(path)


def _root_of(path: Path, roots: Sequence[Path]) -> Path | None:
    """The folder named on the command line that ``path`` was found in; None for a file named itself."""
    absolute = Path(os.path.abspath(path))
    for root in roots:
        root_abs = Path(os.path.abspath(root))
        if root.is_dir() and absolute != root_abs and absolute.is_relative_to(root_abs):
            return root_abs
    return None


def drop_own_outputs(
    inputs: list[InputFile], roots: Sequence[Path], output: Path | None
) -> tuple[list[InputFile], str | None]:
    """``inputs`` without output folders and the tool's annotated copies met inside a folder; and the
    line that says what was left out (None when nothing was)."""
    output_dir = _resolved(output) if output is not None else None
    verdicts: dict[Path, bool] = {}

    def output_folder(folder: Path) -> bool:
        if folder not in verdicts:
            verdicts[folder] = (output_dir is not None and _resolved(folder) == output_dir) or (
                folder / STATE_DIR
            ).is_dir()
        return verdicts[folder]

    kept: list[InputFile] = []
    folders: dict[Path, None] = {}
    copies: list[Path] = []
    for item in inputs:
        root = _root_of(item.path, roots)
        if root is None:
            kept.append(item)
            continue
        absolute = Path(os.path.abspath(item.path))
        # Folders between the reviewed folder and the file, outermost first; the reviewed folder itself counts
        # only as this run's output folder (it is refused then), never for a previous run's state record.
        between = [p for p in reversed(absolute.parents) if p.is_relative_to(root) and p != root]
        hit = next((p for p in between if output_folder(p)), None)
        if hit is not None:
            folders.setdefault(hit)
        elif not item.skipped_reason and _is_marked(item.path):
            copies.append(item.path)
        else:
            kept.append(item)
    if not folders and not copies:
        return kept, None
    named = [str(p) for p in folders] + [str(p) for p in copies]
    shown = ", ".join(named[:3]) + (f" (+{len(named) - 3})" if len(named) > 3 else "")
    line = (
        f"hoppar över {len(folders)} utdatamappar och {len(copies)} egna kopior och rapporter / skipped "
        f"{len(folders)} output folders and {len(copies)} copies and reports this tool wrote: {shown}"
    )
    return kept, line


def refused_output(output: Path, paths: Sequence[Path], inputs: Sequence[InputFile]) -> str | None:
    """Why ``output`` may not be written (it is an input file or an input folder), else None."""
    target = _resolved(output)
    for path in paths:
        if _resolved(Path(path)) == target:
            kind = "indatamappen / the input folder" if Path(path).is_dir() else "indatafilen / the input file"
            return (
                f"{output}: --output är {kind} {path}; välj en annan plats / choose another place "
                "(indata skrivs aldrig över / inputs are never overwritten)"
            )
    for item in inputs:
        if _resolved(item.path) == target:
            return (
                f"{output}: --output är indatafilen / is the input file {item.path}; välj en annan plats / "
                "choose another place (indata skrivs aldrig över / inputs are never overwritten)"
            )
    return None


def protected_paths(inputs: Sequence[InputFile]) -> frozenset[Path]:
    """Every file collected as an input, resolved: no output may be written over one."""
    return frozenset(_resolved(item.path) for item in inputs)


def screen_inputs(
    inputs: list[InputFile], paths: Sequence[Path], output: Path | None, folder_mode: bool
) -> tuple[list[InputFile], list[str], bool]:
    """The inputs less earlier outputs, the lines to print, and whether ``output`` is refused."""
    kept, skipped = drop_own_outputs(inputs, paths, output if folder_mode else None)
    refusal = refused_output(output, paths, kept) if output is not None else None
    if refusal is not None:
        return kept, [refusal], True
    return kept, [skipped] if skipped else [], False
