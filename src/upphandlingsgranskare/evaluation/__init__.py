"""Evaluation harness: score the reviewer against gold data in the annotation guide's format.

Item mode scores the label of each gold requirement (``gold.GoldItem``); document mode scores
requirement and goal detection in whole documents (``gold.GoldSpan``). Plain functions, used by
``upphandlingsgranskare eval`` and by tests.
"""
