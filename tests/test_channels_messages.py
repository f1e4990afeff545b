"""alignkit.channels._messages: a channel log's messages, checked, and read from CSV."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import pickle
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.channels._messages import Message, _trusted
from alignkit.errors import SpecError

EST = dt.timezone(dt.timedelta(hours=-5))
SENT = dt.datetime(2026, 11, 27, 15, tzinfo=EST)
ANSWERED = dt.datetime(2026, 11, 30, 9, 12, tzinfo=EST)

REQUIRED = ["id", "channel", "kind", "sent_at", "sender_function", "receiver_function"]
ALL = [*REQUIRED, "first_response_at", "urgent", "blocking", "receiver"]

# One good row, by column: the message it is and its cells.
GOOD = {
    "id": "m1",
    "channel": "email",
    "kind": "decision",
    "sent_at": "2026-11-27T15:00:00-05:00",
    "sender_function": "Sales",
    "receiver_function": "Finance",
    "first_response_at": "2026-11-30T09:12:00-05:00",
    "urgent": "yes",
    "blocking": "",
    "receiver": "fin-lead",
}
GOOD_MESSAGE = Message(
    "m1", "email", "decision", SENT, "Sales", "Finance", ANSWERED, urgent=True, receiver="fin-lead"
)


def csv_text(columns: list[str], *rows: dict[str, str]) -> str:
    """A log with ``columns``, each row's cells taken from its dict (absent: empty)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue()


def read(text: str, name: str = "log.csv") -> list[Message]:
    stream = io.StringIO(text)
    stream.name = name
    return Message.read_csv(stream)


def places(error: SpecError) -> list[tuple[str | None, int | None, int | None, tuple[object, ...]]]:
    """Each problem's file, row, column and path."""
    return [
        (p.location.file, p.location.row, p.location.column, p.location.path)
        for p in error.problems
    ]


def good(**changes: str) -> dict[str, str]:
    return {**GOOD, **changes}


