"""The shared language: a ratified glossary, translation champions, and an ELI5 check.

Silos grow their own words. A :class:`Glossary` holds one definition per
:class:`Term`, owned by one function and ratified by every function; translation
champions (in the alignment file) are the people two functions both trust to
translate between them; and :meth:`Glossary.check_text` reads an update meant for
other functions the way a prose linter would, flagging acronyms and jargon nobody
spelled out, deprecated terms, long sentences and hard paragraphs.

>>> from alignkit.glossary import Glossary, Term
>>> glossary = Glossary([Term("ARR", "Yearly value of active subscriptions", "Finance")])
>>> [f.code for f in glossary.check_text("ARR grew 4% in Q3.")]
['GL101']

Added in 0.2.
"""

from __future__ import annotations

from alignkit._exports import publish
from alignkit.glossary._model import Glossary, Term
from alignkit.glossary._section import ChampionSpec, GlossaryLint, GlossarySection, TermSpec
from alignkit.glossary._text import DEFAULT_JARGON, TextFinding

__all__ = [
    "DEFAULT_JARGON",
    "ChampionSpec",
    "Glossary",
    "GlossaryLint",
    "GlossarySection",
    "Term",
    "TermSpec",
    "TextFinding",
]

publish(globals(), [n for n in __all__ if n != "DEFAULT_JARGON"])
