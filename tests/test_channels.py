"""alignkit.channels: channels, routes, the strategy and its section of the file."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.alignment_file import loads
from alignkit.channels import (
    BusinessCalendar,
    BusinessDays,
    Channel,
    ChannelsSection,
    ChannelStrategy,
    Route,
    format_duration,
    parse_duration,
)
from alignkit.errors import SpecError, UnknownNameError

NEW_YORK = ZoneInfo("America/New_York")
FRIDAY_3PM = dt.datetime(2026, 11, 27, 15, tzinfo=NEW_YORK)  # the Friday after Thanksgiving
OFFICE = BusinessCalendar("America/New_York")


class TestReferenceTable:
    """ChannelStrategy.default() is the channel table of the reference material."""

    def test_channels_and_targets(self):
        """Chat 1 h around the clock, project 1 bd, email 1-2 bd, archive without target."""
        strategy = ChannelStrategy.default()
        table = {
            c.name: (c.response_sla, c.hard_limit, c.clock, c.archive) for c in strategy.channels
        }
        assert table == {
            "chat": (dt.timedelta(hours=1), None, "calendar", False),
            "project": (BusinessDays(1), None, "business", False),
            "email": (BusinessDays(1), BusinessDays(2), "business", False),
            "archive": (None, None, "business", True),
        }
        assert strategy.channel("chat").examples == (
            "System outages",
            "Critical customer escalations",
        )

    def test_every_number_is_a_parameter(self):
        """Targets can be changed without rebuilding the table."""
        strategy = ChannelStrategy.default(
            chat_sla=dt.timedelta(minutes=30), email_hard_limit=BusinessDays(3)
        )
        assert strategy.channel("chat").response_sla == dt.timedelta(minutes=30)
        assert strategy.channel("email").hard_limit == BusinessDays(3)

    @pytest.mark.parametrize(
        ("kind", "flags", "channel"),
        [
            ("system outage", {"urgent": True, "blocking": True}, "chat"),
            ("escalation", {"urgent": True}, "project"),  # urgent but not blocking: no chat
            ("approved SOW", {"final": True}, "archive"),
            ("decision", {}, "email"),
            ("question", {"external": True}, "email"),
            ("deal status", {}, "project"),
        ],
    )
    def test_routing(self, kind, flags, channel):
        """Urgent and blocking to chat, final to the archive, formal or external to email."""
        assert ChannelStrategy.default().route(kind, **flags).channel.name == channel

    def test_a_routing_says_why(self):
        """The reason is the route's, and the default says it is the default."""
        strategy = ChannelStrategy.default()
        outage = strategy.route("outage", urgent=True, blocking=True)
        assert (outage.reason, outage.route) == ("urgent and blocking", 0)
        status = strategy.route("deal status")
        assert (status.reason, status.route) == ("no route matched: the default", None)