class TestMessage:
    def test_fields_and_defaults(self):
        """Only the six essentials are needed: unanswered, not urgent, not blocking, no one."""
        message = Message("m1", "chat", "question", SENT, "Sales", "IT")
        assert (message.first_response_at, message.urgent, message.blocking) == (None, False, False)
        assert message.receiver is None
        assert [f.name for f in attrs.fields(Message)] == ALL

    def test_options_are_keyword_only(self):
        """`urgent`, `blocking` and `receiver` cannot be given by position."""
        with pytest.raises(TypeError):
            Message("m1", "chat", "question", SENT, "Sales", "IT", None, True)  # type: ignore[misc]

    def test_every_problem_at_once_with_its_path(self):
        """Each bad field is one problem at its path, all in one SpecError."""
        with pytest.raises(SpecError) as info:
            Message(
                " ",
                "",
                7,  # type: ignore[arg-type]
                "2026-11-27T15:00:00Z",  # type: ignore[arg-type]
                "Sales",
                "\t",
                urgent="yes",  # type: ignore[arg-type]
                blocking=0,  # type: ignore[arg-type]
                receiver="",
            )
        assert [p.location.path for p in info.value.problems] == [
            ("id",),
            ("channel",),
            ("kind",),
            ("sent_at",),
            ("receiver_function",),
            ("urgent",),
            ("blocking",),
            ("receiver",),
        ]

    @pytest.mark.parametrize("field", ["sent_at", "first_response_at"])
    def test_a_naive_time_must_carry_an_offset(self, field: str):
        """A time without an offset from UTC is refused, saying it must carry one."""
        times = {"sent_at": SENT, "first_response_at": ANSWERED}
        times[field] = times[field].replace(tzinfo=None)
        with pytest.raises(SpecError, match="must carry an offset from UTC") as info:
            Message("m1", "chat", "q", times["sent_at"], "Sales", "IT", times["first_response_at"])
        assert [p.location.path for p in info.value.problems] == [(field,)]

    def test_a_response_before_the_send_is_refused(self):
        """A message cannot be answered before it was sent, whatever the offsets."""
        just_before = (SENT - dt.timedelta(seconds=1)).astimezone(dt.UTC)
        with pytest.raises(SpecError, match="is before `sent_at`") as info:
            Message("m1", "chat", "q", SENT, "Sales", "IT", just_before)
        assert [p.location.path for p in info.value.problems] == [("first_response_at",)]

    def test_a_response_at_the_same_instant_is_fine(self):
        """Answered at the instant of sending, written in another zone, is allowed."""
        same = SENT.astimezone(dt.UTC)
        assert Message("m1", "chat", "q", SENT, "Sales", "IT", same).first_response_at == SENT

    def test_immutable(self):
        """A message cannot be changed in place."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            GOOD_MESSAGE.channel = "chat"  # type: ignore[misc]

    def test_copy(self):
        """Copies, deep copies and pickles are equal to the original, and hash alike."""
        for other in (
            copy.copy(GOOD_MESSAGE),
            copy.deepcopy(GOOD_MESSAGE),
            pickle.loads(pickle.dumps(GOOD_MESSAGE)),
        ):
            assert other == GOOD_MESSAGE
            assert hash(other) == hash(GOOD_MESSAGE)

    def test_evolve_checks_again(self):
        """`attrs.evolve` cannot make a message answered before it was sent."""
        with pytest.raises(SpecError, match="is before `sent_at`"):
            attrs.evolve(GOOD_MESSAGE, sent_at=ANSWERED + dt.timedelta(days=1))

    def test_repr_is_constructor_style(self):
        """The repr names the class and every field."""
        text = repr(GOOD_MESSAGE)
        assert text.startswith("Message(id='m1', channel='email', kind='decision', sent_at=")
        assert text.endswith("urgent=True, blocking=False, receiver='fin-lead')")


# -- strategies for valid messages -------------------------------------------------------------

# Text as a CSV cell carries it: not blank, without white space around it (the reader
# strips cells) and without NUL (which no CSV may hold).
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() == s and s != "")
offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
aware_times = st.builds(
    lambda when, zone: when.replace(tzinfo=dt.UTC).astimezone(zone),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1)),  # noqa: DTZ001 - naive bounds
    offsets,
)


@st.composite
def messages(draw: st.DrawFn, ident: str | None = None) -> Message:
    sent = draw(aware_times)
    answered = draw(
        st.none()
        | st.builds(
            lambda delay, zone: (sent + delay).astimezone(zone),
            st.timedeltas(dt.timedelta(0), dt.timedelta(days=30)),
            offsets,
        )
    )
    return Message(
        ident if ident is not None else draw(texts),
        draw(texts),
        draw(texts),
        sent,
        draw(texts),
        draw(texts),
        answered,
        urgent=draw(st.booleans()),
        blocking=draw(st.booleans()),
        receiver=draw(st.none() | texts),
    )


@st.composite
def logs(draw: st.DrawFn) -> list[Message]:
    ids = draw(st.lists(texts, max_size=8, unique=True))
    return [draw(messages(ident)) for ident in ids]


class TestTrusted:
    @given(messages())
    def test_trusted_equals_the_constructor(self, message: Message):
        """A message built without checks is the one the constructor builds."""
        values = attrs.astuple(message, recurse=False)
        trusted = _trusted(*values)
        assert trusted == message
        assert hash(trusted) == hash(message)
        assert repr(trusted) == repr(message)
        assert attrs.astuple(trusted, recurse=False) == values

    def test_trusted_is_a_message(self):
        """It is a Message, immutable like any other."""
        trusted = _trusted(*attrs.astuple(GOOD_MESSAGE, recurse=False))
        assert type(trusted) is Message
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            trusted.kind = "x"  # type: ignore[misc]


class TestReadCsv:
    @pytest.mark.parametrize(
        "columns",
        [
            ALL,
            list(reversed(ALL)),
            [
                "receiver",
                "sent_at",
                "id",
                "urgent",
                "receiver_function",
                "first_response_at",
                "channel",
                "blocking",
                "kind",
                "sender_function",
            ],
            ["note", *ALL[:5], "priority", *ALL[5:]],  # columns that are not read
        ],
    )
    def test_columns_in_any_order(self, columns: list[str]):
        """The same log reads the same whatever the order of its columns."""
        second = {**GOOD, "id": "m2", "first_response_at": "", "urgent": "", "receiver": ""}
        second.update(note="n", priority="high")
        assert read(csv_text(columns, {**GOOD, "note": "x"}, second)) == [
            GOOD_MESSAGE,
            Message("m2", "email", "decision", SENT, "Sales", "Finance"),
        ]

    def test_optional_columns_may_be_left_out(self):
        """Without the optional columns: unanswered, not urgent, not blocking, no receiver."""
        assert read(csv_text(REQUIRED, GOOD)) == [
            Message("m1", "email", "decision", SENT, "Sales", "Finance")
        ]

    def test_header_names_ignore_case_and_spaces(self):
        """` Sent_At ` is the `sent_at` column."""
        header = [" ID", "Channel", "KIND", " Sent_At ", "sender_function", "receiver_function"]
        text = csv_text(header) + "m1,email,decision,2026-11-27T15:00:00-05:00,Sales,Finance\n"
        assert [m.sent_at for m in read(text)] == [SENT]

    def test_cells_are_read_without_surrounding_spaces(self):
        """Spaces around a cell are not part of it."""
        cells = {key: f"  {value} " for key, value in GOOD.items()}
        assert read(csv_text(ALL, cells)) == [GOOD_MESSAGE]

    @pytest.mark.parametrize(
        ("cell", "expected"),
        [
            ("true", True),
            ("TRUE", True),
            ("Yes", True),
            ("1", True),
            ("false", False),
            ("No", False),
            ("0", False),
            ("", False),
        ],
    )
    def test_flags(self, cell: str, expected: bool):
        """true/false, yes/no, 1/0 in any case; empty is false."""
        [message] = read(csv_text(ALL, good(urgent=cell, blocking=cell)))
        assert (message.urgent, message.blocking) == (expected, expected)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026-11-27T20:00:00Z", SENT),
            ("2026-11-27T20:00:00+00:00", SENT),
            ("2026-11-28T01:30:00+05:30", SENT),
            ("2026-11-27T15:00:00.000-05:00", SENT),
        ],
    )
    def test_times_with_an_offset(self, text: str, expected: dt.datetime):
        """ISO 8601 with an offset, `Z` too, is the same instant however written."""
        [message] = read(csv_text(ALL, good(sent_at=text, first_response_at="")))
        assert message.sent_at == expected
        assert message.sent_at.utcoffset() is not None

    def test_an_empty_log(self):
        """A header alone is a log without messages."""
        assert read(csv_text(ALL)) == []

    def test_blank_lines_are_skipped(self):
        """Blank lines between rows are not rows."""
        second = "m2,email,decision,2026-11-27T15:00:00-05:00,Sales,Finance\n"
        text = csv_text(REQUIRED, GOOD) + "\n,,,,,\n" + second
        assert [m.id for m in read(text)] == ["m1", "m2"]

    def test_unanswered_and_unknown_receiver(self):
        """An empty `first_response_at` is not answered; an empty `receiver` is not known."""
        [message] = read(csv_text(ALL, good(first_response_at="", receiver="")))
        assert (message.first_response_at, message.receiver) == (None, None)


# (column, bad cell, what the message says)
BAD_CELLS = [
    ("id", "", "Empty 'id'"),
    ("channel", " ", "Empty 'channel'"),
    ("kind", "", "Empty 'kind'"),
    ("sender_function", "", "Empty 'sender_function'"),
    ("receiver_function", "", "Empty 'receiver_function'"),
    ("sent_at", "", "Empty 'sent_at'"),
    ("sent_at", "yesterday", "`sent_at` must be a date and time (ISO 8601"),
    ("sent_at", "2026-11-27T25:00:00Z", "`sent_at` must be a date and time (ISO 8601"),
    ("sent_at", "2026-11-27T15:00:00", "times must carry an offset"),
    ("first_response_at", "soon", "`first_response_at` must be a date and time (ISO 8601"),
    ("first_response_at", "2026-11-30T09:12:00", "times must carry an offset"),
    ("first_response_at", "2026-11-27T14:59:59-05:00", "is before `sent_at`"),
    ("urgent", "maybe", "`urgent` must be true or false"),
    ("blocking", "2", "`blocking` must be true or false"),
]


class TestReadCsvProblems:
    @pytest.mark.parametrize(("column", "cell", "says"), BAD_CELLS)
    @pytest.mark.parametrize("columns", [ALL, list(reversed(ALL))])
    def test_a_bad_cell_at_its_row_and_column(
        self, column: str, cell: str, says: str, columns: list[str]
    ):
        """Each bad cell is one problem at its file, row, column and header."""
        text = csv_text(columns, good(id="m0"), good(**{column: cell}))
        with pytest.raises(SpecError) as info:
            read(text)
        assert places(info.value) == [("log.csv", 3, columns.index(column) + 1, (column,))]
        assert says in info.value.problems[0].message
        assert info.value.problems[0].code is None  # the file itself was read

    def test_a_naive_time_says_how_to_write_it(self):
        """The message shows the cell and an example with an offset."""
        with pytest.raises(SpecError) as info:
            read(csv_text(ALL, good(sent_at="2026-11-27T15:00:00")))
        assert [p.message for p in info.value.problems] == [
            (
                "`sent_at` '2026-11-27T15:00:00' has no offset from UTC; "
                "times must carry an offset, like 2026-11-27T15:00:00+00:00"
            )
        ]

    def test_a_response_before_the_send_names_both_times(self):
        """Both cells are quoted as written."""
        with pytest.raises(SpecError) as info:
            read(csv_text(ALL, good(first_response_at="2026-11-27T19:00:00Z")))
        assert [p.message for p in info.value.problems] == [
            (
                "`first_response_at` (2026-11-27T19:00:00Z) is before `sent_at` "
                "(2026-11-27T15:00:00-05:00); a message is answered after it is sent"
            )
        ]
        assert places(info.value) == [("log.csv", 2, 7, ("first_response_at",))]

    def test_every_bad_row_and_cell_is_reported(self):
        """Bad rows never hide one another, nor one bad cell another of its row."""
        text = csv_text(
            ALL,
            good(id="m1", channel=""),  # row 2
            good(id="m2"),  # row 3: fine
            good(id="m3", sent_at="2026-11-27", urgent="often"),  # row 4: two problems
            good(id="m4"),  # row 5: fine
            good(id="m5", first_response_at="2026-01-01T00:00:00Z"),  # row 6
        )
        with pytest.raises(SpecError) as info:
            read(text)
        column = {name: ALL.index(name) + 1 for name in ALL}
        assert [(row, col) for _, row, col, _ in places(info.value)] == [
            (2, column["channel"]),
            (4, column["sent_at"]),
            (4, column["urgent"]),
            (6, column["first_response_at"]),
        ]
        assert str(info.value).startswith("4 problems:\n  log.csv:2:2: Empty 'channel'")

    def test_a_row_s_problems_read_left_to_right(self):
        """Within a row, problems come in the order of the columns, not of the fields."""
        columns = list(reversed(ALL))
        with pytest.raises(SpecError) as info:
            read(csv_text(columns, good(id="", urgent="x", sent_at="now")))
        assert [p.location.path for p in info.value.problems] == [
            ("urgent",),
            ("sent_at",),
            ("id",),
        ]

    def test_nothing_is_returned_when_the_last_row_is_bad(self):
        """Good rows before a bad one are not handed out."""
        rows = [good(id=f"m{i}") for i in range(50)]
        with pytest.raises(SpecError, match="Empty 'kind'"):
            read(csv_text(ALL, *rows, good(id="last", kind="")))

    def test_a_duplicate_id_names_both_rows(self):
        """An id used twice is one problem, on the later row, naming both rows."""
        text = csv_text(ALL, good(id="m1"), good(id="m2"), good(id=" m1 "))
        with pytest.raises(SpecError) as info:
            read(text)
        assert [p.message for p in info.value.problems] == [
            "Duplicate message id 'm1' on rows 2 and 4; give each message its own id"
        ]
        assert places(info.value) == [("log.csv", 4, 1, ("id",))]

    def test_a_duplicate_of_a_bad_row_is_reported_with_the_row_s_problems(self):
        """A bad row's id is still taken; a repeat of it on a bad row is one more problem."""
        columns = list(reversed(ALL))
        text = csv_text(columns, good(id="m1", kind=""), good(id="m1", urgent="x"))
        with pytest.raises(SpecError) as info:
            read(text)
        assert [(p.location.row, p.location.path) for p in info.value.problems] == [
            (2, ("kind",)),
            (3, ("urgent",)),
            (3, ("id",)),
        ]
        assert "rows 2 and 3" in info.value.problems[2].message

    def test_a_missing_column_is_one_problem_naming_it(self):
        """Each missing column is named once, whatever the number of rows."""
        columns = [c for c in ALL if c not in ("kind", "receiver_function")]
        with pytest.raises(SpecError) as info:
            read(csv_text(columns, GOOD, good(id="m2")))
        messages = [p.message for p in info.value.problems]
        assert len(messages) == 2
        assert messages[0].startswith("Missing column 'kind'")
        assert messages[1].startswith("Missing column 'receiver_function'")
        assert places(info.value) == [("log.csv", 1, 1, ()), ("log.csv", 1, 1, ())]

    def test_a_misspelt_column_is_pointed_out(self):
        """A header name close to a missing column is named, at its own column."""
        columns = ["id", "channel", "kind", "sent_at", "sendr_function", "receiver_function"]
        with pytest.raises(SpecError) as info:
            read(csv_text(columns, GOOD))
        assert [p.message for p in info.value.problems] == [
            "Missing column 'sender_function'; is 'sendr_function' a misspelling of it?"
        ]
        assert places(info.value) == [("log.csv", 1, 5, ())]

    def test_a_column_given_twice_is_refused(self):
        """Two `sent_at` columns would silently read one of them."""
        with pytest.raises(SpecError) as info:
            read(csv_text([*ALL, "sent_at"], GOOD))
        assert [p.message for p in info.value.problems] == ["Duplicate column 'sent_at'"]
        assert places(info.value) == [("log.csv", 1, 11, ())]

    def test_a_row_must_have_the_header_s_width(self):
        """More or fewer cells than the header is a problem at that row."""
        text = csv_text(REQUIRED) + (
            "m1,chat,q,2026-11-27T15:00:00Z,Sales,IT,extra\n"
            "m2,chat,q,2026-11-27T15:00:00Z,Sales\n"
            "m3,chat,q,2026-11-27T15:00:00Z,Sales,IT\n"
        )
        with pytest.raises(SpecError) as info:
            read(text)
        assert [p.message for p in info.value.problems] == [
            "Row has 7 cells but the header has 6",
            "Row has 5 cells but the header has 6",
        ]
        assert [(p.location.row, p.location.column) for p in info.value.problems] == [
            (2, 7),
            (3, 6),
        ]

    def test_an_unclosed_quote_is_reported_after_the_rows(self):
        """A quote never closed is a problem at its line, after the rows' problems."""
        text = csv_text(ALL, good(kind="")) + 'm9,"chat,q\n'
        with pytest.raises(SpecError) as info:
            read(text)
        assert [p.location.row for p in info.value.problems] == [2, None]
        assert info.value.problems[1].location.line == 3
        assert "never closed" in info.value.problems[1].message

    def test_a_thousand_problems_and_a_count_of_the_rest(self):
        """A log bad throughout lists the first thousand problems and counts the others."""
        rows = [good(id=f"m{i}", channel="") for i in range(1005)]
        with pytest.raises(SpecError) as info:
            read(csv_text(ALL, *rows))
        problems = info.value.problems
        assert len(problems) == 1001
        assert problems[999].location.row == 1001
        assert problems[-1].message == (
            "5 more problems are not shown; fix the ones above and run again"
        )


