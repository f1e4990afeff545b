"""The cross-team review: an agenda that surfaces conflicts early, and blame-free post-mortems.

The reference material asks for a regular review across functions where conflicts
surface before they escalate, and a blame-free post-mortem for each deal whose
handover went badly, with what it teaches fed back into training and templates.

>>> from alignkit.review import Friction, PostMortem, post_mortem_summary
>>> pm = PostMortem("D-1042", [Friction("scope", "Data migration assumed included",
...                                     "Add a migration line to the SOW template")])
>>> post_mortem_summary([pm]).by_change
(('Add a migration line to the SOW template', 1),)

Added in 0.1.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.review._agenda import (
    ITEM_KINDS,
    Agenda,
    AgendaItem,
    AlignmentLike,
    ItemKind,
    review_agenda,
)
from alignkit.review._postmortem import (
    FRICTION_CATEGORIES,
    Friction,
    FrictionCategory,
    PostMortem,
    PostMortemSummary,
    post_mortem_summary,
)
from alignkit.review._section import AGENDA_SOURCES, AgendaSource, ReviewSection

__all__ = [
    "AGENDA_SOURCES",
    "FRICTION_CATEGORIES",
    "ITEM_KINDS",
    "Agenda",
    "AgendaItem",
    "AgendaSource",
    "AlignmentLike",
    "Friction",
    "FrictionCategory",
    "ItemKind",
    "PostMortem",
    "PostMortemSummary",
    "ReviewSection",
    "post_mortem_summary",
    "review_agenda",
]

publish(globals(), __all__)
