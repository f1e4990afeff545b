"""A message log held as columns: read from CSV in bulk and reported on with NumPy.

:class:`MessageLog` holds what a list of :class:`~alignkit.channels.Message` holds,
a column per field: the texts that repeat (channels, kinds, functions, people) once
each with a small integer per row, the times as microseconds since 1970 UTC with
their offsets. :meth:`MessageLog.read_csv` reads the common layout of a log (ASCII,
no quoted cells, times such as ``2026-11-27T15:00:00-05:00``) straight from the
file's bytes; any row outside that layout is read by :meth:`Message.read_csv`'s own
code, and a log with any problem is read again by it whole, so that the problems
reported, and the messages read, are exactly the same.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, final, overload

from alignkit.channels._messages import _FLAGS, Message, _trusted

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["MessageLog", "numpy_or_none", "wall_times"]

_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US: Final = dt.timedelta(microseconds=1)
MISSING: Final = -(2**63)
"""No first response (NaT's integer)."""

_CHUNK: Final = 1 << 23
"""Bytes of a log read at a time (about 70,000 messages)."""

_MAX_TEXT: Final = 64
"""Longer cells than this are read by the row reader."""

_MAX_ROUGH: Final = 0.02
"""Above this share of rows outside the common layout, the whole log goes to the row reader."""

_SAMPLE: Final = 4096
"""Rows whose distinct values are looked for first: a log names few channels and people."""

_MIX: Final = 0x9E3779B97F4A7C15
"""An odd multiplier for hashing a cell's bytes (the hash is checked, never trusted)."""


def numpy_or_none() -> Any:  # noqa: ANN401 - the module, typed or not
    """NumPy when it is installed (``pip install 'alignkit[fast]'``), else ``None``."""
    try:
        import numpy as np
    except ImportError:
        return None
    return np


def _require_numpy(what: str) -> Any:  # noqa: ANN401 - the module
    found = numpy_or_none()
    if found is None:
        msg = f"{what} needs NumPy: pip install 'alignkit[fast]'"
        raise ModuleNotFoundError(msg, name="numpy")
    return found


_TEXT_FIELDS: Final = ("channel", "kind", "sender_function", "receiver_function", "receiver")


@final
class MessageLog(Sequence[Message]):
    r"""A message log held as columns, for the SLA report of a large log.

    It is a sequence of :class:`Message` (each built when asked for), and
    :func:`~alignkit.channels.sla_report` reports on it a column at a time: the
    same report as on the list of its messages, figure for figure, many times
    faster on a large log. Needs NumPy (``pip install 'alignkit[fast]'``).

    >>> import io
    >>> from alignkit.channels import MessageLog
    >>> text = (
    ...     "id,channel,kind,sent_at,sender_function,receiver_function,first_response_at\n"
    ...     "m1,chat,outage,2026-11-27T15:00:00-05:00,Sales,IT,2026-11-27T20:10:00+00:00\n"
    ...     "m2,email,decision,2026-11-27T15:05:00-05:00,Sales,Finance,\n"
    ... )
    >>> log = MessageLog.read_csv(io.StringIO(text))
    >>> len(log), log[1].id, log[0].first_response_at.isoformat()
    (2, 'm2', '2026-11-27T20:10:00+00:00')

    Added in 0.3.
    """

    __slots__ = (
        "_blocking",
        "_channel",
        "_channel_values",
        "_first_off",
        "_first_us",
        "_function_values",
        "_ids",
        "_kind",
        "_kind_values",
        "_messages",
        "_receiver",
        "_receiver_function",
        "_receiver_values",
        "_sender_function",
        "_sender_values",
        "_sent_off",
        "_sent_us",
        "_urgent",
    )

    _ids: list[str]
    _channel: NDArray[np.int32]
    _channel_values: list[str]
    _kind: NDArray[np.int32]
    _kind_values: list[str]
    _sender_function: NDArray[np.int32]
    _sender_values: list[str]
    _receiver_function: NDArray[np.int32]
    _function_values: list[str]
    _receiver: NDArray[np.int32]  # -1: not known
    _receiver_values: list[str]
    _sent_us: NDArray[np.int64]
    _sent_off: NDArray[np.int64]
    _first_us: NDArray[np.int64]  # MISSING: not answered
    _first_off: NDArray[np.int64]
    _urgent: NDArray[np.bool_]
    _blocking: NDArray[np.bool_]
    _messages: Sequence[Message] | None  # the messages it was made of, when it was

    def __init__(self, messages: Iterable[Message] = ()) -> None:
        """Hold ``messages`` (each a :class:`Message`) as columns.

        Raises:
            SpecError: An item is not a :class:`Message` (at its index).
            ModuleNotFoundError: NumPy is not installed.
        """
        np_ = _require_numpy("MessageLog")
        items = list(messages)
        _check_items(items)
        columns = _Builder(np_)
        for message in items:
            columns.add(message)
        columns.finish(self)
        self._messages = items

    @classmethod
    def read_csv(
        cls,
        source: str | os.PathLike[str] | IO[str],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> MessageLog:
        """Read a message log from CSV, as :meth:`Message.read_csv` reads it, into columns.

        The same columns, the same checks and the same problems (every bad row at
        its row and column, raised as one ``SpecError``) as
        :meth:`Message.read_csv`; the messages read are equal to its. A log in the
        common layout (ASCII, no quoted cells, times written as
        ``2026-11-27T15:00:00-05:00`` or ``2026-11-27T20:00:00Z``) is read from its
        bytes a block at a time; other rows take the row reader's path.

        Args:
            source: The log: a path, or a text stream.
            progress: Called with the number of characters read, block by block.

        Raises:
            SpecError: As :meth:`Message.read_csv`.
            ModuleNotFoundError: NumPy is not installed.
        """
        np_ = _require_numpy("MessageLog.read_csv")
        from alignkit._gc import collector_paused

        with collector_paused():
            return _read(np_, source, progress)

    # --- a sequence of messages ---------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> Message: ...

    @overload
    def __getitem__(self, index: slice) -> list[Message]: ...

    def __getitem__(self, index: int | slice) -> Message | list[Message]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if self._messages is not None:
            return self._messages[index]
        i = range(len(self))[index]  # an IndexError as a list gives
        receiver = int(self._receiver[i])
        return _trusted(
            self._ids[i],
            self._channel_values[self._channel[i]],
            self._kind_values[self._kind[i]],
            _moment(int(self._sent_us[i]), int(self._sent_off[i])),
            self._sender_values[self._sender_function[i]],
            self._function_values[self._receiver_function[i]],
            self._first_at(i),
            bool(self._urgent[i]),
            bool(self._blocking[i]),
            None if receiver < 0 else self._receiver_values[receiver],
        )

    def __iter__(self) -> Iterator[Message]:
        if self._messages is not None:
            return iter(self._messages)
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        return f"<MessageLog of {len(self):,} messages>"

    @property
    def receiver_functions(self) -> frozenset[str]:
        """The functions that receive at least one message."""
        np_ = _require_numpy("MessageLog")
        used = np_.unique(self._receiver_function).tolist()
        return frozenset(self._function_values[k] for k in used)

    def _first_at_many(self, rows: NDArray[np.int64]) -> list[dt.datetime | None]:
        """:meth:`_first_at` of each of ``rows``."""
        if self._messages is not None:
            messages = self._messages
            return [messages[i].first_response_at for i in rows.tolist()]
        np = _require_numpy("MessageLog")
        firsts = self._first_us[rows]
        answered = firsts != MISSING
        offsets = self._first_off[rows]
        built = iter(
            wall_times(
                np,
                firsts[answered],
                offsets[answered],
                [_zone(o) for o in offsets[answered].tolist()],
            )
        )
        return [next(built) if a else None for a in answered.tolist()]

    def _first_at(self, i: int) -> dt.datetime | None:
        """Row ``i``'s first response, from the columns."""
        first = int(self._first_us[i])
        return None if first == MISSING else _moment(first, int(self._first_off[i]))


_ZONES: dict[int, dt.timezone] = {}


def _zone(offset: int) -> dt.timezone:
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = dt.timezone(dt.timedelta(microseconds=offset))
    return zone


def wall_times(
    np: Any,  # noqa: ANN401 - NumPy
    instants: Any,  # noqa: ANN401 - an array of int64
    offsets: Any,  # noqa: ANN401 - the same
    zones: Sequence[dt.tzinfo],
) -> list[dt.datetime]:
    """Datetimes of ``instants`` at wall time ``instant + offset`` with each row's ``zones``.

    One constructor call a row, the calendar worked out for all rows at once. The
    result names the instant only where the zone's offset at that wall time is the
    one given (always, for a fixed offset): the caller checks others.
    """
    wall = instants + offsets
    days, rest = np.divmod(wall, 86_400_000_000)
    # Proleptic Gregorian date of a day count since 1970 (H. Hinnant's civil_from_days).
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)  # noqa: PLR2004 - March-based months
    year = yoe + era * 400 + (month <= 2)  # noqa: PLR2004
    seconds, micro = np.divmod(rest, 1_000_000)
    minutes, second = np.divmod(seconds, 60)
    hour, minute = np.divmod(minutes, 60)
    return list(
        map(
            dt.datetime,
            year.tolist(),
            month.tolist(),
            day.tolist(),
            hour.tolist(),
            minute.tolist(),
            second.tolist(),
            micro.tolist(),
            zones,
        )
    )


_NAIVE_EPOCH: Final = dt.datetime(1970, 1, 1)  # noqa: DTZ001 - a wall time, offset added


def _moment(instant: int, offset: int) -> dt.datetime:
    """The instant as ``datetime.fromisoformat`` reads it: with its fixed offset."""
    zone = _zone(offset)
    return (_NAIVE_EPOCH + dt.timedelta(microseconds=instant + offset)).replace(tzinfo=zone)


def _check_items(items: Sequence[object]) -> None:
    from alignkit.diagnostics import Location
    from alignkit.errors import Problem, SpecError

    problems = [
        Problem(f"Item {i} is a {type(m).__name__}, not a Message", Location(path=(i,)))
        for i, m in enumerate(items)
        if not isinstance(m, Message)
    ]
    if problems:
        raise SpecError(problems)


class _Builder:
    """Columns built a message (or a block of rows) at a time."""

    def __init__(self, np_: Any) -> None:  # noqa: ANN401 - NumPy
        self.np = np_
        self.ids: list[str] = []
        self.values: dict[str, dict[str, int]] = {f: {} for f in _TEXT_FIELDS}
        self.codes: dict[str, list[Any]] = {f: [] for f in _TEXT_FIELDS}
        self.times: list[list[Any]] = [[], [], [], []]
        self.flags: list[list[Any]] = [[], []]
        self.single: list[Message] = []

    def add(self, message: Message) -> None:
        """One message (kept to be added with the next block, or at the end)."""
        self.single.append(message)

    def _flush_single(self) -> None:
        if not self.single:
            return
        np = self.np
        messages, self.single = self.single, []
        self.ids.extend(m.id for m in messages)
        for field in _TEXT_FIELDS:
            table = self.values[field]
            codes = [
                -1 if value is None else table.setdefault(value, len(table))
                for value in (getattr(m, field) for m in messages)
            ]
            self.codes[field].append(np.array(codes, dtype=np.int32))
        sent = [_instant(m.sent_at) for m in messages]
        first = [
            (MISSING, 0) if m.first_response_at is None else _instant(m.first_response_at)
            for m in messages
        ]
        for k, column in enumerate((sent, first)):
            self.times[2 * k].append(np.array([t for t, _ in column], dtype=np.int64))
            self.times[2 * k + 1].append(np.array([o for _, o in column], dtype=np.int64))
        self.flags[0].append(np.array([m.urgent for m in messages], dtype=np.bool_))
        self.flags[1].append(np.array([m.blocking for m in messages], dtype=np.bool_))

    def block(
        self,
        ids: list[str],
        texts: dict[str, tuple[Any, list[str]]],
        times: tuple[Any, Any, Any, Any],
        flags: tuple[Any, Any],
    ) -> None:
        """A block of rows read in bulk: codes into each block's own distinct values."""
        np = self.np
        self._flush_single()
        self.ids.extend(ids)
        for field in _TEXT_FIELDS:
            codes, values = texts[field]
            table = self.values[field]
            remap = np.array(
                [table.setdefault(v, len(table)) for v in values] or [0], dtype=np.int32
            )
            self.codes[field].append(np.where(codes >= 0, remap[np.maximum(codes, 0)], -1))
        for k in range(4):
            self.times[k].append(times[k])
        for k in range(2):
            self.flags[k].append(flags[k])

    def finish(self, log: MessageLog) -> None:
        np = self.np
        self._flush_single()

        def joined(parts: list[Any], dtype: Any) -> Any:  # noqa: ANN401
            return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)

        init = object.__setattr__
        init(log, "_ids", self.ids)
        for field, slot in (
            ("channel", "_channel"),
            ("kind", "_kind"),
            ("sender_function", "_sender_function"),
            ("receiver_function", "_receiver_function"),
            ("receiver", "_receiver"),
        ):
            init(log, slot, joined(self.codes[field], np.int32))
        init(log, "_channel_values", list(self.values["channel"]))
        init(log, "_kind_values", list(self.values["kind"]))
        init(log, "_sender_values", list(self.values["sender_function"]))
        init(log, "_function_values", list(self.values["receiver_function"]))
        init(log, "_receiver_values", list(self.values["receiver"]))
        for k, slot in enumerate(("_sent_us", "_sent_off", "_first_us", "_first_off")):
            init(log, slot, joined(self.times[k], np.int64))
        init(log, "_urgent", joined(self.flags[0], np.bool_))
        init(log, "_blocking", joined(self.flags[1], np.bool_))
        init(log, "_messages", None)


