"""alignkit.channels.sla_report: targets kept and missed, misuse, and focus."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.channels import (
    BusinessCalendar,
    Channel,
    ChannelStrategy,
    Message,
    sla_report,
)
from alignkit.errors import SpecError, UnknownNameError

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
CALENDARS = {
    "Sales": BusinessCalendar("America/New_York"),
    "Finance": BusinessCalendar("America/New_York"),
    "IT": BusinessCalendar("Europe/London"),
}
STRATEGY = ChannelStrategy.default()
MONDAY = dt.datetime(2026, 11, 30, 9, tzinfo=NY)


def at(day: int, hour: int, minute: int = 0, zone: ZoneInfo = NY) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=zone)


def report(messages, when=None):
    return sla_report(messages, STRATEGY, CALENDARS, at=when or at(30, 17))


def by_channel(result, name):
    return next(s for s in result.by_channel if s.key == name)


class TestTargets:
    def test_a_friday_email_answered_on_monday_is_within_target(self):
        """1 business day from Friday 15:00 is Monday 15:00: answered 14:00 is in time."""
        email = Message("m1", "email", "decision", at(27, 15), "Sales", "Finance", at(30, 14))
        stats = by_channel(report([email]), "email")
        assert (stats.messages, stats.answered, stats.within_sla, stats.breaches) == (1, 1, 1, 0)
        assert stats.median == dt.timedelta(hours=7)  # 2 h on Friday, 5 h on Monday

    def test_a_late_answer_is_a_breach_with_how_late(self):
        """Answered Monday 16:30 against 15:00: 1.5 business hours late, within the hard limit."""
        email = Message("m1", "email", "decision", at(27, 15), "Sales", "Finance", at(30, 16, 30))
        result = report([email])
        (breach,) = result.breaches
        assert (breach.message_id, breach.late, breach.hard) == (
            "m1",
            dt.timedelta(hours=1, minutes=30),
            False,
        )
        assert breach.due == at(30, 15)

    def test_an_open_message_past_due_is_overdue(self):
        """Unanswered at the report's moment and past due: open, overdue and a breach."""
        email = Message("m1", "email", "decision", at(25, 10), "Sales", "Finance")
        result = report([email], when=at(30, 12))
        stats = by_channel(result, "email")
        assert (stats.open, stats.overdue, stats.breaches) == (1, 1, 1)
        (breach,) = result.breaches
        assert breach.responded_at is None
        assert breach.hard  # two business days from Wednesday 10:00: Friday 10:00
        # Due Thursday 10:00 (Thanksgiving is not a holiday on this calendar): 7 h on
        # Thursday, 8 h on Friday, 3 h on Monday.
        assert breach.late == dt.timedelta(hours=18)

    def test_an_open_message_not_yet_due_is_only_open(self):
        """Sent an hour ago on email: open, not overdue, no breach."""
        email = Message("m1", "email", "decision", at(30, 16), "Sales", "Finance")
        stats = by_channel(report([email], when=at(30, 17)), "email")
        assert (stats.open, stats.overdue, stats.breaches) == (1, 0, 0)

    def test_chat_counts_elapsed_time(self):
        """Chat runs around the clock: an answer 2 hours later on a Sunday is 1 hour late."""
        chat = Message(
            "c1",
            "chat",
            "outage",
            at(29, 10),
            "IT",
            "Sales",
            at(29, 12),
            urgent=True,
            blocking=True,
        )
        result = report([chat])
        assert by_channel(result, "chat").median == dt.timedelta(hours=2)
        assert result.breaches[0].late == dt.timedelta(hours=1)

    def test_the_receiver_calendar_decides(self):
        """Two business hours from Monday 16:00 UTC: 18:00 UTC in New York, Tuesday in London."""
        tickets = ChannelStrategy([Channel("tickets", "Support", "2h")], [], "tickets")
        sent = dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)  # 11:00 in New York
        answered = dt.datetime(2026, 11, 30, 19, tzinfo=dt.UTC)
        to_sales = Message("a", "tickets", "question", sent, "IT", "Sales", answered)
        to_it = Message("b", "tickets", "question", sent, "Sales", "IT", answered)
        result = sla_report(
            [to_sales, to_it], tickets, CALENDARS, at=dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
        )
        assert [b.message_id for b in result.breaches] == ["a"]  # New York's 2 h ran out first
        assert result.breaches[0].late == dt.timedelta(hours=1)

    def test_an_answer_in_closed_hours_after_the_target_loses_no_business_time(self):
        """Due at Monday 17:00 (the window's end) and answered at 20:00: not a breach."""
        tickets = ChannelStrategy([Channel("tickets", "Support", "2h")], [], "tickets")
        sent, answered = at(30, 15), at(30, 20)
        result = sla_report(
            [Message("a", "tickets", "q", sent, "IT", "Sales", answered)],
            tickets,
            CALENDARS,
            at=at(30, 21),
        )
        assert (result.by_channel[0].within_sla, result.breaches) == (1, ())

    def test_per_pair_of_functions(self):
        """Counts per (sender, receiver), sorted."""
        messages = [
            Message(
                "1", "project", "status", MONDAY, "Sales", "IT", MONDAY + dt.timedelta(hours=1)
            ),
            Message("2", "project", "status", MONDAY, "Sales", "IT"),
            Message("3", "email", "decision", MONDAY, "Finance", "Sales"),
        ]
        pairs = {s.key: (s.messages, s.answered, s.open) for s in report(messages).by_pair}
        assert pairs == {("Finance", "Sales"): (1, 0, 1), ("Sales", "IT"): (2, 1, 1)}

    def test_median_and_p90(self):
        """Nearest-rank p90 over ten answers of 1 to 10 business minutes."""
        messages = [
            Message(
                str(n),
                "project",
                "status",
                MONDAY,
                "Sales",
                "Finance",
                MONDAY + dt.timedelta(minutes=n),
            )
            for n in range(1, 11)
        ]
        stats = by_channel(report(messages), "project")
        assert stats.median == dt.timedelta(minutes=5, seconds=30)
        assert stats.p90 == dt.timedelta(minutes=9)


