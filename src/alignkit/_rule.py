"""A diagnostic code and its documentation: what every area's rules are made of.

Each area defines its rules as constants beside the checks that raise them; the
catalogue (:data:`alignkit.rules.RULES`) is assembled from the areas.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import final

import attrs

from alignkit.diagnostics import DOCS_URL, Diagnostic, Location, PathPart, Severity

__all__ = ["ORG_HEAD", "SALES_OPS", "Rule"]


@final
@attrs.frozen
class Rule:
    """One diagnostic code and its documentation.

    Attributes:
        code: Area prefix and three digits (``"ORG001"``).
        name: The problem in kebab case (``"unknown-manager"``); reads as
            "allow unknown-manager" in an ignore.
        severity: The severity the code is reported with.
        summary: One line: what is wrong.
        what: *What it does*.
        why: *Why is this bad?*
        example: An alignment file that is flagged with this code.
        use_instead: The same file, fixed: not flagged with this code.
        fix: The default ``help:`` line.
        options: Parameters that tune the rule, if any.
        removed: True for a retired code (kept so its meaning is never reused).
        target: What the ``target:`` of an ``ignore:`` entry names for this code, the
            same value a finding's ``target`` holds (``"the function's name"``).
            Empty for a code that cannot be ignored: ``ignore:`` never silences a
            finding about the alignment file itself (``AK`` codes).

    >>> from alignkit.rules import get_rule
    >>> get_rule("ORG006").target
    "the function's name"

    Added in 0.1.
    """

    code: str
    name: str
    severity: Severity
    summary: str
    what: str
    why: str
    example: str
    use_instead: str
    fix: str
    options: str = ""
    removed: bool = False
    target: str = attrs.field(default="", kw_only=True)

    @property
    def url(self) -> str:
        """The code's documentation page."""
        return f"{DOCS_URL}/rules/{self.code}/"

    def _ignore_line(self) -> str:
        """One line: the ``ignore:`` entry that silences this code, or why none can."""
        if not self.target:
            return (
                "Cannot be ignored: `ignore:` never silences a finding about the "
                "alignment file itself."
            )
        return f"Ignore with: `{{code: {self.code}, target: <{self.target}>}}`"

    def diagnostic(
        self,
        message: str,
        *,
        path: Sequence[PathPart] = (),
        location: Location | None = None,
        target: str | None = None,
        hint: str | None = None,
    ) -> Diagnostic:
        """A finding of this rule, with its severity and default hint."""
        return Diagnostic(
            self.code,
            self.severity,
            message,
            location=location if location is not None else Location(path=tuple(path)),
            hint=hint or self.fix,
            target=target,
            name=self.name,
        )

    def _options_text(self, settings: Sequence[str]) -> str:
        parts = [self.options] if self.options else []
        if settings:
            parts.append("Set in the alignment file:\n\n" + "\n".join(f"- {s}" for s in settings))
        return "\n\n".join(parts) or "None."

    def to_markdown(self, *, settings: Sequence[str] = ()) -> str:
        """The rule's documentation page, in Markdown.

        Args:
            settings: The ``lint:`` options that tune it, one line each
                (:func:`alignkit.rules.settings_of` lists them).
        """
        parts = [
            f"# {self.code} {self.name}",
            "",
            f"Severity: **{self.severity.value}**." + (" *Removed.*" if self.removed else ""),
            "",
            self.summary,
            "",
            self._ignore_line(),
            "",
            "## What it does",
            "",
            self.what,
            "",
            "## Why is this bad?",
            "",
            self.why,
            "",
            "## Example",
            "",
            "```yaml",
            self.example.rstrip(),
            "```",
            "",
            "## Use instead",
            "",
            "```yaml",
            self.use_instead.rstrip(),
            "```",
            "",
            "## Options",
            "",
            self._options_text(settings),
            "",
        ]
        return "\n".join(parts)

    def to_text(self, *, settings: Sequence[str] = ()) -> str:
        """The rule's documentation for a terminal (``settings`` as for :meth:`to_markdown`)."""
        return "\n".join(
            [
                f"{self.code} {self.name} ({self.severity.value})",
                "",
                self.summary,
                "",
                self._ignore_line(),
                "",
                "What it does:",
                _indent(self.what),
                "",
                "Why is this bad?",
                _indent(self.why),
                "",
                "Example:",
                _indent(self.example.rstrip()),
                "",
                "Use instead:",
                _indent(self.use_instead.rstrip()),
                "",
                "Options:",
                _indent(self._options_text(settings)),
                "",
                f"Docs: {self.url}",
            ]
        )


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


# Example files the rules of several areas start from.

ORG_HEAD = """\
version: 1
org:
  functions:
    - {name: Executive, head: ceo}
    - {name: Sales, head: vp-sales}
  people:
    - {id: ceo, name: Dana Reyes, function: Executive}
"""

SALES_OPS = """\
version: 1
org:
  functions:
    - {name: Sales, head: vp-sales}
    - {name: Operations, head: vp-ops}
  people:
    - {id: vp-sales, name: Sam Okafor, function: Sales}
    - {id: vp-ops, name: Priya Nair, function: Operations}
"""