def _instant(moment: dt.datetime) -> tuple[int, int]:
    offset = moment.utcoffset()
    return (moment - _EPOCH) // _US, 0 if offset is None else offset // _US


# -- reading ---------------------------------------------------------------------------------


class _Rough(Exception):  # noqa: N818 - a signal, not an error users see
    """The log is not in the common layout, or has a problem: the row reader reads it."""


def _read(
    np: Any,  # noqa: ANN401 - NumPy
    source: str | os.PathLike[str] | IO[str],
    progress: Callable[[int], None] | None,
) -> MessageLog:
    from alignkit._csvio import _unreadable

    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            raise _unreadable(name, error) from None
    else:
        stream_name = getattr(source, "name", None)
        name = stream_name if isinstance(stream_name, str) else "<csv>"
        text = source.read()
        if not text or not text.isascii():
            return _by_rows(io.StringIO(text), name, progress)
        data = text.encode("ascii")
    try:
        return _read_bytes(np, data, name, progress)
    except _Rough:
        pass
    if isinstance(source, str | os.PathLike):
        return MessageLog(Message.read_csv(name))
    return _by_rows(io.StringIO(text), name, None)


def _by_rows(stream: IO[str], name: str, progress: Callable[[int], None] | None) -> MessageLog:
    """The log read by :meth:`Message.read_csv`'s row reader (named ``name``), as columns."""
    from alignkit._csvio import _open
    from alignkit.channels._messages import _read as read_rows

    return MessageLog(read_rows(_open(stream, name, progress)))