class TestDueTimes:
    def test_a_friday_email_is_due_on_monday(self):
        """One business day from Friday 15:00 is Monday 15:00 on the receiver's calendar."""
        email = ChannelStrategy.default().channel("email")
        assert email.due(FRIDAY_3PM, OFFICE) == dt.datetime(2026, 11, 30, 15, tzinfo=NEW_YORK)
        assert email.hard_due(FRIDAY_3PM, OFFICE) == dt.datetime(2026, 12, 1, 15, tzinfo=NEW_YORK)

    def test_chat_runs_around_the_clock(self):
        """An outage at 23:30 on Saturday is due at 00:30 on Sunday."""
        chat = ChannelStrategy.default().channel("chat")
        saturday = dt.datetime(2026, 11, 28, 23, 30, tzinfo=NEW_YORK)
        assert chat.due(saturday, OFFICE) == saturday + dt.timedelta(hours=1)

    def test_business_hours_on_the_receiver_calendar(self):
        """Four business hours from Friday 15:00 in New York: 2 on Friday, 2 on Monday."""
        channel = Channel("tickets", "Support tickets", "4h")
        assert channel.due(FRIDAY_3PM, OFFICE) == dt.datetime(2026, 11, 30, 11, tzinfo=NEW_YORK)

    def test_the_same_message_is_due_later_for_a_later_time_zone(self):
        """The target runs on the receiver's hours, not the sender's."""
        channel = Channel("tickets", "Support tickets", "2h")
        sent = dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)  # 16:00 in London, 11:00 in New York
        london = BusinessCalendar("Europe/London")
        assert channel.due(sent, london) == dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
        assert channel.due(sent, OFFICE) == dt.datetime(2026, 11, 30, 13, tzinfo=NEW_YORK)

    def test_an_archive_is_never_due(self):
        """Nothing is answered on a read-only channel."""
        assert ChannelStrategy.default().channel("archive").due(FRIDAY_3PM, OFFICE) is None

    def test_without_a_calendar_office_hours_in_utc(self):
        """No calendar given: Monday to Friday 09:00-17:00 UTC."""
        channel = Channel("tickets", "Support tickets", "1h")
        friday_5pm = dt.datetime(2026, 11, 27, 16, 30, tzinfo=dt.UTC)
        assert channel.due(friday_5pm) == dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)

    def test_a_naive_time_is_refused(self):
        """A time without an offset cannot be placed on anyone's calendar."""
        with pytest.raises(SpecError, match="sent_at"):
            Channel("tickets", "", "1h").due(dt.datetime(2026, 11, 27, 15))  # noqa: DTZ001


class TestDurations:
    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("1h", dt.timedelta(hours=1)),
            ("30m", dt.timedelta(minutes=30)),
            ("1.5h", dt.timedelta(minutes=90)),
            ("45s", dt.timedelta(seconds=45)),
            ("1bd", BusinessDays(1)),
            (" 2BD ", BusinessDays(2)),
        ],
    )
    def test_parse(self, text, value):
        """Hours, minutes, seconds and business days, as the file writes them."""
        assert parse_duration(text) == value

    @pytest.mark.parametrize(
        ("text", "match"),
        [
            ("1d", "write `24h`"),
            ("soon", "not a duration"),
            ("1.5bd", "whole days"),
            ("0bd", "at least `1bd`"),
            ("-1h", "not a duration"),
        ],
    )
    def test_bad_text_says_how_to_write_it(self, text, match):
        """Each refusal says what a duration looks like."""
        with pytest.raises(ValueError, match=match):
            parse_duration(text)

    @given(st.integers(1, 10_000), st.sampled_from(["h", "m", "bd"]))
    def test_format_reads_back(self, number, unit):
        """Formatting a parsed duration gives text that parses to the same duration."""
        value = parse_duration(f"{number}{unit}")
        assert parse_duration(format_duration(value)) == value


class TestChannel:
    def test_text_durations_are_read(self):
        """`response_sla="1bd"` is BusinessDays(1)."""
        channel = Channel("email", "Decisions", "1bd", hard_limit="48h")
        assert (channel.response_sla, channel.hard_limit) == (
            BusinessDays(1),
            dt.timedelta(hours=48),
        )

    def test_every_problem_is_named(self):
        """Business days on the calendar clock and a target on an archive, at once."""
        with pytest.raises(SpecError) as info:
            Channel("chat", "Urgent", "1bd", clock="calendar")
        assert [p.location.path for p in info.value.problems] == [("response_sla",)]
        with pytest.raises(SpecError, match="is an archive"):
            Channel("archive", "Final", "1h", archive=True)
        with pytest.raises(SpecError, match="`clock` must be `business` or `calendar`"):
            Channel("chat", "Urgent", "1h", clock="wall")  # type: ignore[arg-type]
        with pytest.raises(SpecError, match="longer than zero"):
            Channel("chat", "Urgent", dt.timedelta(0))
        with pytest.raises(SpecError, match="response_sla: `soon` is not a duration"):
            Channel("chat", "Urgent", "soon")