class TestReadCsvFiles:
    def test_reads_a_path(self, tmp_path: Path):
        """A path is opened as UTF-8 (with or without a byte-order mark)."""
        log = tmp_path / "log.csv"
        log.write_text("\ufeff" + csv_text(ALL, GOOD), encoding="utf-8", newline="")
        assert Message.read_csv(log) == [GOOD_MESSAGE]
        assert Message.read_csv(str(log)) == [GOOD_MESSAGE]

    def test_problems_name_the_file(self, tmp_path: Path):
        """A bad row of a file is placed in that file."""
        log = tmp_path / "log.csv"
        log.write_text(csv_text(ALL, good(kind="")), encoding="utf-8", newline="")
        with pytest.raises(SpecError) as info:
            Message.read_csv(log)
        assert places(info.value) == [(str(log), 2, 3, ("kind",))]

    def test_a_file_that_is_not_utf8_is_unreadable(self, tmp_path: Path):
        """Bytes that are not UTF-8 make the file unreadable: AK010."""
        log = tmp_path / "log.csv"
        log.write_bytes(csv_text(ALL, GOOD).encode() + "m2,caf\xe9".encode("latin-1"))
        with pytest.raises(SpecError, match="not UTF-8") as info:
            Message.read_csv(log)
        assert [(p.code, p.location.file) for p in info.value.problems] == [("AK010", str(log))]

    def test_a_missing_file_is_unreadable(self, tmp_path: Path):
        """A missing file is AK010, naming the file."""
        missing = tmp_path / "nope.csv"
        with pytest.raises(SpecError, match="Cannot read the CSV file") as info:
            Message.read_csv(missing)
        assert [(p.code, p.location.file) for p in info.value.problems] == [("AK010", str(missing))]

    def test_an_empty_file_is_unreadable(self, tmp_path: Path):
        """A file without even a header is AK010."""
        empty = tmp_path / "empty.csv"
        empty.write_text("")
        with pytest.raises(SpecError, match="empty") as info:
            Message.read_csv(empty)
        assert [p.code for p in info.value.problems] == ["AK010"]

    def test_progress_adds_up_to_the_file(self, tmp_path: Path):
        """The amounts given to `progress` add up to every character of the file."""
        text = csv_text(ALL, *(good(id=f"m{i}", kind="k\r\nwith a line break") for i in range(30)))
        log = tmp_path / "log.csv"
        log.write_text(text, encoding="utf-8", newline="")
        amounts: list[int] = []
        assert len(Message.read_csv(log, progress=amounts.append)) == 30
        assert sum(amounts) == len(text)
        assert all(amount > 0 for amount in amounts)


