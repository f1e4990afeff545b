"""alignkit.channels.MessageLog: a log read into columns, and the report on it.

The column report must be the report, figure for figure: every property here
compares it with the report made a message at a time, on random calendars (lunch
breaks, nights, 24:00 windows, holidays, four zones with their changes of the clocks)
and random strategies. The CSV reader must read what ``Message.read_csv`` reads and
refuse what it refuses, with the same problems.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignkit.channels import (
    BusinessCalendar,
    BusinessDays,
    Channel,
    ChannelStrategy,
    Message,
    MessageLog,
    _columns,
    _report,
    sla_report,
)
from alignkit.errors import SpecError
from tests.test_channels_calendar import CHANGES, calendars

NY = ZoneInfo("America/New_York")
HEADER = (
    "id,channel,kind,sent_at,sender_function,receiver_function,"
    "first_response_at,urgent,blocking,receiver"
)
FUNCTIONS = ("Sales", "Operations", "IT", "Finance")


def read_both(text: str) -> tuple[object, object]:
    """What each reader makes of ``text``: the messages, or the problems' text."""
    outcomes = []
    for reader in (Message.read_csv, MessageLog.read_csv):
        stream = io.StringIO(text)
        stream.name = "log.csv"
        try:
            found = list(reader(stream))
        except SpecError as error:
            outcomes.append(("error", str(error)))
        else:
            outcomes.append(("ok", [(m, m.sent_at.isoformat(), _iso(m)) for m in found]))
    return outcomes[0], outcomes[1]


def _iso(message: Message) -> str | None:
    first = message.first_response_at
    return None if first is None else first.isoformat()


def scalar_report(messages, strategy, calendars, at):
    """The report made a message at a time (a list shorter than the column threshold)."""
    assert len(messages) < _report._COLUMNS_FROM
    return sla_report(list(messages), strategy, calendars, at=at)


# -- strategies -------------------------------------------------------------------------------


@st.composite
def targets(draw: st.DrawFn) -> tuple[object, object]:
    """A channel's target and hard limit, on any clock."""
    kind = draw(st.sampled_from(["hours", "days", "none"]))
    if kind == "none":
        return None, None
    if kind == "days":
        days = draw(st.integers(1, 3))
        hard = draw(st.none() | st.integers(days, 4).map(BusinessDays))
        return BusinessDays(days), hard
    minutes = draw(st.integers(1, 3 * 24 * 60))
    hard = draw(st.none() | st.integers(minutes, 4 * 24 * 60))
    return (
        dt.timedelta(minutes=minutes),
        None if hard is None else dt.timedelta(minutes=hard),
    )


@st.composite
def strategies_(draw: st.DrawFn) -> ChannelStrategy:
    channels = []
    for name in ("chat", "project", "email"):
        target, hard = draw(targets())
        calendar_clock = (
            target is not None
            and not isinstance(target, BusinessDays)
            and (isinstance(hard, dt.timedelta) or hard is None)
            and draw(st.booleans())
        )
        channels.append(
            Channel(
                name,
                f"{name} use",
                target,
                hard_limit=hard,
                clock="calendar" if calendar_clock else "business",
            )
        )
    channels.append(Channel("archive", "final decisions", None, archive=True))
    default = ChannelStrategy.default()
    return ChannelStrategy(tuple(channels), default.routes, default.default_channel)


@st.composite
def moments(draw: st.DrawFn) -> dt.datetime:
    """Times near 2026's changes of the clocks, sometimes on the minute or hour."""
    day = draw(st.sampled_from(CHANGES)) + dt.timedelta(days=draw(st.integers(-4, 4)))
    minute = draw(st.one_of(st.integers(0, 1439), st.sampled_from([0, 60, 120, 150, 540, 1020])))
    second = draw(st.sampled_from([0, 0, 1, 59]))
    local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, second))
    zone = draw(
        st.sampled_from(
            [dt.UTC, NY, ZoneInfo("Europe/London"), dt.timezone(dt.timedelta(hours=5, minutes=30))]
        )
    )
    return local.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)