class TestRoutes:
    def test_first_match_wins(self):
        """Order matters: the narrower route must come first."""
        routes = [
            Route("project", urgent=True, blocking=False),
            Route("chat", urgent=True),
        ]
        strategy = ChannelStrategy(ChannelStrategy.default().channels, routes, "project")
        assert strategy.route("x", urgent=True).channel.name == "project"
        assert strategy.route("x", urgent=True, blocking=True).channel.name == "chat"
        assert list(strategy.unreachable()) == []

    def test_a_shadowed_route_is_found(self):
        """A route whose every message an earlier one takes is unreachable."""
        routes = [Route("chat", urgent=True), Route("project", urgent=True, kinds="outage")]
        strategy = ChannelStrategy(ChannelStrategy.default().channels, routes, "project")
        assert list(strategy.unreachable()) == [(1, 0)]

    @settings(max_examples=200)
    @given(
        st.lists(
            st.tuples(
                st.frozensets(st.sampled_from(["a", "b"]), max_size=2),
                *[st.sampled_from([None, True, False])] * 4,
            ),
            min_size=1,
            max_size=5,
        ),
        st.sampled_from(["a", "b", "c"]),
        st.booleans(),
        st.booleans(),
        st.booleans(),
        st.booleans(),
    )
    def test_an_unreachable_route_never_matches_first(
        self, specs, kind, urgent, blocking, external, final
    ):
        """Whatever the message, a route reported unreachable is never the one taken."""
        channels = ChannelStrategy.default().channels
        routes = [
            Route("chat", k, urgent=u, blocking=b, external=e, final=f) for k, u, b, e, f in specs
        ]
        strategy = ChannelStrategy(channels, routes, "project")
        dead = {index for index, _ in strategy.unreachable()}
        taken = strategy.route(
            kind, urgent=urgent, blocking=blocking, external=external, final=final
        ).route
        assert taken not in dead

    def test_unknown_channels_are_named_with_the_nearest(self):
        """A route and the default to channels that do not exist: both reported."""
        with pytest.raises(SpecError) as info:
            ChannelStrategy(
                ChannelStrategy.default().channels, [Route("caht", urgent=True)], "projcet"
            )
        assert [str(p) for p in info.value.problems] == [
            "routes[0].channel: Unknown channel `caht`; did you mean `chat`?",
            "default: Unknown channel `projcet`; did you mean `project`?",
        ]
        with pytest.raises(UnknownNameError):
            ChannelStrategy.default().channel("slack")

    def test_two_channels_with_one_name(self):
        """Names are unique."""
        with pytest.raises(SpecError, match="declared twice"):
            ChannelStrategy([Channel("a", "", "1h"), Channel("a", "", "2h")], [], "a")


HEAD = """\
version: 1
org:
  functions:
    - {name: Sales, head: vp-sales}
    - {name: Operations, head: vp-ops}
  people:
    - {id: vp-sales, name: Sam Okafor, function: Sales}
    - {id: vp-ops, name: Priya Nair, function: Operations}
"""


def codes(text: str) -> list[tuple[str, str]]:
    return sorted((d.code, d.target) for d in loads(HEAD + text).check().diagnostics)


