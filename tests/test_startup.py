"""Starting the command and importing the package load only what they need.

Each test runs a fresh interpreter with ``-X importtime``, which names every module
the run imports, and checks which of them were loaded; these are tests of what is
imported, never of how long it takes.
"""

from __future__ import annotations

import functools
import subprocess
import sys

import pytest

import alignkit

AREAS = (
    "alignkit.org",
    "alignkit.decision_rights",
    "alignkit.handoff",
    "alignkit.squads",
    "alignkit.bonus",
    "alignkit.incentives",
    "alignkit.review",
)
# The libraries the areas are built on: the command's start-up needs none of them.
LIBRARIES = ("pydantic", "pydantic_core", "yaml", "attr", "attrs")


def run(*args: str) -> tuple[list[str], str]:
    """Every module ``python -X importtime ARGS`` imports, in order, and what it prints."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    names = [
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    ]
    return names[1:], result.stdout  # the first line is the header


@functools.cache
def at_start() -> frozenset[str]:
    """What the interpreter imports for ``pass``: site, and any start-up hook (coverage)."""
    return frozenset(run("-c", "pass")[0])


def imported(*args: str) -> tuple[list[str], str]:
    """The modules ``python ARGS`` imports beyond a bare interpreter's, and what it prints."""
    names, out = run(*args)
    return [n for n in names if n not in at_start()], out


def under(names: list[str], roots: tuple[str, ...]) -> list[str]:
    """The names in ``names`` that are ``roots`` or inside one of them."""
    return [n for n in names if any(n == r or n.startswith(f"{r}.") for r in roots)]


class TestCommandStartUp:
    def test_version_loads_no_library_and_no_area(self):
        """`alignkit --version` loads click and the command, not pydantic, PyYAML or an area."""
        names, out = imported("-m", "alignkit", "--version")
        assert out == f"alignkit, version {alignkit.__version__}\n"
        assert under(names, LIBRARIES) == []
        assert sorted(under(names, ("alignkit",))) == [
            "alignkit",
            "alignkit._limits",
            "alignkit._version",
            "alignkit.cli",
        ]


class TestImportPackage:
    def test_import_alignkit_loads_only_the_version(self):
        """`import alignkit` loads its version and nothing else, not even the typing module."""
        names, _ = imported("-c", "import alignkit")
        assert names == ["alignkit._version", "alignkit"]

    def test_root_exports_load_errors_and_diagnostics_only(self):
        """Using an error from the package root loads its module, still no pydantic or area."""
        names, out = imported("-c", "import alignkit; print(alignkit.SpecError.__module__)")
        assert out == "alignkit.errors\n"
        assert {"alignkit.errors", "alignkit.diagnostics"} <= set(names)
        assert under(names, ("pydantic", "pydantic_core", "yaml", "click", *AREAS)) == []

    def test_root_exports_are_the_modules_own(self):
        """Each name the root exports is the object of the module that defines it."""
        from alignkit import diagnostics, errors

        for name in alignkit.__all__:
            home = diagnostics if hasattr(diagnostics, name) else errors
            expected = (
                alignkit._version.__version__ if name == "__version__" else getattr(home, name)
            )
            assert getattr(alignkit, name) is expected
        assert set(alignkit.__all__) <= set(dir(alignkit))

    def test_unknown_root_attribute_is_an_attribute_error(self):
        """A name the root does not export is an AttributeError, as for any module."""
        with pytest.raises(AttributeError, match=r"^module 'alignkit' has no attribute 'Nope'$"):
            alignkit.Nope  # noqa: B018 - the lookup is the test


class TestImportAreas:
    def test_areas_build_no_validator_and_load_no_reader(self):
        """Importing every area defines models but builds no validator and loads no reader.

        A validator built at import time loads pydantic's plug-in machinery (and with it
        importlib.metadata and the email package); CSV, SQLite, YAML and the command
        line are loaded when a file or a store is first read, or a command runs.
        """
        code = "import " + ", ".join((*AREAS, "alignkit.alignment_file", "alignkit.store"))
        names, _ = imported("-c", code)
        heavy = (
            "pydantic.plugin._loader",
            "importlib.metadata",
            "email",
            "csv",
            "sqlite3",
            "yaml",
            "click",
        )
        assert under(names, heavy) == []