def _read_bytes(
    np: Any,  # noqa: ANN401 - NumPy
    data: bytes,
    name: str,
    progress: Callable[[int], None] | None,
) -> MessageLog:
    from alignkit.channels._messages import _columns

    if data and not data.endswith(b"\n"):
        data += b"\n"  # the last line ends as the others do (a copy, in this case only)
    # Offsets into the file's bytes, never copies of them: a log is read in place.
    first = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if (
        (np.frombuffer(data, dtype=np.uint8, offset=first) >= 0x80).any()  # noqa: PLR2004 - ASCII
        or b'"' in data
        or b"\x00" in data
    ):
        raise _Rough
    carriage = data.count(b"\r")
    if carriage and carriage != data.count(b"\r\n"):
        raise _Rough
    end = data.find(b"\n", first)
    header_line = data[first : end if end >= 0 else len(data)].decode("ascii").rstrip("\r")
    if not header_line.strip():
        raise _Rough
    header = header_line.split(",")
    columns = _columns(header, name)  # a bad header: its problems, as the row reader's
    if progress is not None:
        progress(end + 1 - first if end >= 0 else len(data) - first)
    reader = _Blocks(np, columns, len(header), header_line)
    builder = _Builder(np)
    blocks = []
    start = len(data) if end < 0 else end + 1
    view = memoryview(data)
    while start < len(data):
        stop = data.rfind(b"\n", start, start + _CHUNK) + 1
        if stop <= start:
            stop = data.find(b"\n", start) + 1
        blocks.append(view[start:stop])
        start = stop
    # Blocks are read side by side (NumPy lets go of the interpreter lock as it works),
    # and their columns added in order.
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=_workers(len(blocks)))
    try:
        for block, parts in zip(blocks, pool.map(reader.read, blocks), strict=True):
            builder.block(*parts)
            if progress is not None:
                progress(len(block))
    finally:
        pool.shutdown(cancel_futures=True)
    log = object.__new__(MessageLog)
    builder.finish(log)
    if len(set(log._ids)) != len(log._ids):
        raise _Rough
    if ((log._first_us < log._sent_us) & (log._first_us != MISSING)).any():
        raise _Rough
    return log


