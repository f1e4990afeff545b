"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


VENV = "python3 -m venv .venv && . .venv/bin/activate"


def bash_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, re.DOTALL)]


def test_exactly_two_single_line_setup_commands():
    """One command runs the main job, one runs the whole suite."""
    blocks = bash_blocks()
    assert len(blocks) == 2
    assert all("\n" not in b for b in blocks)
    run, test = blocks
    assert run.startswith("pip install . && ")
    assert run.endswith("alignkit check examples/acme/alignment.yaml")
    assert test.startswith("pip install -e '.[test]' && ")
    for gate in (
        "ruff check",
        "ruff format --check",
        "mypy --strict src",
        "pytest",
        "mkdocs build",
    ):
        assert gate in test


def test_ci_runs_the_readme_test_command_verbatim():
    """.ci/run calls exactly the README's test command."""
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert bash_blocks()[1] in ci_lines


def test_virtual_environment_comes_before_the_first_command():
    """A fresh machine's system Python refuses `pip install`: the README says what to do first."""
    text = (ROOT / "README.md").read_text()
    first_command = text.index("```bash\n")
    venv = text.find(f"```console\n$ {VENV}\n```")
    assert 0 <= venv < first_command
