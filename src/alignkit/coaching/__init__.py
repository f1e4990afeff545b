"""Micro-coaching: a four-week plan that pairs people across departments.

The playbook's four weeks: a "Day in the Life" job swap, a peer review of handoffs
with the colleague on the other side, mixed teams reviewing customer calls, and
cross-department problem-solving pairs. :meth:`CoachingPlan.four_weeks` pairs the
cohort (across departments first, then balancing which departments meet, never
repeating a pair), places every session in working hours around declared absences,
explains each pairing, and exports the plan as an iCalendar file.

>>> import datetime as dt
>>> from alignkit.coaching import CoachingPlan
>>> from alignkit.org import Person
>>> people = [("ana", "Sales"), ("ben", "Operations"), ("cy", "Sales"),
...           ("di", "IT"), ("eve", "IT"), ("fay", "Operations")]
>>> cohort = [Person(id=i, name=i.title(), function=f) for i, f in people]
>>> plan = CoachingPlan.four_weeks(cohort, dt.date(2027, 1, 4), zone="Europe/London")
>>> plan.cross_share()  # every pair of the three pairing weeks crosses departments
CrossShare(cross=9, pairs=9, best_cross=9, best_pairs=9)
>>> len(plan.pairs())  # and none repeats
9

Added in 0.2.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.coaching._model import (
    ACTIVITIES,
    Activity,
    CoachingPlan,
    CrossShare,
    Member,
    Pairing,
    Session,
)
from alignkit.coaching._section import AwaySpec, CoachingSection

__all__ = [
    "ACTIVITIES",
    "Activity",
    "AwaySpec",
    "CoachingPlan",
    "CoachingSection",
    "CrossShare",
    "Member",
    "Pairing",
    "Session",
]

publish(globals(), [n for n in __all__ if n != "ACTIVITIES"])
