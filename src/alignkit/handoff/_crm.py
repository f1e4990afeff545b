"""The CRM trigger: a deal's stage change, read from HubSpot and Salesforce payloads.

The CRMs' own field names (HubSpot's ``hubspot_owner_id`` and ``dealname``, Salesforce's
``ChangeEventHeader`` ...) are read here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final, final

import attrs

from alignkit._spec import FrozenDict
from alignkit._time import require_aware
from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError
from alignkit.handoff._json import frozen
from alignkit.store import _brief

__all__ = ["DealEvent", "payload_customer", "payload_owner", "stage_name"]

_STAGE_ALIASES: Final = {
    "closedwon": "Closed-Won",
    "closed won": "Closed-Won",
    "closed-won": "Closed-Won",
    "closedlost": "Closed-Lost",
    "closed lost": "Closed-Lost",
    "closed-lost": "Closed-Lost",
}


def _require_text(value: object, path: tuple[str, ...]) -> str:
    """``value`` as non-blank text, else a SpecError placed at ``path``."""
    if not isinstance(value, str) or not value.strip():
        raise SpecError.single(
            f"`{path[-1]}` must be non-empty text, got {_brief(value)}", Location(path=path)
        )
    return value


def stage_name(value: str) -> str:
    """``value`` as a stage: ``closedwon``, ``Closed Won`` and ``Closed-Won`` are ``Closed-Won``.

    Raises:
        SpecError: ``value`` is not text, or blank.
    """
    stage = _require_text(value, ("stage",)).strip()
    return _STAGE_ALIASES.get(stage.lower(), stage)


def _object(payload: object, where: str) -> Mapping[str, Any]:
    if not isinstance(payload, Mapping):
        hint = (
            "; the webhook body is a list of events: read each one"
            if isinstance(payload, list)
            else ""
        )
        raise SpecError.single(
            f"The {where} must be a JSON object, got {type(payload).__name__}{hint}"
        )
    return payload


def _need(
    payload: Mapping[str, Any],
    key: str,
    where: str,
    prefix: tuple[str, ...] = (),
) -> Any:  # noqa: ANN401 - JSON
    value = payload.get(key)
    if value is None or (isinstance(value, str) and value == ""):
        raise SpecError.single(f"The {where} has no `{key}`", Location(path=(*prefix, key)))
    return value


def _named(value: object, *, quote: bool = True) -> str:
    """A name from a payload as is (in backticks) when it is short, printable text."""
    if isinstance(value, str) and len(value) <= 60 and value.isprintable():  # noqa: PLR2004
        return f"`{value}`" if quote else value
    return _brief(value)


_MAX_DIGITS: Final = 20
"""The most digits a CRM number (an id, a time in milliseconds, a sequence) may have."""

_MAX_ID_LENGTH: Final = 255
"""The longest CRM id read as text (Salesforce ids have 18 characters)."""


def _whole(value: object) -> int | None:
    """``value`` as a whole number from 0 of at most 20 digits, or ``None``.

    Numbers come as JSON integers or as text of ASCII digits (``str.isdecimal`` alone
    also takes ``"١٢"``; ``str.isdigit`` takes ``"²"``, which ``int`` refuses).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**_MAX_DIGITS else None
    if isinstance(value, str):
        digits = value.strip()
        if 0 < len(digits) <= _MAX_DIGITS and digits.isascii() and digits.isdecimal():
            return int(digits)
    return None


def _number(payload: Mapping[str, Any], key: str, where: str, prefix: tuple[str, ...] = ()) -> int:
    """A whole number from 0 (a JSON integer, or text of ASCII digits)."""
    value = _need(payload, key, where, prefix)
    number = _whole(value)
    if number is None:
        raise SpecError.single(
            f"`{key}` must be a whole number from 0 of at most {_MAX_DIGITS} digits, "
            f"got {_brief(value)}",
            Location(path=(*prefix, key)),
        )
    return number


def _identifier(value: object) -> str | None:
    """A CRM id as text: a whole number, or printable ASCII of at most 255 characters."""
    number = _whole(value) if not isinstance(value, str) else None
    if number is not None:
        return str(number)
    if isinstance(value, str):
        text = value.strip()
        if 0 < len(text) <= _MAX_ID_LENGTH and text.isascii() and text.isprintable():
            return text
    return None


def _id(payload: Mapping[str, Any], key: str, where: str, prefix: tuple[str, ...] = ()) -> str:
    """An id: a whole number (as CRMs send them), or printable ASCII text."""
    value = _need(payload, key, where, prefix)
    found = _identifier(value)
    if found is None:
        raise SpecError.single(
            f"`{key}` must be an id (a whole number, or printable ASCII text of at most "
            f"{_MAX_ID_LENGTH} characters), got {_brief(value)}",
            Location(path=(*prefix, key)),
        )
    return found


