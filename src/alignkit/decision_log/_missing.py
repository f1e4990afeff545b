"""What blocks a decision: the input still missing from each party.

:class:`~alignkit.errors.DecisionBlocked` carries these; it lives in
:mod:`alignkit.errors` beside ``GateBlocked``, which types them through the
:class:`~alignkit.errors.MissingParty` protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, final

import attrs

__all__ = ["MissingInput", "Need"]

Need = Literal["consultation", "agreement"]

_NEEDS: Final = ("consultation", "agreement")


@final
@attrs.frozen
class MissingInput:
    """A party the decision still has to hear from, or whose sign-off it lacks.

    Attributes:
        party: The party the decision rights name (a person id, a function or a team).
        need: ``"consultation"``: nobody has spoken for the party yet;
            ``"agreement"``: the party must sign off (it holds the agree role) and
            has not, or has vetoed.
        vetoed_by: Who vetoed for the party (``agrees=False``), if anyone did and no
            later agreement lifted it.
        voices: Who may speak for the party: the person; a function's head, or a
            member consulting on its behalf; a team's leader.

    >>> print(MissingInput("IT", "agreement", vetoed_by="cio", voices=("cio",)))
    IT vetoed (by cio)

    Added in 0.2.
    """

    party: str
    need: Need
    vetoed_by: str | None = None
    voices: tuple[str, ...] = ()

    @property
    def vetoed(self) -> bool:
        """True when the party said no (``agrees=False``) and has not changed its mind."""
        return self.vetoed_by is not None

    def __str__(self) -> str:
        if self.vetoed_by is not None:
            return f"{self.party} vetoed (by {self.vetoed_by})"
        if self.need == "agreement":
            return f"{self.party} has not agreed"
        return f"{self.party} was not consulted"

    def to_data(self) -> dict[str, Any]:
        """As stored in a ``decided`` event."""
        data: dict[str, Any] = {"party": self.party, "need": self.need}
        if self.vetoed_by is not None:
            data["vetoed_by"] = self.vetoed_by
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> MissingInput:
        """Read what :meth:`to_data` wrote (a need it does not know reads as a consultation)."""
        need: Need = "agreement" if data.get("need") == "agreement" else "consultation"
        vetoed_by = data.get("vetoed_by")
        return cls(str(data.get("party", "")), need, str(vetoed_by) if vetoed_by else None)