@st.composite
def logs(draw: st.DrawFn) -> list[Message]:
    size = draw(st.integers(0, 25))
    found = []
    for k in range(size):
        sent = draw(moments())
        answer = draw(
            st.none()
            | st.integers(0, 4 * 24 * 60).map(lambda m, s=sent: s + dt.timedelta(minutes=m))
        )
        found.append(
            Message(
                f"m{k:03d}",
                draw(st.sampled_from(["chat", "project", "email", "archive", "fax"])),
                "question",
                sent,
                draw(st.sampled_from(FUNCTIONS)),
                draw(st.sampled_from(FUNCTIONS)),
                answer,
                urgent=draw(st.booleans()),
                blocking=draw(st.booleans()),
                # A person's id may be a function's name: then they are one receiver.
                receiver=draw(st.sampled_from([None, "ann", "bo", "IT"])),
            )
        )
    return found


class TestReportEqualsTheScalarReport:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        log=logs(),
        strategy=strategies_(),
        own=st.lists(calendars(), min_size=1, max_size=3),
        uncalendared=st.booleans(),
        at=moments(),
    )
    def test_every_figure_and_every_breach(self, log, strategy, own, uncalendared, at):
        given_calendars = {f: own[k % len(own)][1] for k, f in enumerate(FUNCTIONS)}
        if uncalendared:
            del given_calendars["Finance"]
        expected = scalar_report(log, strategy, given_calendars, at)
        found = sla_report(MessageLog(log), strategy, given_calendars, at=at)
        assert found == expected
        assert found.breaches == expected.breaches
        assert found.to_json() == expected.to_json()  # the offsets of every time too
        assert found.to_text() == expected.to_text()

    def test_a_due_time_the_clocks_skip_is_written_as_the_calendar_writes_it(self):
        """Due a minute after 01:59 on the night New York springs forward: 03:00 EDT."""
        email = Channel("email", "formal", dt.timedelta(minutes=1), clock="calendar")
        strategy = ChannelStrategy((email,), (), "email")
        sent = dt.datetime(2026, 3, 8, 1, 59, tzinfo=NY)
        log = [Message("m1", "email", "decision", sent, "Sales", "IT")]
        at = dt.datetime(2026, 3, 9, tzinfo=dt.UTC)
        calendar = BusinessCalendar("America/New_York")
        expected = scalar_report(log, strategy, calendar, at)
        found = sla_report(MessageLog(log), strategy, calendar, at=at)
        assert found == expected
        assert found.breaches[0].due.isoformat() == "2026-03-08T03:00:00-04:00"

    @settings(max_examples=40, deadline=None)
    @given(log=logs(), at=moments())
    def test_one_calendar_for_everyone_and_none(self, log, at):
        strategy = ChannelStrategy.default()
        for given_calendars in (BusinessCalendar("Asia/Kolkata"), None):
            expected = scalar_report(log, strategy, given_calendars, at)
            assert sla_report(MessageLog(log), strategy, given_calendars, at=at) == expected

    def test_a_calendar_with_no_hours_fails_as_the_scalar_report_does(self):
        closed = BusinessCalendar("UTC", {})
        sent = dt.datetime(2026, 11, 27, 15, tzinfo=dt.UTC)
        log = [Message("m1", "email", "decision", sent, "Sales", "Finance")]
        with pytest.raises(SpecError) as scalar:
            scalar_report(log, ChannelStrategy.default(), closed, sent)
        with pytest.raises(SpecError) as columns:
            sla_report(MessageLog(log), ChannelStrategy.default(), closed, at=sent)
        assert str(columns.value) == str(scalar.value)

    def test_a_long_list_is_reported_a_column_at_a_time_with_the_same_result(self, monkeypatch):
        sent = dt.datetime(2026, 11, 27, 15, tzinfo=NY)
        log = [
            Message(f"m{k}", "email", "decision", sent + dt.timedelta(minutes=k), "Sales", "IT")
            for k in range(_report._COLUMNS_FROM)
        ]
        at = dt.datetime(2026, 12, 2, tzinfo=NY)
        columns = sla_report(log, ChannelStrategy.default(), at=at)
        monkeypatch.setattr(_report, "_as_log", lambda messages: None)
        assert columns == sla_report(log, ChannelStrategy.default(), at=at)
        assert len(columns.breaches) == len(log)  # all still open past their due time

    def test_without_numpy_a_long_list_is_reported_a_message_at_a_time(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "numpy", None)  # an import of it fails
        assert _columns.numpy_or_none() is None
        sent = dt.datetime(2026, 11, 27, 15, tzinfo=NY)
        log = [
            Message(f"m{k}", "chat", "outage", sent, "Sales", "IT")
            for k in range(_report._COLUMNS_FROM)
        ]
        result = sla_report(log, ChannelStrategy.default(), at=sent + dt.timedelta(hours=2))
        assert result.by_channel[0].overdue == len(log)
        with pytest.raises(ModuleNotFoundError, match=r"alignkit\[fast\]"):
            MessageLog(log)


