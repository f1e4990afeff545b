"""Griffe extension: make docstrings written for ``help()`` and doctest read well as Markdown.

- A ``>>>`` example in a docstring's text becomes a ``pycon`` code block; in Markdown, the
  ``>>>`` prompt would otherwise start a quote three levels deep. ``<BLANKLINE>`` markers
  show as the blank lines they stand for.
- A Sphinx role such as ``:class:`~alignkit.org.Org``` becomes a link to the object's
  reference entry, or inline code where the object is not in the reference.

- The ``Args:`` of an attrs class are shown as its ``Attributes:``: attrs writes
  ``__init__`` at run time, where griffe, reading the source, cannot see it, but the
  fields (with their types) are the class's attributes.

Examples inside a Google-style ``Examples:`` section are left to griffe, which already
renders them as code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|meth|func|attr|mod|obj|exc|data|const):`(~?)([\w.]+)`")
_ARGS = re.compile(r"^(?:Args|Arguments|Parameters):$", re.MULTILINE)
_FENCE = "```"


def _walk(obj: griffe.Object) -> Iterator[griffe.Object]:
    """``obj`` and every member defined under it (imports are skipped)."""
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _walk(member)


def _fence_examples(text: str) -> str:
    """Wrap each run of unindented doctest lines in a ``pycon`` code block."""
    out: list[str] = []
    in_fence = False
    in_example = False
    for line in text.splitlines():
        if in_example and not line.strip():
            out.append(_FENCE)
            in_example = False
        if line.startswith(_FENCE) and not in_example:
            in_fence = not in_fence
        elif line.startswith(">>>") and not in_fence and not in_example:
            out.append(f"{_FENCE}pycon")
            in_example = True
        out.append("" if in_example and line == "<BLANKLINE>" else line)
    if in_example:
        out.append(_FENCE)
    return "\n".join(out)


def _is_attrs_class(obj: griffe.Object) -> bool:
    """An attrs class whose ``__init__`` is generated (so griffe has no signature)."""
    if not obj.is_class or "__init__" in obj.members:
        return False
    return any(str(d.value).split("(")[0].startswith(("attrs.", "attr.")) for d in obj.decorators)


class DocstringMarkdown(griffe.Extension):
    """Rewrite every docstring of the package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:  # noqa: ARG002
        """Rewrite the docstrings of ``pkg`` and all it defines."""
        for obj in _walk(pkg):
            if obj.docstring is None:
                continue
            text = obj.docstring.value
            if _is_attrs_class(obj):
                text = _ARGS.sub("Attributes:", text)
            obj.docstring.value = self._rewrite(text, obj, pkg)

    def _rewrite(self, text: str, obj: griffe.Object, pkg: griffe.Module) -> str:
        return _ROLE.sub(lambda m: self._link(m, obj, pkg), _fence_examples(text))

    @staticmethod
    def _link(match: re.Match[str], obj: griffe.Object, pkg: griffe.Module) -> str:
        short, target = match.group(1) == "~", match.group(2)
        label = f"`{target.rsplit('.', 1)[-1] if short else target}`"
        scopes = [obj.path] if obj.is_class else []
        scopes += [p.path for p in (obj.parent,) if p is not None and p.is_class]
        scopes += [obj.module.path, ""]
        for scope in scopes:
            path = f"{scope}.{target}" if scope else target
            if not path.startswith(f"{pkg.path}."):
                continue
            relative = path.removeprefix(f"{pkg.path}.")
            if any(part.startswith("_") for part in relative.split(".")):
                continue
            try:
                pkg[relative]
            except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
                continue
            return f"[{label}][{path}]"
        return label