class TestMisuseAndFocus:
    def test_chat_that_is_neither_urgent_nor_blocking_is_misuse(self):
        """Urgent alone or blocking alone is not misuse; neither is."""
        messages = [
            Message("a", "chat", "question", MONDAY, "Sales", "IT"),
            Message("b", "chat", "question", MONDAY, "Sales", "IT", urgent=True),
            Message("c", "chat", "question", MONDAY, "Sales", "IT", blocking=True),
            Message("d", "project", "question", MONDAY, "Sales", "IT"),
        ]
        assert report(messages).misuse == ("a",)

    def test_interruptions_and_longest_focus(self):
        """Two chats on Monday in London (10:00 and 14:00): the longest focus is 10:00-14:00."""
        chats = [
            Message("a", "chat", "q", at(30, 10, zone=LONDON), "Sales", "IT", receiver="ana"),
            Message("b", "chat", "q", at(30, 14, zone=LONDON), "Sales", "IT", receiver="ana"),
        ]
        result = report(chats, when=at(30, 17, zone=LONDON))
        (focus,) = result.focus
        assert (focus.receiver, focus.function, focus.chat_messages) == ("ana", "IT", 2)
        assert focus.business_days == 1
        assert focus.interruptions_per_day == 2.0
        assert focus.longest_focus == dt.timedelta(hours=4)

    def test_chat_outside_business_hours_does_not_interrupt(self):
        """A chat at 20:00 is not counted against the day's focus."""
        chats = [Message("a", "chat", "q", at(30, 20, zone=LONDON), "Sales", "IT")]
        (focus,) = report(chats, when=at(30, 21, zone=LONDON)).focus
        assert (focus.chat_messages, focus.longest_focus) == (0, dt.timedelta(hours=8))

    def test_chat_channels_can_be_named(self):
        """Another name for chat, given explicitly."""
        messages = [Message("a", "project", "q", MONDAY, "Sales", "IT")]
        result = sla_report(messages, STRATEGY, CALENDARS, at=at(30, 17), chat_channels=["project"])
        assert result.misuse == ("a",)
        with pytest.raises(UnknownNameError):
            sla_report(messages, STRATEGY, CALENDARS, at=at(30, 17), chat_channels=["slack"])


class TestInput:
    def test_unknown_channels_are_counted_apart(self):
        """A message on a channel the strategy does not have is counted, not guessed."""
        result = report([Message("a", "phone", "q", MONDAY, "Sales", "IT")])
        assert dict(result.unknown_channels) == {"phone": 1}
        assert sum(s.messages for s in result.by_channel) == 0

    def test_functions_without_a_calendar_are_listed(self):
        """They are timed on office hours in UTC, and the report says so."""
        result = report([Message("a", "project", "q", MONDAY, "Sales", "Legal")])
        assert result.uncalendared == ("Legal",)

    def test_one_calendar_for_everyone(self):
        """A single calendar serves every receiver."""
        result = sla_report(
            [Message("a", "project", "q", MONDAY, "Sales", "Legal")],
            STRATEGY,
            BusinessCalendar("America/New_York"),
            at=at(30, 17),
        )
        assert result.uncalendared == ()

    def test_bad_arguments(self):
        """A naive moment and a wrong calendars argument are SpecErrors."""
        with pytest.raises(SpecError, match="at"):
            sla_report([], STRATEGY, CALENDARS, at=dt.datetime(2026, 11, 30))  # noqa: DTZ001
        with pytest.raises(SpecError, match="calendars"):
            sla_report([], STRATEGY, ["Sales"], at=at(30, 17))  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="strategy"):
            sla_report([], "default", CALENDARS, at=at(30, 17))  # type: ignore[arg-type]