class TestBreaches:
    def log(self) -> MessageLog:
        sent = dt.datetime(2026, 11, 27, 15, tzinfo=NY)
        return MessageLog(
            [
                Message(f"m{k:02d}", "chat", "outage", sent, "Sales", "IT", urgent=True)
                for k in range(25)
            ]
        )

    def test_the_text_report_shows_the_ten_latest_and_counts_them_all(self):
        result = sla_report(
            self.log(), ChannelStrategy.default(), at=dt.datetime(2026, 11, 28, tzinfo=NY)
        )
        text = result.to_text()
        assert "Breaches: 25 (the 10 latest shown)" in text
        assert text.count("still open") == 10
        # Equal lateness: by id.
        assert [b.message_id for b in result.breaches] == [f"m{k:02d}" for k in range(25)]
        assert isinstance(result.breaches, tuple)
        assert result.breaches is result.breaches  # built once

    def test_a_report_equals_its_copy_with_the_breaches_built(self):
        at = dt.datetime(2026, 11, 28, tzinfo=NY)
        lazy = sla_report(self.log(), ChannelStrategy.default(), at=at)
        built = sla_report(self.log(), ChannelStrategy.default(), at=at)
        assert built.breaches  # one built, one not
        assert lazy == built
        assert repr(lazy) == repr(built)

    def test_a_report_pickles_and_copies_with_its_breaches(self):
        import copy
        import pickle

        at = dt.datetime(2026, 11, 28, tzinfo=NY)
        lazy = sla_report(self.log(), ChannelStrategy.default(), at=at)
        for again in (pickle.loads(pickle.dumps(lazy)), copy.deepcopy(lazy), copy.copy(lazy)):
            assert again == lazy
            assert again.breaches == lazy.breaches


class TestSequence:
    def test_a_log_is_a_sequence_of_its_messages(self):
        sent = dt.datetime(2026, 11, 27, 15, tzinfo=NY)
        messages = [Message(f"m{k}", "chat", "q", sent, "Sales", "IT") for k in range(3)]
        log = MessageLog(messages)
        assert len(log) == 3
        assert list(log) == messages
        assert log[-1] == messages[-1]
        assert log[1:] == messages[1:]
        assert log.receiver_functions == frozenset({"IT"})
        assert repr(log) == "<MessageLog of 3 messages>"
        with pytest.raises(IndexError):
            log[3]

    def test_a_log_read_from_csv_builds_each_message_when_asked(self):
        row = "m1,chat,q,2026-11-27T15:00:00-05:00,Sales,IT,2026-11-27T20:30:00Z,yes,,ann"
        text = f"{HEADER}\n{row}\n"
        log = MessageLog.read_csv(io.StringIO(text))
        (message,) = log
        assert message == Message(
            "m1",
            "chat",
            "q",
            dt.datetime(2026, 11, 27, 15, tzinfo=NY),
            "Sales",
            "IT",
            dt.datetime(2026, 11, 27, 20, 30, tzinfo=dt.UTC),
            urgent=True,
            receiver="ann",
        )
        assert message.first_response_at.tzinfo is dt.UTC  # as fromisoformat reads "Z"
        assert log[-1] == message
        with pytest.raises(IndexError):
            log[1]

    def test_anything_but_messages_is_refused_at_its_index(self):
        sent = dt.datetime(2026, 11, 27, 15, tzinfo=NY)
        with pytest.raises(SpecError) as error:
            MessageLog([Message("m1", "chat", "q", sent, "Sales", "IT"), "m2"])
        assert [p.location.path for p in error.value.problems] == [(1,)]
        assert "Item 1 is a str, not a Message" in str(error.value)


# -- the CSV reader ---------------------------------------------------------------------------

