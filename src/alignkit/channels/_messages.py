"""The message log of a channel SLA report: each message checked, and a log read from CSV.

:class:`Message` is one row of the log. :meth:`Message.read_csv` reads a whole log,
checking every row before returning any, and reports every bad row at its row and
column, as the project's other CSV readers do (it reads through
:func:`alignkit._csvio.open_table`). Rows it has checked are built without checking
them a second time (:func:`_trusted`), which is what lets a log of a million messages
be read in seconds.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Final, final

import attrs

from alignkit.diagnostics import Location
from alignkit.errors import Problem, SpecError

if TYPE_CHECKING:
    from alignkit._csvio import Table

__all__ = ["Message"]

_REQUIRED: Final = ("id", "channel", "kind", "sent_at", "sender_function", "receiver_function")
"""The columns every log has."""

_OPTIONAL: Final = ("first_response_at", "urgent", "blocking", "receiver")
"""The columns a log may leave out; an absent one reads as an empty cell."""

_COLUMNS: Final = (*_REQUIRED, *_OPTIONAL)
"""Every column read, in the order of the fields of :class:`Message`."""

_FLAGS: Final = {
    "": False,
    "false": False,
    "no": False,
    "0": False,
    "true": True,
    "yes": True,
    "1": True,
}
"""The cells of ``urgent`` and ``blocking``, lowercased, and what each means."""

_OFFSET_EXAMPLE: Final = "2026-11-27T15:00:00+00:00"

_MAX_PROBLEMS: Final = 1000
"""Problems kept from one log; beyond them, only how many more there are."""

_SHORT: Final = 60
"""Characters of a value shown in a message."""

_HEADER_NAME: Final = re.compile(r"[\w .()/#%-]{1,40}")
"""A header cell that plainly is a column name, and so may be shown as a likely typo."""


def _shown(value: object) -> str:
    """``repr(value)``, cut short: a cell may hold 131,072 characters."""
    text = repr(value)
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


def _before(first: str, sent: str) -> str:
    return (
        f"`first_response_at` ({first}) is before `sent_at` ({sent}); "
        "a message is answered after it is sent"
    )


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _time_problem(name: str, value: object) -> str | None:
    """What is wrong with ``value`` as the time ``name``, or ``None``."""
    if not isinstance(value, dt.datetime):
        return (
            f"`{name}` must be a datetime with an offset from UTC "
            f"(like {_OFFSET_EXAMPLE}), got {_shown(value)}"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        return (
            f"`{name}` must carry an offset from UTC (a timezone-aware datetime, "
            f"like {_OFFSET_EXAMPLE}), got {_shown(value)}"
        )
    return None


@final
@attrs.frozen
class Message:
    """One message of a channel log: what was sent where, by which function to which, and when it was first answered.

    Args:
        id: The message's id, unique in its log.
        channel: The channel it was sent on (``"chat"``, ``"email"``).
        kind: What kind of message it is (``"question"``, ``"decision"``).
        sent_at: When it was sent, with its offset from UTC.
        sender_function: The function that sent it.
        receiver_function: The function it was sent to, on whose calendar it is timed.
        first_response_at: When it was first answered, with its offset from UTC;
            ``None`` while it is not answered.
        urgent: Whether it was sent as urgent.
        blocking: Whether it blocks the sender's work.
        receiver: The id of the person it was sent to, when known.

    Raises:
        SpecError: Every problem at once, each at its field's path: a blank text, a
            time without an offset from UTC, a first response before the message
            was sent, a flag that is not ``True`` or ``False``, a blank receiver.

    >>> import datetime as dt
    >>> sent = dt.datetime(2026, 11, 27, 15, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    >>> Message("m1", "email", "decision", sent, "Sales", "Finance").first_response_at is None
    True
    >>> Message("m2", "chat", " ", dt.datetime(2026, 11, 27, 15), "Sales", "IT", urgent=1)
    Traceback (most recent call last):
      ...
    alignkit.errors.SpecError: 3 problems:
      kind: `kind` must be non-blank text, got ' '
      sent_at: `sent_at` must carry an offset from UTC (a timezone-aware datetime, like 2026-11-27T15:00:00+00:00), got datetime.datetime(2026, 11, 27, 15, 0)
      urgent: `urgent` must be True or False, got 1

    Added in 0.2.
    """  # noqa: E501 - the summary line is the one the issue gives; a doctest's output line

    id: str
    channel: str
    kind: str
    sent_at: dt.datetime
    sender_function: str
    receiver_function: str
    first_response_at: dt.datetime | None = None
    urgent: bool = attrs.field(default=False, kw_only=True)
    blocking: bool = attrs.field(default=False, kw_only=True)
    receiver: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []

        def add(field: str, message: str) -> None:
            problems.append(Problem(message, Location(path=(field,))))

        for field in ("id", "channel", "kind"):
            self._check_text(field, add)
        sent_problem = _time_problem("sent_at", self.sent_at)
        if sent_problem is not None:
            add("sent_at", sent_problem)
        for field in ("sender_function", "receiver_function"):
            self._check_text(field, add)
        first = self.first_response_at
        if first is not None:
            first_problem = _time_problem("first_response_at", first)
            if first_problem is not None:
                add("first_response_at", first_problem)
            # In UTC: times that share a zone compare by wall clock, wrong across DST.
            elif sent_problem is None and _utc(first) < _utc(self.sent_at):
                add("first_response_at", _before(first.isoformat(), self.sent_at.isoformat()))
        for field in ("urgent", "blocking"):
            value = getattr(self, field)
            if not isinstance(value, bool):
                add(field, f"`{field}` must be True or False, got {_shown(value)}")
        if self.receiver is not None and not _is_text(self.receiver):
            add(
                "receiver",
                f"`receiver` must be None or non-blank text, got {_shown(self.receiver)}",
            )
        if problems:
            raise SpecError(problems)

    def _check_text(self, field: str, add: Callable[[str, str], None]) -> None:
        value = getattr(self, field)
        if not _is_text(value):
            add(field, f"`{field}` must be non-blank text, got {_shown(value)}")

    @classmethod
    def read_csv(
        cls,
        source: str | os.PathLike[str] | IO[str],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> list[Message]:
        r"""Read a message log from CSV, checking every row before returning any.

        Columns: ``id``, ``channel``, ``kind``, ``sent_at``, ``sender_function`` and
        ``receiver_function``; optionally ``first_response_at`` (empty: not answered),
        ``urgent`` and ``blocking`` (``true``/``false``, ``yes``/``no``, ``1``/``0``
        in any case; empty: false) and ``receiver`` (a person's id; empty: not
        known). The columns may come in any order, and other columns are ignored.
        Cells are read without the white space around them. Times are ISO 8601
        with their offset from UTC: ``2026-11-27T15:00:00-05:00`` or
        ``2026-11-27T20:00:00Z``. Each message has its own id.

        The file streams through: a log of any length is read a line at a time.

        >>> import io
        >>> header = "id,channel,kind,sent_at,sender_function,receiver_function,urgent\n"
        >>> good = "m1,chat,question,2026-11-27T15:00:00-05:00,Sales,IT,yes\n"
        >>> [(m.id, m.sent_at.isoformat(), m.urgent) for m in Message.read_csv(io.StringIO(header + good))]
        [('m1', '2026-11-27T15:00:00-05:00', True)]
        >>> bad = "m2,email,decision,2026-11-27T15:05:00,Sales,Finance,maybe\n"
        >>> Message.read_csv(io.StringIO(header + good + bad))
        Traceback (most recent call last):
          ...
        alignkit.errors.SpecError: 2 problems:
          <csv>:3:4: `sent_at` '2026-11-27T15:05:00' has no offset from UTC; times must carry an offset, like 2026-11-27T15:00:00+00:00
          <csv>:3:7: `urgent` must be true or false (or yes/no, 1/0; empty for false), got 'maybe'

        Args:
            source: The log: a path, or a text stream (opened with ``newline=""``).
            progress: Called with the number of characters of each line as it is
                read (a progress bar adds them up), as
                :func:`~alignkit.bonus.compute_payouts_csv` calls it.

        Returns:
            The messages, in the order of their rows.

        Raises:
            SpecError: Every problem at once (the first thousand, in a log with
                more), each at its file, row (the header is row 1), column and
                header: a missing or repeated column, a row with more or fewer cells
                than the header, an empty cell that must be filled, a time that is
                not ISO 8601 or has no offset, a first response before the message
                was sent, a flag that is not true or false, an id on two rows (named
                on the later one, with both rows). A file that cannot be read at all
                (missing, empty, not UTF-8) is one problem with the code ``AK010``.

        Added in 0.2.
        """  # noqa: E501 - a doctest's output line
        from alignkit._csvio import open_table
        from alignkit._gc import collector_paused

        # A message per row and no reference cycles: see alignkit._gc.
        with open_table(source, progress=progress) as table, collector_paused():
            return _read(table)


_SETTERS: Final = tuple(vars(Message)[field.name].__set__ for field in attrs.fields(Message))
"""The slot setters of :class:`Message`, in field order (an attrs class has slots)."""


def _trusted(
    id: str,
    channel: str,
    kind: str,
    sent_at: dt.datetime,
    sender_function: str,
    receiver_function: str,
    first_response_at: dt.datetime | None,
    urgent: bool,
    blocking: bool,
    receiver: str | None,
) -> Message:
    """A :class:`Message` of values already checked, built without checking them again.

    It equals the one ``Message(...)`` builds from the same values; only give it
    values that ``Message(...)`` accepts.
    """
    message: Message = object.__new__(Message)
    (
        set_id,
        set_channel,
        set_kind,
        set_sent_at,
        set_sender_function,
        set_receiver_function,
        set_first_response_at,
        set_urgent,
        set_blocking,
        set_receiver,
    ) = _SETTERS
    set_id(message, id)
    set_channel(message, channel)
    set_kind(message, kind)
    set_sent_at(message, sent_at)
    set_sender_function(message, sender_function)
    set_receiver_function(message, receiver_function)
    set_first_response_at(message, first_response_at)
    set_urgent(message, urgent)
    set_blocking(message, blocking)
    set_receiver(message, receiver)
    return message


# -- reading a log ---------------------------------------------------------------------------


class _Found:
    """The problems of a log: the first thousand kept, the rest counted."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.more = 0

    def add(self, problem: Problem) -> None:
        if len(self.problems) >= _MAX_PROBLEMS:
            self.more += 1
        else:
            self.problems.append(problem)

    def cell(self, message: str, row: int, line: int, column: int, key: str) -> Problem:
        """A problem at the cell of column ``key`` (``column`` counts from 0)."""
        where = Location(self.name, row=row, line=line, column=column + 1, path=(key,))
        return Problem(message, where)

    def raise_if_any(self, extra: list[Problem]) -> None:
        problems = [*self.problems, *extra]
        if self.more:
            problems.append(
                Problem(
                    f"{self.more:,} more problems are not shown; fix the ones above and run again",
                    Location(self.name),
                )
            )
        if problems:
            raise SpecError(problems)


def _columns(header: list[str], name: str) -> dict[str, int]:
    """Where each column read is; every problem of the header at once."""
    from alignkit._suggest import suggest

    columns: dict[str, int] = {}
    others: dict[str, int] = {}
    problems: list[Problem] = []
    for j, cell in enumerate(header):
        key = cell.replace("\ufeff", "").strip().lower()
        if key not in _COLUMNS:
            if _HEADER_NAME.fullmatch(key):
                others.setdefault(key, j)
        elif key in columns:
            problems.append(
                Problem(f"Duplicate column {key!r}", Location(name, row=1, line=1, column=j + 1))
            )
        else:
            columns[key] = j
    for key in _REQUIRED:
        if key in columns:
            continue
        close = suggest(key, others)
        if close is not None:
            message = f"Missing column {key!r}; is {close!r} a misspelling of it?"
            where = Location(name, row=1, line=1, column=others[close] + 1)
        else:
            message = f"Missing column {key!r}; a message log has {', '.join(_REQUIRED)}"
            where = Location(name, row=1, line=1, column=1)
        problems.append(Problem(message, where))
    if problems:
        raise SpecError(problems)
    return columns


def _read(table: Table) -> list[Message]:
    """Every message of ``table``, or a ``SpecError`` with every problem of its rows."""
    name = table.name
    width = len(table.header)
    columns = _columns(table.header, name)
    # An absent column reads the empty cell appended to each row, at index ``width``.
    where = [columns.get(key, width) for key in _COLUMNS]
    pick = itemgetter(*where)
    id_column = columns["id"]
    found = _Found(name)
    seen: dict[str, int] = {}
    messages: list[Message] = []
    parse = dt.datetime.fromisoformat
    flags = _FLAGS
    trusted = _trusted
    strip = str.strip
    # A log names a few channels, kinds, functions and people many times: one copy each.
    shared: dict[str, str] = {}
    share = shared.setdefault
    for row, line, cells in table.rows:
        if len(cells) != width:
            _misfit(found, seen, cells, width, row, line, id_column)
            continue
        cells.append("")
        (
            ident,
            channel,
            kind,
            sent,
            sender,
            receiver_function,
            first,
            urgent,
            blocking,
            receiver,
        ) = map(strip, pick(cells))
        is_urgent = flags.get(urgent.lower())
        is_blocking = flags.get(blocking.lower())
        first_row = seen.setdefault(ident, row) if ident else row
        if (
            ident
            and channel
            and kind
            and sent
            and sender
            and receiver_function
            and is_urgent is not None
            and is_blocking is not None
        ):
            try:
                sent_at = parse(sent)
                first_at = parse(first) if first else None
            except ValueError:
                pass  # told below
            else:
                if sent_at.tzinfo is not None and (
                    first_at is None or (first_at.tzinfo is not None and first_at >= sent_at)
                ):
                    if first_row != row:
                        found.add(_duplicate(found, ident, first_row, row, line, id_column))
                    elif not found.problems:  # once a row is bad, nothing is built
                        messages.append(
                            trusted(
                                ident,
                                share(channel, channel),
                                share(kind, kind),
                                sent_at,
                                share(sender, sender),
                                share(receiver_function, receiver_function),
                                first_at,
                                is_urgent,
                                is_blocking,
                                share(receiver, receiver) if receiver else None,
                            )
                        )
                    continue
        texts = {
            "id": ident,
            "channel": channel,
            "kind": kind,
            "sent_at": sent,
            "sender_function": sender,
            "receiver_function": receiver_function,
            "first_response_at": first,
            "urgent": urgent,
            "blocking": blocking,
        }
        row_problems = _row_problems(found, row, line, where, texts)
        if first_row != row:
            row_problems.append(_duplicate(found, ident, first_row, row, line, id_column))
        row_problems.sort(key=lambda p: p.location.column or 0)
        for problem in row_problems:
            found.add(problem)
    found.raise_if_any(table.problems)
    return messages


def _misfit(
    found: _Found,
    seen: dict[str, int],
    cells: list[str],
    width: int,
    row: int,
    line: int,
    id_column: int,
) -> None:
    """Note a row of another width than the header's; its id still counts as taken."""
    from alignkit._csvio import width_problem

    found.add(width_problem(len(cells), width, found.name, row, line))
    if id_column < len(cells):
        ident = cells[id_column].strip()
        first_row = seen.setdefault(ident, row) if ident else row
        if first_row != row:
            found.add(_duplicate(found, ident, first_row, row, line, id_column))


def _duplicate(found: _Found, ident: str, first: int, row: int, line: int, column: int) -> Problem:
    """The problem of an id on row ``row`` that row ``first`` has already."""
    message = (
        f"Duplicate message id {_shown(ident)} on rows {first} and {row}; "
        "give each message its own id"
    )
    return found.cell(message, row, line, column, "id")


def _row_problems(
    found: _Found, row: int, line: int, where: list[int], texts: dict[str, str]
) -> list[Problem]:
    """Every problem of a row whose quick check failed, but for a repeated id."""
    place = dict(zip(_COLUMNS, where, strict=True))
    problems: list[Problem] = []

    def add(key: str, message: str) -> None:
        problems.append(found.cell(message, row, line, place[key], key))

    for key in _REQUIRED:
        if not texts[key]:
            add(key, f"Empty {key!r}")
    times: dict[str, dt.datetime] = {}
    for key in ("sent_at", "first_response_at"):
        text = texts[key]
        if not text:
            continue
        try:
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            add(
                key,
                f"`{key}` must be a date and time (ISO 8601, like {_OFFSET_EXAMPLE}), "
                f"got {_shown(text)}",
            )
            continue
        if when.tzinfo is None or when.utcoffset() is None:
            add(
                key,
                f"`{key}` {_shown(text)} has no offset from UTC; times must carry an "
                f"offset, like {_OFFSET_EXAMPLE}",
            )
            continue
        times[key] = when
    if len(times) == 2 and times["first_response_at"] < times["sent_at"]:  # noqa: PLR2004
        add("first_response_at", _before(texts["first_response_at"], texts["sent_at"]))
    for key in ("urgent", "blocking"):
        text = texts[key]
        if text.lower() not in _FLAGS:
            add(
                key,
                f"`{key}` must be true or false (or yes/no, 1/0; empty for false), "
                f"got {_shown(text)}",
            )
    return problems
