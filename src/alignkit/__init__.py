"""alignkit: cross-functional alignment as code.

Typed primitives for decision rights, handoff quality gates, team sizing, blended
bonus plans and more, plus a linter for ``alignment.yaml``.
Import each area from its module (``from alignkit.org import Org``); this package
keeps only what every area shares, so ``import alignkit`` stays fast.

>>> import alignkit
>>> alignkit.__version__ == alignkit._version.__version__
True

Added in 0.1.
"""

from alignkit._version import __version__
from alignkit.diagnostics import Diagnostic, Location, Report, Severity
from alignkit.errors import (
    AlignkitError,
    GateBlocked,
    PermissionDenied,
    Problem,
    SpecError,
    StoreError,
    TransitionError,
    UnknownNameError,
)

__all__ = [
    # errors
    "AlignkitError",
    # diagnostics
    "Diagnostic",
    "GateBlocked",
    "Location",
    "PermissionDenied",
    "Problem",
    "Report",
    "Severity",
    "SpecError",
    "StoreError",
    "TransitionError",
    "UnknownNameError",
    # the release
    "__version__",
]