cells = {
    "id": st.sampled_from(["m1", "m2", "m3", " m4", "", "x" * 70, "mé"]),
    "channel": st.sampled_from(["chat", "email", " chat", "", "project\t"]),
    "kind": st.sampled_from(["q", "decision", "", "a,b"]),
    "sent_at": st.sampled_from(
        [
            "2026-11-27T15:00:00-05:00",
            "2026-11-27T20:00:00Z",
            "2026-11-27T20:00:00+00:00",
            "2026-11-27T15:00:00.5-05:00",
            "2026-11-27 15:00:00-05:00",
            "2026-11-27T15:00:00",
            "2026-02-30T15:00:00-05:00",
            "2026-11-27T24:00:00-05:00",
            "2026-13-01T15:00:00-05:00",
            "2026-11-27T15:00:00+24:00",
            "2026-11-27T15:00:00-05:30",
            "0000-01-01T00:00:00+00:00",
            "not a time",
        ]
    ),
    "sender_function": st.sampled_from(["Sales", "IT", ""]),
    "receiver_function": st.sampled_from(["Finance", "IT", "Customer Success"]),
    "first_response_at": st.sampled_from(
        [
            "",
            "2026-11-28T09:00:00-05:00",
            "2026-11-27T19:00:00Z",
            "2026-11-26T09:00:00-05:00",
            "soon",
        ]
    ),
    "urgent": st.sampled_from(["", "true", "FALSE", "Yes", "1", "maybe"]),
    "blocking": st.sampled_from(["", "false", "no", "0"]),
    "receiver": st.sampled_from(["", "ann", " bo "]),
}


@st.composite
def csv_logs(draw: st.DrawFn) -> str:
    columns = draw(st.permutations(list(cells)))
    if draw(st.booleans()):
        columns = [c for c in columns if c not in ("urgent", "receiver")]
    lines = [",".join(columns)]
    for _ in range(draw(st.integers(0, 8))):
        shape = draw(st.sampled_from(["row"] * 8 + ["blank", "short", "long", "quoted"]))
        if shape == "blank":
            lines.append("")
            continue
        row = [draw(cells[c]) for c in columns]
        if shape == "short":
            row = row[:-1]
        elif shape == "long":
            row = [*row, "extra"]
        if shape == "quoted" or any("," in cell for cell in row):
            row = [f'"{cell}"' for cell in row]
        lines.append(",".join(row))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from([newline, ""]))


class TestReadCsv:
    @settings(max_examples=300, deadline=None)
    @given(csv_logs())
    def test_reads_and_refuses_exactly_as_the_message_reader(self, text):
        scalar, columns = read_both(text)
        assert columns == scalar

    @settings(max_examples=30, deadline=None)
    @given(csv_logs(), st.integers(16, 200))
    def test_blocks_of_any_size_read_the_same(self, text, size):
        original = _columns._CHUNK
        _columns._CHUNK = size
        try:
            scalar, columns = read_both(text)
        finally:
            _columns._CHUNK = original
        assert columns == scalar

    def test_a_repeated_id_is_the_row_readers_problem(self):
        row = "m1,chat,q,2026-11-27T15:00:00-05:00,Sales,IT,,,,"
        scalar, columns = read_both(f"{HEADER}\n{row}\n{row}\n")
        assert columns == scalar
        assert "Duplicate message id 'm1' on rows 2 and 3" in columns[1]

    def test_a_missing_file_is_unreadable(self, tmp_path):
        with pytest.raises(SpecError) as error:
            MessageLog.read_csv(tmp_path / "nope.csv")
        assert error.value.problems[0].code == "AK010"

    def test_a_file_is_read_as_its_path_names_it_with_a_bom(self, tmp_path):
        path = tmp_path / "log.csv"
        path.write_bytes(
            b"\xef\xbb\xbf"
            + HEADER.encode()
            + b"\nm1,chat,q,2026-11-27T15:00:00-05:00,Sales,IT,,,,\n"
        )
        assert list(MessageLog.read_csv(path)) == Message.read_csv(path)
        path.write_bytes(HEADER.encode() + b"\nm1,chat,q,2026-11-27T15:00:00,Sales,IT,,,,\n")
        with pytest.raises(SpecError) as error:
            MessageLog.read_csv(path)
        assert f"{path}:2:4" in str(error.value)

    def test_a_file_that_is_not_ascii_is_read_by_the_row_reader(self, tmp_path):
        path = tmp_path / "log.csv"
        path.write_text(
            f"{HEADER}\nm1,chat,q,2026-11-27T15:00:00-05:00,Ventes,Opérations,,,,\n",
            encoding="utf-8",
        )
        (message,) = MessageLog.read_csv(path)
        assert message.receiver_function == "Opérations"

    def test_progress_counts_every_character(self, tmp_path):
        path = tmp_path / "log.csv"
        rows = [f"m{k},chat,q,2026-11-27T15:00:00-05:00,Sales,IT,,,," for k in range(100)]
        text = HEADER + "\n" + "\n".join(rows) + "\n"
        path.write_text(text, encoding="ascii")
        seen: list[int] = []
        original = _columns._CHUNK
        _columns._CHUNK = 500
        try:
            log = MessageLog.read_csv(path, progress=seen.append)
        finally:
            _columns._CHUNK = original
        assert len(log) == 100
        assert sum(seen) == len(text)
        assert len(seen) > 2


