"""A coaching plan as an iCalendar file (RFC 5545), with the ``icalendar`` package.

Nothing in the file depends on the clock: UIDs come from the plan, DTSTAMP is the
plan's stamp, components are written in the plan's order and each VTIMEZONE covers
the plan's four weeks only. Regenerating a plan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import quote

from alignkit.errors import SpecError

__all__ = ["to_ical"]


class _Person(Protocol):
    @property
    def name(self) -> str: ...


class _Session(Protocol):
    @property
    def uid(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def activity(self) -> str: ...
    @property
    def organizer(self) -> str: ...
    @property
    def attendees(self) -> tuple[str, ...]: ...
    @property
    def start(self) -> dt.datetime | None: ...
    @property
    def end(self) -> dt.datetime | None: ...


class _Plan(Protocol):
    """What the export reads of a plan (a :class:`CoachingPlan`), kept below the model."""

    @property
    def start(self) -> dt.date: ...
    @property
    def stamp(self) -> dt.datetime: ...
    @property
    def members(self) -> Mapping[str, _Person]: ...
    @property
    def sessions(self) -> Sequence[_Session]: ...
    def zone_of(self, session: Any) -> str: ...  # noqa: ANN401 - one of its sessions


_PRODID = "-//alignkit//coaching plan//EN"


def _icalendar() -> Any:  # noqa: ANN401 - the optional package, typed or not
    try:
        import icalendar
    except ImportError:
        raise SpecError.single(
            "Writing a plan as iCalendar needs the icalendar package: pip install 'alignkit[ical]'"
        ) from None
    return icalendar


def _address(icalendar: Any, plan: _Plan, person: str, domain: str) -> Any:  # noqa: ANN401
    address = icalendar.vCalAddress(f"mailto:{quote(person, safe='')}@{domain}")
    address.params["CN"] = icalendar.vText(plan.members[person].name)
    return address


def to_ical(plan: _Plan, *, email_domain: str) -> bytes:
    """The bytes of ``plan`` as an iCalendar file; see :meth:`CoachingPlan.to_ical`."""
    icalendar = _icalendar()
    calendar = icalendar.Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    placed = [s for s in plan.sessions if s.start is not None and s.end is not None]
    first = plan.start - dt.timedelta(days=1)
    last = plan.start + dt.timedelta(days=29)
    for zone in sorted({plan.zone_of(s) for s in placed} - {"UTC"}):
        calendar.add_component(icalendar.Timezone.from_tzid(zone, first_date=first, last_date=last))
    for session in placed:
        event = icalendar.Event()
        event.add("uid", session.uid)
        event.add("dtstamp", plan.stamp)
        event.add("dtstart", session.start)
        event.add("dtend", session.end)
        event.add("summary", session.title)
        event.add("description", session.description)
        event.add("categories", ["Micro-coaching", session.activity])
        event.add("organizer", _address(icalendar, plan, session.organizer, email_domain))
        for person in session.attendees:
            attendee = _address(icalendar, plan, person, email_domain)
            attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
            attendee.params["PARTSTAT"] = icalendar.vText("NEEDS-ACTION")
            attendee.params["RSVP"] = icalendar.vText("TRUE")
            event.add("attendee", attendee, encode=False)
        calendar.add_component(event)
    return calendar.to_ical()  # type: ignore[no-any-return]
