"""The ``alignkit store`` commands: create a store's tables, copy one store into another."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from alignkit._cli_common import opened_store, problems_said

if TYPE_CHECKING:
    from alignkit.store import StoredEvent

__all__ = ["store"]

_BATCH = 1000


@click.group()
def store() -> None:
    """Set up and move event stores (a SQLite file, or PostgreSQL for replicas)."""


@store.command()
@click.argument("target", metavar="STORE")
def init(target: str) -> None:
    """Create the tables of an event store at STORE (idempotent).

    STORE is a postgresql:// DSN (the events, the decision log's texts, and a
    schema version table, so that a later alignkit can migrate them) or a SQLite
    file (created with its tables). A store that exists already is left as it is.
    For example: alignkit store init postgresql://alignkit@db.internal/alignkit
    """
    from alignkit.store import PostgresStore

    with opened_store(target, "store", read_only=False, role="STORE") as opened:
        if isinstance(opened, PostgresStore):
            opened.create_schema()
            version = opened.schema_version()
            click.echo(f"{opened.path}: alignkit event store ready (schema version {version})")
        else:
            from alignkit.decision_log import SQLiteTextStore

            SQLiteTextStore.beside(opened)  # the texts' table, as a decision log makes it
            click.echo(f"{opened.path}: alignkit event store ready")


@store.command()
@click.argument("source", metavar="SRC")
@click.argument("target", metavar="DST")
@click.option(
    "--batch",
    type=click.IntRange(1, 100_000),
    default=_BATCH,
    show_default=True,
    help="Events read and appended per transaction.",
)
def copy(source: str, target: str, batch: int) -> None:
    """Copy every event of SRC, with its category, and the decision log's texts into DST.

    SRC and DST are each a SQLite file or a postgresql:// DSN. Events keep their
    stream, version, id, kind, actor, time, data and category; DST numbers them in
    its own order.
    Copying is idempotent and resumable: an event DST holds already (by its id) is
    skipped, so a copy that was interrupted is finished by running it again, and
    a later run brings over what SRC gained since. Texts erased in SRC (a decision
    log's `erased` events) are deleted from DST too. For example, a team that
    outgrows one file: alignkit store copy desk.db postgresql://db.internal/alignkit
    """
    from alignkit.errors import AlignkitError, SpecError, StoreError
    from alignkit.store import ConcurrencyError

    if _same(source, target):
        raise click.UsageError("SRC and DST are the same store")
    with (
        opened_store(source, "store", role="SRC") as src,
        opened_store(target, "store", read_only=False, role="DST") as dst,
    ):
        total, before = src.count(), dst.count()
        try:
            erased = _copy_events(src, dst, total, batch)
        except ConcurrencyError as error:
            click.echo(
                f"alignkit store: DST {dst.path}: stream {error.stream!r} holds events that "
                f"SRC does not (it is at version {error.actual} where SRC's next event is "
                f"{error.expected + 1}); copy into an empty store, or one copied from SRC",
                err=True,
            )
            sys.exit(1)
        except StoreError:
            raise  # said by opened_store
        except AlignkitError as error:  # an event DST refuses (a stream of another category)
            said = problems_said(error) if isinstance(error, SpecError) else str(error)
            click.echo(f"alignkit store: DST {dst.path} refuses an event of SRC: {said}", err=True)
            sys.exit(1)
        try:
            texts = _copy_texts(src, dst, erased)
        except StoreError as error:
            click.echo(f"alignkit store: {error}", err=True)
            sys.exit(2)
        added = dst.count() - before
        click.echo(
            f"Copied {total:,} events from {src.path} to {dst.path} ({added:,} new, "
            f"{total - added:,} held already) and {texts:,} texts."
        )


def _same(source: str, target: str) -> bool:
    """Whether SRC and DST name one store: one file, or one database and schema."""
    from pathlib import Path

    from alignkit.store import is_postgres_dsn

    if is_postgres_dsn(source) or is_postgres_dsn(target):
        if not (is_postgres_dsn(source) and is_postgres_dsn(target)):
            return False
        from alignkit.store._postgres import _parts

        first, second = _parts(source), _parts(target)
        wanted = ("host", "port", "dbname", "options")
        return (
            first is not None
            and second is not None
            and all(first.get(key) == second.get(key) for key in wanted)
        )
    return Path(source).resolve() == Path(target).resolve()


def _copy_events(src: Any, dst: Any, total: int, batch: int) -> list[str]:  # noqa: ANN401
    """Append SRC's events to DST a batch at a time; the text keys SRC's log erased."""
    from alignkit.store import NewEvent

    erased: list[str] = []
    after = 0
    with click.progressbar(
        length=total, label="Copying events", file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:
        while True:
            chunk: list[StoredEvent] = src.read_all(after=after, limit=batch)
            if not chunk:
                break
            # One batch per event, at the version before it: DST skips those it holds
            # and checks the rest against what it holds of each stream.
            dst.append_many(
                [
                    (
                        e.stream,
                        [NewEvent(e.event_id, e.kind, e.actor, e.at, e.data)],
                        e.version - 1,
                        e.category,
                    )
                    for e in chunk
                ]
            )
            erased += [
                key
                for e in chunk
                if e.category == "decision" and e.kind == "erased"
                for key in e.data.get("keys", ())
                if isinstance(key, str)
            ]
            after = chunk[-1].position
            bar.update(len(chunk))
    return erased


def _texts_of(opened: Any) -> Any:  # noqa: ANN401 - a text store with items()
    from alignkit.decision_log import PostgresTextStore, SQLiteTextStore
    from alignkit.store import PostgresStore

    if isinstance(opened, PostgresStore):
        return PostgresTextStore.beside(opened)
    return SQLiteTextStore.beside(opened)


def _copy_texts(src: Any, dst: Any, erased: list[str]) -> int:  # noqa: ANN401
    """Put SRC's texts into DST, then delete what SRC's log erased; the number copied."""
    source, target = _texts_of(src), _texts_of(dst)
    copied = 0
    after = ""
    while page := source.items(after=after, limit=_BATCH):
        target.put(dict(page))
        copied += len(page)
        after = page[-1][0]
    if erased and target.get(erased):
        target.delete(erased)
    return copied