CLEAN = "m{k},chat,q,2026-11-27T15:00:00-05:00,Sales,IT,2026-11-27T20:30:00Z,true,false,ann"
ROUGH = (
    "r{k}, chat ,q,2026-11-27T15:00:00.25-05:00,Sales,IT,,Yes,,",  # spaces, a fraction
    "r{k},email,q,2026-11-27T15:00:00+05:30,Sales,Finance,2026-11-27 10:00:00Z,,,",
    "",  # a blank line
    ",,,,,,,,,",  # a line of empty cells, read as blank too
)


class TestReadCsvLayouts:
    """Rows outside the common layout among rows in it: read in place, in order."""

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.sampled_from(["clean"] * 30 + list(range(len(ROUGH)))), max_size=120))
    def test_rows_outside_the_common_layout_are_read_in_place(self, shapes):
        lines = [HEADER]
        for k, shape in enumerate(shapes):
            lines.append(CLEAN.format(k=k) if shape == "clean" else ROUGH[shape].format(k=k))
        scalar, columns = read_both("\n".join(lines) + "\n")
        assert scalar[0] == "ok"
        assert columns == scalar

    def test_many_rough_rows_send_the_whole_log_to_the_row_reader(self):
        lines = [HEADER, *(ROUGH[0].format(k=k) for k in range(50))]
        scalar, columns = read_both("\n".join(lines) + "\n")
        assert columns == scalar

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            (f"{HEADER}\nm1,chat,q,2026-11-27T15:00:00-05:00,Sales,IT,,maybe,,\n", "`urgent`"),
            (
                f"{HEADER}\nm1,chat,q,2026-11-27T15:00:00-05:00,Sales,IT,2026-11-27T14:00:00-05:00,,,\n",
                "before",
            ),
            (f"{HEADER}\rm1,chat,q,2026-11-27T15:00:00-05:00,Sales,IT,,,,\r", None),
            (f"\n{HEADER}\n", "Missing column"),
            (f"{HEADER}\nm1,chat,q,2026-11-27T15:00:00-05:00,Sales,IT,,,,\x00\n", None),
        ],
    )
    def test_what_the_bytes_cannot_settle_the_row_reader_does(self, text, problem):
        scalar, columns = read_both(text)
        assert columns == scalar
        if problem is not None:
            assert problem in columns[1]

    def test_values_first_seen_late_in_a_long_log(self):
        rows = [
            f"m{k},chat,q,2026-11-27T15:00:00-05:00,Sales,team-{k // 3000},,,,person-{k}"
            for k in range(9000)
        ]
        scalar, columns = read_both(HEADER + "\n" + "\n".join(rows) + "\n")
        assert columns == scalar

    def test_two_texts_with_one_hash_stay_two(self, monkeypatch):
        # With no mixing the hash of a cell is its last word: a collision on purpose.
        monkeypatch.setattr(_columns, "_MIX", 0)
        rows = [
            f"m{k},chat,q,2026-11-27T15:00:00-05:00,{name},IT,,,,"
            for k, name in enumerate(["aaaaaaaaX", "bbbbbbbbX", "aaaaaaaaX"])
        ]
        log = MessageLog.read_csv(io.StringIO(HEADER + "\n" + "\n".join(rows) + "\n"))
        assert [m.sender_function for m in log] == ["aaaaaaaaX", "bbbbbbbbX", "aaaaaaaaX"]


