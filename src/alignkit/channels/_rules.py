"""The rules of the channel strategy (``CH``): documentation beside the checks."""

from __future__ import annotations

from typing import Final

from alignkit._rule import SALES_OPS, Rule
from alignkit.diagnostics import Severity

_CHAT = "    - {name: chat, use_case: Urgent and blocking, response_sla: 1h, clock: calendar}\n"
_PROJECT = "    - {name: project, use_case: Updates, response_sla: 1bd}\n"
_HEAD = SALES_OPS + "channels:\n  channels:\n" + _CHAT

CHANNEL_WITHOUT_SLA: Final = Rule(
    code="CH001",
    name="channel-without-sla",
    severity=Severity.WARNING,
    summary="A channel that is not an archive has no response target.",
    what="Reports a channel with no `response_sla` that is not marked `archive: true`.",
    why=(
        "Without a target nobody knows how fast to answer, so every message feels "
        "urgent and chat becomes the default: the interruptions the strategy exists "
        "to stop."
    ),
    example=_HEAD + "    - {name: project, use_case: Updates}\n  default: project\n",
    use_instead=_HEAD + _PROJECT + "  default: project\n",
    fix="Give the channel a `response_sla` (`1h`, `1bd`), or mark it `archive: true`",
    target="the channel's name, as written",
)

HARD_LIMIT_BELOW_TARGET: Final = Rule(
    code="CH002",
    name="hard-limit-below-target",
    severity=Severity.ERROR,
    summary="A channel's hard limit comes before its response target.",
    what=(
        "Reports a channel whose `hard_limit` is shorter than its `response_sla`. A "
        "limit in business days is compared with one in hours from a Monday 09:00 on "
        "a Monday-to-Friday 09:00-17:00 calendar."
    ),
    why=(
        "The hard limit is the latest a response may come however the target went: "
        "one before the target makes every message a breach before it is late."
    ),
    example=_HEAD
    + "    - {name: email, use_case: Decisions, response_sla: 2bd, hard_limit: 1bd}\n"
    + "  default: email\n",
    use_instead=_HEAD
    + "    - {name: email, use_case: Decisions, response_sla: 1bd, hard_limit: 2bd}\n"
    + "  default: email\n",
    fix="Make the hard limit at least as long as the target, or drop it",
    target="the channel's name, as written",
)

ROUTE_TO_UNKNOWN_CHANNEL: Final = Rule(
    code="CH003",
    name="route-to-unknown-channel",
    severity=Severity.ERROR,
    summary="A route or the default sends messages to a channel that is not declared.",
    what="Reports a route's `channel`, or the `default`, that names no channel of the section.",
    why="Messages routed there have nowhere to go: usually a typo or a renamed channel.",
    example=_HEAD
    + _PROJECT
    + "  routes:\n    - {channel: caht, urgent: true}\n  default: project\n",
    use_instead=_HEAD
    + _PROJECT
    + "  routes:\n    - {channel: chat, urgent: true}\n  default: project\n",
    fix="Use the name of a declared channel",
    target="the unknown channel name, as written",
)

NO_DEFAULT_ROUTE: Final = Rule(
    code="CH004",
    name="no-default-route",
    severity=Severity.ERROR,
    summary="The channel strategy has no default channel.",
    what="Reports a `channels` section that declares channels but no `default`.",
    why=(
        "A message that no route matches must still go somewhere; without a default "
        "it goes wherever its sender likes, usually chat."
    ),
    example=_HEAD + _PROJECT + "  routes:\n    - {channel: chat, urgent: true}\n",
    use_instead=_HEAD
    + _PROJECT
    + "  routes:\n    - {channel: chat, urgent: true}\n  default: project\n",
    fix="Add `default:` with the channel for everything else (the project tool, say)",
    target="channels, as written",
)

UNREACHABLE_ROUTE: Final = Rule(
    code="CH005",
    name="unreachable-route",
    severity=Severity.WARNING,
    summary="A route can never match: an earlier route takes every message it would.",
    what=(
        "Reports a route whose conditions are all implied by an earlier route's: the "
        "first match wins, so it never applies."
    ),
    why=(
        "The strategy reads as if those messages went to the later route's channel, "
        "and they do not: the order of the routes is wrong, or a route is redundant."
    ),
    example=_HEAD
    + _PROJECT
    + "  routes:\n    - {channel: chat, urgent: true}\n"
    + "    - {channel: project, urgent: true, blocking: false}\n"
    + "  default: project\n",
    use_instead=_HEAD
    + _PROJECT
    + "  routes:\n    - {channel: project, urgent: true, blocking: false}\n"
    + "    - {channel: chat, urgent: true}\n"
    + "  default: project\n",
    fix="Move the narrower route before the wider one, or remove it",
    target="the unreachable route's channel, as written",
)

CALENDAR_WITHOUT_OPEN_HOURS: Final = Rule(
    code="CH006",
    name="calendar-without-open-hours",
    severity=Severity.ERROR,
    summary="A business calendar has no open hours at all.",
    what="Reports a calendar of the `channels` section on which no day has an open window.",
    why=(
        "On such a calendar no business-hours target can ever be met or even fall due: "
        "every message to that function waits forever."
    ),
    example=_HEAD + _PROJECT + "  default: project\n  calendar: {tz: UTC, hours: {}}\n",
    use_instead=_HEAD
    + _PROJECT
    + "  default: project\n  calendar: {tz: UTC, hours: {mon-fri: '09:00-17:00'}}\n",
    fix="Give the calendar its working hours, for example `mon-fri: '09:00-17:00'`",
    target="calendar as written for the default calendar, else the function's name",
)

FUNCTION_WITHOUT_CALENDAR: Final = Rule(
    code="CH007",
    name="function-without-calendar",
    severity=Severity.WARNING,
    summary="Calendars are declared per function, and a function has none.",
    what=(
        "Reports a function of the org without a calendar under `channels: calendars:` "
        "when the section declares calendars per function and no default `calendar`."
    ),
    why=(
        "Response targets run on the receiver's business hours: without a calendar "
        "the function's messages are timed on UTC office hours, which may be hours "
        "off from when its people work."
    ),
    example=_HEAD
    + _PROJECT
    + "  default: project\n  calendars:\n"
    + "    - {function: Sales, tz: America/New_York}\n",
    use_instead=_HEAD
    + _PROJECT
    + "  default: project\n  calendars:\n"
    + "    - {function: Sales, tz: America/New_York}\n"
    + "    - {function: Operations, tz: Europe/London}\n",
    fix="Add a calendar for the function, or a default `calendar` for everyone else",
    target="the function's name",
)

RULES: Final = (
    CHANNEL_WITHOUT_SLA,
    HARD_LIMIT_BELOW_TARGET,
    ROUTE_TO_UNKNOWN_CHANNEL,
    NO_DEFAULT_ROUTE,
    UNREACHABLE_ROUTE,
    CALENDAR_WITHOUT_OPEN_HOURS,
    FUNCTION_WITHOUT_CALENDAR,
)
"""Every CH code, in order."""
