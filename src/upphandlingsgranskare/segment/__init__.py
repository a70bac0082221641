"""Requirements, goals and language of an extracted document."""

from .language import detect_language
from .requirements import Segmentation, segment
from .sentences import split_sentences

__all__ = ["Segmentation", "detect_language", "segment", "split_sentences"]