class TestRendering:
    def test_json_and_csv_carry_the_same_counts(self):
        """Both renderings hold every channel's counts."""
        messages = [
            Message("a", "email", "decision", at(25, 10), "Sales", "Finance"),
            Message("b", "chat", "q", MONDAY, "Sales", "IT"),
        ]
        result = report(messages)
        document = json.loads(result.to_json())
        assert [c["key"] for c in document["by_channel"]] == ["chat", "project", "email", "archive"]
        assert document["misuse"] == ["b"]
        assert document["breaches"][0]["message_id"] == "a"
        rows = result.to_csv().splitlines()
        assert rows[0].startswith("group,key,messages")
        assert "channel,email,1,0,0,1,1,1,," in rows
        assert "Chat misuse: 1" in result.to_text()

    def test_csv_is_safe_for_spreadsheets(self):
        """A function named like a formula is written as text."""
        result = report([Message("a", "project", "q", MONDAY, "=HYPERLINK(1)", "IT")])
        assert "'=HYPERLINK(1) → IT" in result.to_csv()


messages_strategy = st.lists(
    st.builds(
        lambda n, channel, day, hour, answer, urgent: Message(
            f"m{n}",
            channel,
            "kind",
            dt.datetime(2026, 11, day, hour, tzinfo=NY),
            "Sales",
            "Finance",
            None if answer is None else dt.datetime(2026, 11, day, hour, tzinfo=NY) + answer,
            urgent=urgent,
        ),
        st.integers(0, 10**6),
        st.sampled_from(["chat", "project", "email", "archive", "phone"]),
        st.integers(16, 27),
        st.integers(0, 23),
        st.none() | st.timedeltas(dt.timedelta(0), dt.timedelta(days=5)),
        st.booleans(),
    ),
    max_size=30,
    unique_by=lambda m: m.id,
)


class TestInvariants:
    @settings(max_examples=60, deadline=None)
    @given(messages_strategy)
    def test_counts_add_up(self, messages):
        """Every known message is answered or open; answered ones are in time or breaches."""
        result = report(messages, when=at(30, 17))
        for stats in (*result.by_channel, *result.by_pair):
            assert stats.answered + stats.open == stats.messages
            assert stats.within_sla + (stats.breaches - stats.overdue) == stats.answered
            assert stats.overdue <= stats.open
        known = sum(s.messages for s in result.by_channel)
        assert known + sum(result.unknown_channels.values()) == len(messages)
        assert known == sum(s.messages for s in result.by_pair)
        assert len(result.breaches) == sum(s.breaches for s in result.by_channel)
        assert all(b.late > dt.timedelta(0) for b in result.breaches)


ALIGNMENT = """\
version: 1
org:
  functions:
    - {name: Sales, head: vp-sales}
    - {name: IT, head: cio}
  people:
    - {id: vp-sales, name: Sam Okafor, function: Sales}
    - {id: cio, name: Victor Hale, function: IT}
channels:
  calendars:
    - {function: Sales, tz: America/New_York}
    - {function: IT, tz: Europe/London}
"""

LOG = """\
id,channel,kind,sent_at,sender_function,receiver_function,first_response_at,urgent,blocking
m1,email,decision,2026-11-27T15:00:00-05:00,Sales,IT,2026-11-30T16:00:00+00:00,,
m2,chat,question,2026-11-30T10:00:00+00:00,Sales,IT,,no,no
m3,chat,outage,2026-11-30T11:00:00+00:00,IT,Sales,2026-11-30T11:20:00+00:00,yes,yes
"""


