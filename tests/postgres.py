"""A PostgreSQL database for tests: one fresh schema per test, on the server CI starts.

The server is named by ``ALIGNKIT_PG_DSN`` (``.ci/run`` starts a throwaway one and
sets it). Tests that need it are marked ``postgres``: without it they are left out of
the run (see ``tests/conftest.py``), unless ``ALIGNKIT_REQUIRE_POSTGRES=1``, where
they fail.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

DSN_VARIABLE = "ALIGNKIT_PG_DSN"


def server_dsn() -> str:
    """The server's DSN; a test that needs one and has none fails."""
    dsn = os.environ.get(DSN_VARIABLE, "")
    if not dsn:
        pytest.fail(f"{DSN_VARIABLE} is not set: mark the test `postgres`, or set it")
    try:
        import psycopg  # noqa: F401
    except ImportError:  # pragma: no cover - the test extras install it
        pytest.fail("psycopg is missing: pip install 'alignkit[postgres]'")
    return dsn


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A DSN whose tables live in a new, empty schema, dropped afterwards."""
    import psycopg

    dsn = server_dsn()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in dsn else "?"
    try:
        yield f"{dsn}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def truncate(dsn: str) -> None:
    """Empty the store's tables in the database of ``dsn`` (between hypothesis examples)."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('alignkit_events')").fetchone() != (None,):
            conn.execute("TRUNCATE alignkit_events, alignkit_decision_texts")


class Pool:
    """What ``psycopg_pool.ConnectionPool`` offers a store: ``connection()`` lends one.

    Each call opens a new connection (at ``isolation``, if given) and counts it.
    """

    def __init__(self, dsn: str, *, isolation: Any = None) -> None:
        self.dsn = dsn
        self.isolation = isolation
        self.lent = 0

    def connection(self) -> Any:
        import psycopg

        self.lent += 1
        conn = psycopg.connect(self.dsn)
        if self.isolation is not None:
            conn.isolation_level = self.isolation
        return conn