def _workers(blocks: int) -> int:
    """Threads to read ``blocks`` with: one per core, at most four."""
    return max(1, min(blocks, os.cpu_count() or 1, 4))


_COMMA: Final = ord(",")
_NEWLINE: Final = ord("\n")
_RETURN: Final = ord("\r")
_WHITE: Final = (9, 10, 11, 12, 13, 28, 29, 30, 31, 32)
"""The ASCII characters ``str.strip`` removes."""

_REQUIRED_KEYS: Final = ("id", "channel", "kind", "sent_at", "sender_function", "receiver_function")


_Parts = tuple[
    list[str], dict[str, tuple[Any, list[str]]], tuple[Any, Any, Any, Any], tuple[Any, Any]
]
"""A block's columns (ids, texts as codes and values, times, flags), as ``block`` takes them."""


class _Blocks:
    """Reads blocks of whole lines of a log in the common layout into columns."""

    def __init__(
        self,
        np: Any,  # noqa: ANN401 - NumPy
        columns: dict[str, int],
        width: int,
        header: str,
    ) -> None:
        self.np = np
        self.columns = columns
        self.width = width
        self.header = header
        white = np.zeros(256, dtype=np.bool_)
        white[list(_WHITE)] = True
        self.white = white

    def read(self, chunk: memoryview) -> _Parts:  # noqa: PLR0915 - one pass over a block
        """A block of whole lines as columns (each line's cells, in order)."""
        np = self.np
        width = self.width
        padded = bytes(chunk) + b"\x00" * 8
        buf = np.frombuffer(padded, dtype=np.uint8)
        words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
        stops = np.flatnonzero((buf == _COMMA) | (buf == _NEWLINE))
        newline = buf[stops] == _NEWLINE
        line_at = np.flatnonzero(newline)  # each line's newline, as an index into stops
        ends = stops[line_at]
        begins = np.empty(len(ends), dtype=np.int64)
        begins[:1] = 0
        begins[1:] = ends[:-1] + 1
        commas = np.diff(np.concatenate(([-1], line_at))) - 1
        good = commas == width - 1
        # A line is read in bulk when it has the header's width and nothing that needs
        # the row reader: white space around a cell, a long cell, a time in another form.
        rows = np.flatnonzero(good)
        starts = np.empty((len(rows), width), dtype=np.int64)
        finish = stops[line_at[rows][:, None] - (width - 1) + np.arange(width)]
        starts[:, 0] = begins[rows]
        starts[:, 1:] = finish[:, :-1] + 1
        finish[:, -1] -= buf[np.maximum(finish[:, -1] - 1, 0)] == _RETURN  # a CRLF line end
        lengths = finish - starts
        edges = (lengths > 0) & (
            self.white[buf[starts]] | self.white[buf[np.maximum(finish - 1, 0)]]
        )
        fine = ~edges.any(axis=1) & (lengths <= _MAX_TEXT).all(axis=1)
        for key in _REQUIRED_KEYS:
            fine &= lengths[:, self.columns[key]] > 0
        cells: dict[str, tuple[Any, Any]] = {}
        for key in ("id", *_TEXT_FIELDS, "sent_at", "first_response_at", "urgent", "blocking"):
            j = self.columns.get(key)
            if j is None:
                cells[key] = (np.zeros(len(rows), np.int64), np.zeros(len(rows), np.int64))
            else:
                cells[key] = (starts[:, j], lengths[:, j])
        sent_us, sent_off, sent_ok = _times(np, words, *cells["sent_at"])
        first_us, first_off, first_ok = _times(np, words, *cells["first_response_at"])
        fine &= sent_ok & (first_ok | (cells["first_response_at"][1] == 0))
        rough = np.concatenate((np.flatnonzero(~good), rows[~fine]))
        if len(rough) > _MAX_ROUGH * len(ends) + 2:
            raise _Rough
        rows_fine = np.flatnonzero(fine)
        keep = rows[rows_fine]
        texts: dict[str, tuple[Any, list[str]]] = {}
        for key in _TEXT_FIELDS:
            at, length = (c[rows_fine] for c in cells[key])
            codes, values = _factor(np, words, padded, at, length)
            if key == "receiver":
                codes = np.where(length > 0, codes, -1)
            texts[key] = (codes, values)
        flags = []
        for key in ("urgent", "blocking"):
            at, length = (c[rows_fine] for c in cells[key])
            codes, values = _factor(np, words, padded, at, length)
            meaning = [_FLAGS.get(v.lower()) for v in values]
            if any(m is None for m in meaning):
                raise _Rough  # a flag that is not one: a problem
            flags.append(np.array(meaning or [False], dtype=np.bool_)[codes])
        id_at, id_length = (c[rows_fine] for c in cells["id"])
        ids = _texts(np, words, id_at, id_length)
        times = (sent_us[rows_fine], sent_off[rows_fine], first_us[rows_fine], first_off[rows_fine])
        if len(rough):
            return self._mixed(padded, begins, ends, keep, rough, ids, texts, times, flags)
        return ids, texts, times, (flags[0], flags[1])

    def _mixed(
        self,
        chunk: bytes,
        begins: Any,  # noqa: ANN401
        ends: Any,  # noqa: ANN401
        keep: Any,  # noqa: ANN401
        rough: Any,  # noqa: ANN401
        ids: list[str],
        texts: dict[str, tuple[Any, list[str]]],
        times: tuple[Any, Any, Any, Any],
        flags: list[Any],
    ) -> _Parts:
        """A block with rows for the row reader: those rows read one by one, in place."""
        np = self.np
        found = [
            _one_row(self.header, chunk[begins[line] : ends[line]].decode("ascii"))
            for line in rough.tolist()
        ]
        rough = rough[np.array([bool(f) for f in found], dtype=np.bool_)]  # blank: no message
        extra = [message for each in found for message in each]
        order = np.argsort(np.concatenate((keep, rough)), kind="stable")
        side = _Builder(np)
        for message in extra:
            side.add(message)
        side_log = object.__new__(MessageLog)
        side.finish(side_log)
        # Both parts' columns, in the order of the lines.
        all_ids = [*ids, *side_log._ids]
        merged_ids = [all_ids[k] for k in order.tolist()]
        merged_texts: dict[str, tuple[Any, list[str]]] = {}
        for field, slot, values in (
            ("channel", "_channel", "_channel_values"),
            ("kind", "_kind", "_kind_values"),
            ("sender_function", "_sender_function", "_sender_values"),
            ("receiver_function", "_receiver_function", "_function_values"),
            ("receiver", "_receiver", "_receiver_values"),
        ):
            codes, names = texts[field]
            theirs = getattr(side_log, slot)
            shift = np.where(theirs >= 0, theirs + len(names), -1)
            merged_texts[field] = (
                np.concatenate((codes, shift))[order],
                [*names, *getattr(side_log, values)],
            )
        merged_times = tuple(
            np.concatenate((mine, getattr(side_log, slot)))[order]
            for mine, slot in zip(
                times, ("_sent_us", "_sent_off", "_first_us", "_first_off"), strict=True
            )
        )
        merged_flags = tuple(
            np.concatenate((mine, getattr(side_log, slot)))[order]
            for mine, slot in zip(flags, ("_urgent", "_blocking"), strict=True)
        )
        return merged_ids, merged_texts, merged_times, merged_flags