class TestCommand:
    """`alignkit sla report LOG --file FILE --at ISO --format text|json|csv`."""

    @pytest.fixture
    def folder(self, tmp_path):
        (tmp_path / "alignment.yaml").write_text(ALIGNMENT)
        (tmp_path / "log.csv").write_text(LOG)
        return tmp_path

    def run(self, folder, *arguments):
        from click.testing import CliRunner

        from alignkit.cli import main

        alignment = str(folder / "alignment.yaml")
        return CliRunner().invoke(
            main, ["sla", "report", str(folder / "log.csv"), "--file", alignment, *arguments]
        )

    def test_json_report(self, folder):
        """The email was answered in time on London's hours; the idle chat is overdue."""
        result = self.run(folder, "--at", "2026-11-30T17:00:00Z", "--format", "json")
        assert result.exit_code == 0, result.output
        document = json.loads(result.output)
        counts = {c["key"]: (c["within_sla"], c["overdue"]) for c in document["by_channel"]}
        assert counts["email"] == (1, 0)
        assert counts["chat"] == (1, 1)
        assert document["misuse"] == ["m2"]

    def test_text_and_csv(self, folder):
        """The text names the breach; the CSV has a row per channel and pair."""
        text = self.run(folder, "--at", "2026-11-30T17:00:00Z").output
        assert "m2 on chat: 6.0 h late, still open" in text
        rows = self.run(folder, "--at", "2026-11-30T17:00:00Z", "--format", "csv").output
        assert len(rows.splitlines()) == 1 + 4 + 2

    def test_bad_rows_are_reported_with_exit_2(self, folder):
        """Every bad row at its row and column; nothing is reported."""
        (folder / "log.csv").write_text(
            LOG + "m4,chat,q,2026-11-30T10:00:00,Sales,IT,,,\nm1,chat,q,soon,Sales,IT,,,\n"
        )
        result = self.run(folder, "--at", "2026-11-30T17:00:00Z")
        assert result.exit_code == 2
        assert "log.csv:5:" in result.output
        assert "offset" in result.output
        assert "log.csv:6:" in result.output

    def test_a_moment_without_offset_is_refused(self, folder):
        """--at must say which time zone it is in."""
        result = self.run(folder, "--at", "2026-11-30T17:00:00")
        assert result.exit_code == 2
        assert "no UTC offset" in result.output

    def test_a_broken_strategy_is_reported(self, folder):
        """Channels declared without a default: the report cannot route, and says so."""
        (folder / "alignment.yaml").write_text(
            ALIGNMENT + "  channels:\n    - {name: chat, response_sla: 1h, clock: calendar}\n"
        )
        result = self.run(folder)
        assert result.exit_code == 2
        assert "no `default` channel" in result.output


class TestDaylightSaving:
    """Times in one zone compare and subtract as wall times in Python: not here."""

    # New York falls back at 02:00 EDT on 2026-11-01: 01:00-02:00 happens twice.
    BEFORE = dt.datetime(2026, 11, 1, 1, 30, tzinfo=NY)  # 01:30 EDT (fold=0)
    AFTER = dt.datetime(2026, 11, 1, 1, 40, fold=1, tzinfo=NY)  # 01:40 EST, 70 minutes later

    def test_chat_due_one_real_hour_later(self):
        """One hour after 01:30 EDT is 01:30 EST, not 02:30."""
        chat = STRATEGY.channel("chat")
        due = chat.due(self.BEFORE, CALENDARS["Sales"])
        assert due.astimezone(dt.UTC) - self.BEFORE.astimezone(dt.UTC) == dt.timedelta(hours=1)

    def test_a_reply_seventy_minutes_later_is_late(self):
        """Answered 70 real minutes after an urgent chat: 10 minutes late, not in time."""
        chat = Message(
            "c1",
            "chat",
            "outage",
            self.BEFORE,
            "IT",
            "Sales",
            self.AFTER,
            urgent=True,
            blocking=True,
        )
        result = report([chat], when=dt.datetime(2026, 11, 2, tzinfo=NY))
        assert by_channel(result, "chat").median == dt.timedelta(minutes=70)
        (breach,) = result.breaches
        assert breach.late == dt.timedelta(minutes=10)

    def test_a_reply_after_the_change_is_not_before_the_message(self):
        """01:20 EST is after 01:30 EDT: a valid message."""
        answered = dt.datetime(2026, 11, 1, 1, 20, fold=1, tzinfo=NY)
        message = Message("c1", "chat", "q", self.BEFORE, "IT", "Sales", answered)
        assert message.first_response_at == answered


class TestProgress:
    def test_a_large_log_on_a_terminal_draws_a_bar(self, tmp_path, monkeypatch):
        """On a terminal, reading a large log shows its progress; the messages are the same."""
        import io
        import sys

        from alignkit.channels import _cli

        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        log = tmp_path / "log.csv"
        log.write_text(LOG)
        terminal = Terminal()
        monkeypatch.setattr(_cli, "_PROGRESS_FROM", 0)
        monkeypatch.setattr(sys, "stderr", terminal)
        messages = _cli._read(log)
        assert [m.id for m in messages] == ["m1", "m2", "m3"]
        assert "Reading messages" in terminal.getvalue()
