"""Goal traceability: the goals a tender states, and which requirement serves which goal.

``goals``: which text is a stated goal and the ids goals go by (used by segmentation);
``link``: links from requirements on the solution to goals, by explicit reference or by meaning.
"""

from .goals import goal_line, goal_name
from .link import LINKED_LABELS, link_requirements, meaning_scores, reference_links

__all__ = ["LINKED_LABELS", "goal_line", "goal_name", "link_requirements", "meaning_scores", "reference_links"]