def _text(payload: Mapping[str, Any], key: str, where: str, prefix: tuple[str, ...] = ()) -> str:
    """A non-blank string (or a whole number, as CRMs send some stage ids)."""
    value = _need(payload, key, where, prefix)
    number = _whole(value) if not isinstance(value, str) else None
    if number is not None:
        return str(number)
    return _require_text(value, (*prefix, key)).strip()


def _millis(
    payload: Mapping[str, Any], key: str, where: str, prefix: tuple[str, ...] = ()
) -> dt.datetime:
    """A time sent as milliseconds since the epoch (a whole number, or a finite float)."""
    value = _need(payload, key, where, prefix)
    problem = SpecError.single(
        f"`{key}` is not a time in milliseconds since 1970: {_brief(value)}",
        Location(path=(*prefix, key)),
    )
    millis: float | None = _whole(value)
    if millis is None and isinstance(value, float) and math.isfinite(value) and value >= 0:
        millis = value
    if millis is None:
        raise problem
    try:
        return dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):  # past the year 9999
        raise problem from None


def _aware_time(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    require_aware(value, (attribute.name,))


def _nonblank(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _require_text(value, (attribute.name,))


def _frozen_payload(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """A payload as a read-only mapping, deeply (anything else is left to :func:`_mapping`)."""
    if not isinstance(value, Mapping):
        return value
    try:
        read_only: Mapping[str, Any] = frozen(value)
    except RecursionError:
        raise SpecError.single(
            "`payload` nests too deeply to read (or holds itself)", Location(path=("payload",))
        ) from None
    return read_only


def _mapping(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise SpecError.single(
            f"{attribute.name} must be a mapping, got {type(value).__name__}",
            Location(path=(attribute.name,)),
        )


_HEADER: Final = ("ChangeEventHeader",)


@final
@attrs.frozen
class DealEvent:
    """A CRM deal changed stage.

    Stages are normalised: ``closedwon``, ``Closed Won`` and ``Closed-Won`` are all
    ``"Closed-Won"`` (likewise Closed-Lost).

    Immutable and hashable, ``payload`` included: it is kept read-only all the way
    down (its objects as read-only mappings, equal to the dicts they came from, its
    arrays as tuples).

    >>> import datetime as dt
    >>> at = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    >>> event = DealEvent("e1", "D-1", "closedwon", at, {"owner": "ae-1", "tags": ["smb"]})
    >>> event.stage, event.payload["tags"]
    ('Closed-Won', ('smb',))
    >>> event == DealEvent("e1", "D-1", "Closed-Won", at, {"owner": "ae-1", "tags": ["smb"]})
    True
    >>> len({event, DealEvent("e1", "D-1", "Closed Won", at, event.payload)})
    1

    Added in 0.1.
    """

    event_id: str = attrs.field(validator=_nonblank)
    deal_id: str = attrs.field(validator=_nonblank)
    stage: str = attrs.field(converter=stage_name)
    occurred_at: dt.datetime = attrs.field(validator=_aware_time)
    payload: Mapping[str, Any] = attrs.field(
        factory=FrozenDict, converter=_frozen_payload, validator=_mapping
    )

    @classmethod
    def from_hubspot(cls, payload: Mapping[str, Any]) -> DealEvent:
        """Read a HubSpot ``deal.propertyChange`` webhook event on ``dealstage``.

        Uses ``eventId``, ``objectId`` (the deal), ``propertyValue`` (``closedwon``)
        and ``occurredAt`` (milliseconds since the epoch). HubSpot posts a list of
        such events; :meth:`all_from_hubspot` reads the whole body.

        Raises:
            SpecError: A field is missing or of the wrong type, or the event is not a
                ``dealstage`` change.
        """
        where = "HubSpot event"
        payload = _object(payload, where)
        name = _need(payload, "propertyName", where)
        if name != "dealstage":
            raise SpecError.single(
                f"The HubSpot event changes {_named(name)}, not `dealstage`",
                Location(path=("propertyName",)),
            )
        return cls(
            _id(payload, "eventId", where),
            _id(payload, "objectId", where),
            _text(payload, "propertyValue", where),
            _millis(payload, "occurredAt", where),
            payload,
        )

    @classmethod
    def all_from_hubspot(cls, body: Sequence[Mapping[str, Any]]) -> list[DealEvent]:
        """Every ``dealstage`` change in a HubSpot webhook body (a list of events).

        Events about other properties are left out; a malformed one is an error.

        Raises:
            SpecError: The body is not a list, or an event is malformed (its
                index is part of the location).
        """
        if not isinstance(body, list):
            raise SpecError.single(
                f"A HubSpot webhook body is a list of events, got {type(body).__name__}"
            )
        events = []
        for index, item in enumerate(body):
            if isinstance(item, Mapping) and item.get("propertyName") != "dealstage":
                continue
            try:
                events.append(cls.from_hubspot(item))
            except SpecError as error:
                raise SpecError(
                    [
                        Problem(p.message, attrs.evolve(p.location, path=(index, *p.location.path)))
                        for p in error.problems
                    ]
                ) from None
        return events

    @classmethod
    def from_salesforce(cls, payload: Mapping[str, Any]) -> DealEvent:
        """Read a Salesforce Opportunity change event (Change Data Capture).

        Accepts the event (``{"schema", "payload", "event"}``), its ``payload``, or a
        CometD message (``{"channel", "data"}``); uses ``ChangeEventHeader``
        (``recordIds``, ``commitTimestamp``, ``transactionKey`` and ``sequenceNumber``)
        and ``StageName`` (``Closed Won``). One change event may name several
        Opportunities; :meth:`all_from_salesforce` reads them all, and skips changes
        that are not stage changes.

        Raises:
            SpecError: A field is missing or of the wrong type, the event is not about
                an Opportunity or is no stage change, or it names more than one.
        """
        events = cls.all_from_salesforce(payload)
        if not events:
            raise SpecError.single(
                "The change event has no `StageName`: it is not a stage change",
                Location(path=("StageName",)),
            )
        if len(events) > 1:
            raise SpecError.single(
                f"The change event names {len(events)} Opportunities; read them all with "
                "DealEvent.all_from_salesforce",
                Location(path=(*_HEADER, "recordIds")),
            )
        return events[0]

    @classmethod
    def all_from_salesforce(cls, payload: Mapping[str, Any]) -> list[DealEvent]:
        """One event per Opportunity that a Salesforce change event names.

        Reads the same fields as :meth:`from_salesforce`. The event id is
        ``transactionKey:sequenceNumber``, followed by ``:recordId`` when the change
        event names several Opportunities. A change that is not a stage change (no
        ``StageName``, a delete, a gap event) gives no events; a malformed one is
        an error.

        Raises:
            SpecError: As :meth:`from_salesforce`, but several Opportunities are fine.
        """
        where = "Salesforce change event"
        payload = _object(payload, where)
        if "channel" in payload and "data" in payload:  # a CometD message
            payload = _object(payload["data"], where)
        body = _object(payload.get("payload", payload), where)
        header = _object(_need(body, "ChangeEventHeader", where), "ChangeEventHeader")
        entity = _need(header, "entityName", "ChangeEventHeader", _HEADER)
        if entity != "Opportunity":
            raise SpecError.single(
                f"The Salesforce event is about {_named(entity, quote=False)}, not an Opportunity",
                Location(path=(*_HEADER, "entityName")),
            )
        records = _need(header, "recordIds", "ChangeEventHeader", _HEADER)
        ids = (
            [_identifier(r) if isinstance(r, str) else None for r in records]
            if isinstance(records, list)
            else []
        )
        if not ids or None in ids:
            raise SpecError.single(
                "`recordIds` must list Opportunity ids (printable ASCII text of at most "
                f"{_MAX_ID_LENGTH} characters), got {_brief(records)}",
                Location(path=(*_HEADER, "recordIds")),
            )
        occurred = _millis(header, "commitTimestamp", "ChangeEventHeader", _HEADER)
        key = _id(header, "transactionKey", "ChangeEventHeader", _HEADER)
        sequence = _number(header, "sequenceNumber", "ChangeEventHeader", _HEADER)
        change = header.get("changeType")
        if body.get("StageName") is None or (
            isinstance(change, str) and (change == "DELETE" or change.startswith("GAP"))
        ):
            return []  # not a stage change
        stage = _text(body, "StageName", where)
        event_id = f"{key}:{sequence}"
        return [
            cls(
                event_id if len(ids) == 1 else f"{event_id}:{record}",
                record,
                stage,
                occurred,
                body,
            )
            for record in ids
            if record is not None
        ]


def payload_owner(event: DealEvent) -> str | None:
    """The deal's owner as the CRM payload names it (``owner`` or ``hubspot_owner_id``)."""
    owner = event.payload.get("owner") or event.payload.get("hubspot_owner_id")
    return owner if isinstance(owner, str) else None


def payload_customer(event: DealEvent) -> str | None:
    """The customer as the CRM payload names it (``customer`` or ``dealname``), if it does."""
    customer = event.payload.get("customer") or event.payload.get("dealname")
    return customer if isinstance(customer, str) and customer.strip() else None