def _one_row(header: str, line: str) -> list[Message]:
    """A line outside the common layout, read by the row reader (a problem: ``_Rough``)."""
    from alignkit.errors import SpecError

    try:
        return Message.read_csv(io.StringIO(f"{header}\n{line}\n"))
    except SpecError:
        raise _Rough from None


def _factor(
    np: Any,  # noqa: ANN401 - NumPy
    words: Any,  # noqa: ANN401
    data: bytes,
    at: Any,  # noqa: ANN401
    length: Any,  # noqa: ANN401
) -> tuple[Any, list[str]]:
    """Each cell's code into the block's distinct values, and the values (exact)."""
    if not len(at):
        return np.zeros(0, dtype=np.int64), []
    parts = _words(np, words, at, length)
    key = length.astype(np.uint64)
    mix = np.uint64(_MIX)
    with np.errstate(over="ignore"):
        for part in parts:
            key = key * mix + part
    # A log names few channels and people: look for them in the first rows, and take
    # the whole column only when a later row holds one the first did not.
    sample, first = np.unique(key[:_SAMPLE], return_index=True)
    slot = np.minimum(np.searchsorted(sample, key), len(sample) - 1)
    if (sample[slot] == key).all():
        codes = slot
    else:
        _, first, codes = np.unique(key, return_index=True, return_inverse=True)
    # The hash only groups: each cell is compared with its group's first, word by word.
    same = length == length[first][codes]
    for part in parts:
        same &= part == part[first][codes]
    if not same.all():
        # Two texts with one hash: group by the words themselves (never seen in practice).
        stacked = np.stack([length.astype(np.uint64), *parts], axis=1)
        _, first, codes = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
        codes = codes.reshape(-1)
    values = [data[int(at[k]) : int(at[k] + length[k])].decode("ascii") for k in first.tolist()]
    return codes.astype(np.int64), values


