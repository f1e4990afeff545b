"""What the whole suite shares: a PostgreSQL database, which tests need what, no deadlines.

Tests that need a PostgreSQL server are marked ``postgres`` (``postgres_files`` when
they also read the server's files), tests that drive a browser ``browser``. On a
machine without the server or the browser they are left out of the run (reported as
deselected), unless ``ALIGNKIT_REQUIRE_POSTGRES=1`` or ``ALIGNKIT_REQUIRE_BROWSER=1``
(as CI sets both), where a missing server or browser fails them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.postgres import fresh_database

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# No property test has a time limit: a first call that builds a cache, or a shared
# machine under load, made a correct example "too slow" (Hypothesis's default 200 ms
# deadline is a timing assertion, and the suite makes none). Loaded before any test
# module, so every @settings(...) inherits it.
settings.register_profile("alignkit", deadline=None)
settings.load_profile("alignkit")


@pytest.fixture
def dsn() -> Iterator[str]:
    """A DSN whose tables live in a new schema of the test server, dropped afterwards."""
    with fresh_database() as found:
        yield found


def _browser_here() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


def _missing() -> set[str]:
    """The markers whose server, files or browser this run has not got, nor requires."""
    missing = set()
    if os.environ.get("ALIGNKIT_REQUIRE_POSTGRES") != "1":
        if not os.environ.get("ALIGNKIT_PG_DSN"):
            missing |= {"postgres", "postgres_files"}
        elif not (os.environ.get("ALIGNKIT_PG_ADMIN_DSN") and os.environ.get("ALIGNKIT_PG_DATA")):
            missing.add("postgres_files")
    if os.environ.get("ALIGNKIT_REQUIRE_BROWSER") != "1" and not _browser_here():
        missing.add("browser")
    return missing


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = _missing()
    if not missing:
        return
    kept, left_out = [], []
    for item in items:
        needs = any(item.get_closest_marker(name) for name in missing)
        (left_out if needs else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