class TestSection:
    def test_without_channels_the_reference_table(self):
        """An empty section is the reference strategy, and nothing to report."""
        file = loads(HEAD + "channels: {}\n")
        assert file.channels is not None
        assert file.channels.strategy() == ChannelStrategy.default()
        assert codes("channels: {}\n") == []

    def test_calendars_per_function(self):
        """Each function's own calendar, else the section's, else office hours in UTC."""
        section = ChannelsSection.model_validate(
            {
                "calendar": {"tz": "Europe/London", "hours": {"mon-fri": "09:00-17:30"}},
                "calendars": [{"function": "Sales", "tz": "America/New_York"}],
            }
        )
        assert section.calendar_for("Sales").tz == "America/New_York"
        assert section.calendar_for("Operations").tz == "Europe/London"
        assert ChannelsSection().calendar_for("Sales").tz == "UTC"

    def test_bad_durations_and_zones_are_spec_errors(self):
        """Text that cannot mean anything stops the load, at its line."""
        with pytest.raises(SpecError) as info:
            loads(
                HEAD + "channels:\n  channels:\n    - {name: chat, response_sla: soon}\n"
                "  default: chat\n  calendar: {tz: Europe/Londn}\n"
            )
        messages = [str(p) for p in info.value.problems]
        assert any("`soon` is not a duration" in m for m in messages)
        assert any("Europe/London" in m for m in messages)

    def test_rule_examples(self):
        """Each CH rule fires on its own example, and each finding names its target."""
        chat = "    - {name: chat, use_case: Urgent, response_sla: 1h, clock: calendar}\n"
        section = "channels:\n  channels:\n" + chat
        assert codes(section + "    - {name: project}\n  default: project\n") == [
            ("CH001", "project")
        ]
        assert codes(section + "  routes:\n    - {channel: chatt}\n  default: chat\n") == [
            ("CH003", "chatt")
        ]
        assert codes(section) == [("CH004", "channels")]
        found = codes("channels:\n  calendars:\n    - {function: Sales, tz: UTC, hours: {}}\n")
        assert found == [("CH006", "Sales"), ("CH007", "Operations")]

    def test_mixed_limits_compare_on_office_hours(self):
        """`1bd` target with a `4h` limit: the limit comes first (CH002); `16h` does not."""
        base = (
            "channels:\n  channels:\n"
            "    - {name: email, response_sla: 1bd, hard_limit: %s}\n  default: email\n"
        )
        assert codes(base % "4h") == [("CH002", "email")]
        assert codes(base % "16h") == []


class TestSectionInput:
    """What cannot mean anything in the section stops the load, at its place."""

    def problems(self, text: str) -> list[str]:
        with pytest.raises(SpecError) as info:
            loads(HEAD + text)
        return [str(p) for p in info.value.problems]

    def test_a_channel_that_cannot_work(self):
        """Business days on the calendar clock, and a target on an archive: both at once."""
        found = self.problems(
            "channels:\n  channels:\n"
            "    - {name: chat, response_sla: 1bd, clock: calendar}\n"
            "    - {name: archive, archive: true, response_sla: 1h}\n"
            "  default: chat\n"
        )
        assert any("business days" in p for p in found)
        assert any("is an archive" in p for p in found)

    def test_bad_hours_are_placed_under_the_calendar(self):
        """A window that ends before it starts, in a function's calendar."""
        found = self.problems(
            "channels:\n  calendars:\n    - {function: Sales, hours: {mon: '17:00-09:00'}}\n"
        )
        assert len(found) == 1
        assert found[0].startswith("<string>:11:")  # the calendar's line in the file
        assert "ends before it starts" in found[0]

    def test_two_calendars_for_one_function(self):
        """One calendar per function."""
        found = self.problems(
            "channels:\n  calendars:\n    - {function: Sales}\n    - {function: Sales}\n"
        )
        assert any("has two calendars" in p for p in found)

    def test_two_channels_with_one_name(self):
        """Channel names are unique in the file too."""
        found = self.problems(
            "channels:\n  channels:\n    - {name: chat, response_sla: 1h}\n"
            "    - {name: chat, response_sla: 2h}\n  default: chat\n"
        )
        assert any("declared twice" in p for p in found)

    def test_a_strategy_without_default_cannot_route(self):
        """`alignkit check` reports it (CH004); asking for the strategy says why."""
        file = loads(HEAD + "channels:\n  channels:\n    - {name: chat, response_sla: 1h}\n")
        assert file.channels is not None
        with pytest.raises(SpecError, match="no `default` channel"):
            file.channels.strategy()