_MASKS: Final = tuple((1 << (8 * k)) - 1 for k in range(9))
"""The bytes of a word to keep, by how many of its bytes are in the cell."""


def _words(np: Any, words: Any, at: Any, length: Any) -> list[Any]:  # noqa: ANN401
    """A cell's bytes as 8-byte words, zero past its end."""
    top = len(words) - 1
    longest = int(length.max()) if len(length) else 0
    masks = np.array(_MASKS, dtype=np.uint64)
    return [
        words[np.minimum(at + 8 * q, top)] & masks[np.clip(length - 8 * q, 0, 8)]
        for q in range((longest + 7) // 8)
    ]


def _texts(np: Any, words: Any, at: Any, length: Any) -> list[str]:  # noqa: ANN401
    """Each cell as text (ASCII, at most ``_MAX_TEXT`` characters)."""
    if not len(at):
        return []
    parts = _words(np, words, at, length)
    matrix = np.stack(parts, axis=1).astype("<u8")
    raw = matrix.view(f"S{8 * len(parts)}").reshape(-1)
    return raw.astype(f"U{8 * len(parts)}").tolist()  # type: ignore[no-any-return]


# Where each character of 2026-11-27T15:00:00-05:00 is.
_DIGITS: Final = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24)
_DAYS_IN_MONTH: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _times(np: Any, words: Any, at: Any, length: Any) -> tuple[Any, Any, Any]:  # noqa: ANN401
    """Times in the common forms: microseconds since 1970 UTC, offsets, and which are read.

    ``YYYY-MM-DDTHH:MM:SS±HH:MM`` (25 characters) or ``YYYY-MM-DDTHH:MM:SSZ`` (20).
    A cell in another form, or not a real time, is not read here (``which`` is
    false): the row reader reads it, or reports it.
    """
    top = len(words) - 1
    # The first 32 bytes of each cell, a row of bytes each: four loads, not 25.
    loads = np.empty((len(at), 4), dtype="<u8")
    for q in range(4):
        loads[:, q] = words[np.minimum(at + 8 * q, top)]
    # A row per character (each contiguous), as digits where they are digits.
    grid = loads.view(np.uint8).reshape(len(at), 32)[:, :25].T.copy()
    digit = grid.astype(np.int16) - 48
    long_ = length == 25  # noqa: PLR2004 - the form with an offset
    zulu = (length == 20) & (grid[19] == ord("Z"))  # noqa: PLR2004
    ok = long_ | zulu
    for k in _DIGITS[:12]:
        ok &= digit[k].astype(np.uint16) <= 9  # noqa: PLR2004 - a negative one wraps
    for k, char in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")):
        ok &= grid[k] == ord(char)
    sign = np.where(grid[19] == ord("-"), -1, 1)
    offset_ok = ((grid[19] == ord("+")) | (grid[19] == ord("-"))) & (grid[22] == ord(":"))
    for k in _DIGITS[12:]:
        offset_ok &= digit[k].astype(np.uint16) <= 9  # noqa: PLR2004
    ok &= zulu | offset_ok

    def number(*places: int) -> Any:  # noqa: ANN401 - an array
        value = digit[places[0]].astype(np.int64)
        for place in places[1:]:
            value = value * 10 + digit[place]
        return value

    year = number(0, 1, 2, 3)
    month = number(5, 6)
    day = number(8, 9)
    hour = number(11, 12)
    minute = number(14, 15)
    second = number(17, 18)
    off_hour = np.where(zulu, 0, number(20, 21))
    off_minute = np.where(zulu, 0, number(23, 24))
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    most = np.array(_DAYS_IN_MONTH, dtype=np.int64)[np.clip(month, 0, 12)] + (leap & (month == 2))  # noqa: PLR2004 - February
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= most)  # noqa: PLR2004
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59) & (off_hour <= 23) & (off_minute <= 59)  # noqa: PLR2004
    # Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    y = year - (month <= 2)  # noqa: PLR2004
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1  # noqa: PLR2004
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    offset = sign * (off_hour * 3600 + off_minute * 60) * 1_000_000
    instant = (days * 86400 + hour * 3600 + minute * 60 + second) * 1_000_000 - offset
    instant = np.where(ok, instant, MISSING)
    return instant, np.where(ok, offset, 0), ok
