"""Upphandlingsgranskare: reviews tender documents for requirements that state no business need."""

__version__ = "0.1.0"