class TestReadCsvProperties:
    @settings(max_examples=150, deadline=None)
    @given(logs(), st.permutations(ALL))
    def test_round_trip(self, log: list[Message], columns: list[str]):
        """Any valid log written with the csv module, in any column order, reads back equal."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        for message in log:
            cells = {
                "id": message.id,
                "channel": message.channel,
                "kind": message.kind,
                "sent_at": message.sent_at.isoformat(),
                "sender_function": message.sender_function,
                "receiver_function": message.receiver_function,
                "first_response_at": (
                    message.first_response_at.isoformat()
                    if message.first_response_at is not None
                    else ""
                ),
                "urgent": "true" if message.urgent else "false",
                "blocking": "yes" if message.blocking else "no",
                "receiver": message.receiver or "",
            }
            writer.writerow([cells[column] for column in columns])
        assert Message.read_csv(io.StringIO(out.getvalue())) == log

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=300))
    def test_any_text_is_a_log_or_a_spec_error(self, text: str):
        """Whatever the file holds, the reader returns messages or raises SpecError."""
        header = ",".join(ALL) + "\n"
        for body in (text, header + text):
            try:
                found = Message.read_csv(io.StringIO(body))
            except SpecError as error:
                assert error.problems
            else:
                assert all(type(m) is Message for m in found)