class TestCalendarsWithoutArrays:
    def test_a_closed_calendar_with_a_channel_without_target(self):
        closed = BusinessCalendar("UTC", {})
        strategy = ChannelStrategy(
            (
                Channel("chat", "anything", None),
                Channel("email", "formal", dt.timedelta(hours=1), clock="calendar"),
            ),
            (),
            "chat",
        )
        sent = dt.datetime(2026, 11, 27, 15, tzinfo=dt.UTC)
        log = [
            Message("m1", "chat", "q", sent, "Sales", "IT", sent + dt.timedelta(hours=3)),
            Message("m2", "email", "q", sent, "Sales", "IT", sent + dt.timedelta(hours=3)),
        ]
        at = sent + dt.timedelta(days=1)
        expected = scalar_report(log, strategy, closed, at)
        assert sla_report(MessageLog(log), strategy, closed, at=at) == expected


class TestFromCsvToReport:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(log=logs(), strategy=strategies_(), own=calendars(), at=moments())
    def test_a_log_read_into_columns_reports_as_the_messages_read_one_by_one(
        self, log, strategy, own, at
    ):
        lines = [HEADER]
        for m in log:
            first = "" if m.first_response_at is None else m.first_response_at.isoformat()
            lines.append(
                f"{m.id},{m.channel},{m.kind},{m.sent_at.isoformat()},{m.sender_function},"
                f"{m.receiver_function},{first},{m.urgent},{m.blocking},{m.receiver or ''}"
            )
        text = "\n".join(lines) + "\n"
        calendar = own[1]
        expected = scalar_report(Message.read_csv(io.StringIO(text)), strategy, calendar, at)
        found = sla_report(MessageLog.read_csv(io.StringIO(text)), strategy, calendar, at=at)
        assert found == expected
        assert found.to_json() == expected.to_json()

    def test_a_line_longer_than_a_block(self, monkeypatch):
        monkeypatch.setattr(_columns, "_CHUNK", 16)
        rows = [f"m{k},chat,q,2026-11-27T15:00:00-05:00,Sales,IT,,,," for k in range(5)]
        scalar, columns = read_both(HEADER + "\n" + "\n".join(rows))
        assert columns == scalar
        assert len(columns[1]) == 5


def outcome(make):
    """A report, or the text of the SpecError making it raised."""
    try:
        return make()
    except SpecError as error:
        return str(error)


class TestFarMoments:
    """Instants far from the log's: row by row where arrays would not help, same report."""

    def log(self, sent: dt.datetime) -> list[Message]:
        return [
            Message("m1", "email", "decision", sent, "Sales", "IT"),
            Message("m2", "chat", "outage", sent, "Sales", "IT", sent + dt.timedelta(minutes=5)),
            Message("m3", "project", "update", sent, "Sales", "IT", sent + dt.timedelta(days=400)),
        ]

    @pytest.mark.parametrize(
        "at",
        [
            dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
            dt.datetime(2110, 1, 1, tzinfo=dt.UTC),  # beyond the longest span of days
        ],
    )
    def test_a_report_judged_long_after_its_log(self, at):
        log = self.log(dt.datetime(2026, 11, 27, 15, tzinfo=NY))
        strategy = ChannelStrategy.default()
        london = BusinessCalendar("Europe/London")
        expected = outcome(lambda: scalar_report(log, strategy, london, at))
        assert outcome(lambda: sla_report(MessageLog(log), strategy, london, at=at)) == expected

    def test_a_due_time_beyond_the_year_9999_fails_as_the_scalar_report_does(self):
        sent = dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC)
        log = [Message("m1", "email", "decision", sent, "Sales", "IT")]
        at = dt.datetime(9999, 12, 31, 13, tzinfo=dt.UTC)
        with pytest.raises(SpecError) as scalar:
            scalar_report(log, ChannelStrategy.default(), None, at)
        with pytest.raises(SpecError) as columns:
            sla_report(MessageLog(log), ChannelStrategy.default(), at=at)
        assert str(columns.value) == str(scalar.value)

    def test_a_log_sent_in_the_first_days_of_the_calendar(self):
        sent = dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC)
        log = [Message("m1", "chat", "outage", sent, "Sales", "IT", sent + dt.timedelta(hours=2))]
        at = dt.datetime(1, 1, 10, tzinfo=dt.UTC)
        expected = scalar_report(log, ChannelStrategy.default(), None, at)
        assert sla_report(MessageLog(log), ChannelStrategy.default(), at=at) == expected
