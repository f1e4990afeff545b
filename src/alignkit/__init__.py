"""alignkit: cross-functional alignment as code.

Typed primitives for decision rights, handoff quality gates, team sizing, blended
bonus plans and more, plus a linter for ``alignment.yaml``.
Import each area from its module (``from alignkit.org import Org``); this package
keeps only what every area shares, so ``import alignkit`` stays fast.
The errors and diagnostics it re-exports are imported from :mod:`alignkit.errors` and
:mod:`alignkit.diagnostics` when first used: ``import alignkit`` (and so
``alignkit --version``) loads nothing but the version.

>>> import alignkit
>>> alignkit.__version__ == alignkit._version.__version__
True
>>> alignkit.SpecError is alignkit.errors.SpecError
True

Added in 0.1.
"""

from alignkit._version import __version__

# True for type checkers, as typing.TYPE_CHECKING is, without importing typing.
TYPE_CHECKING = False

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

if TYPE_CHECKING:
    from alignkit import diagnostics as diagnostics
    from alignkit import errors as errors
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
else:
    import sys as _sys

    # Where each name above lives; the module is imported on first use (PEP 562).
    _HOMES = {
        "Diagnostic": "diagnostics",
        "Location": "diagnostics",
        "Report": "diagnostics",
        "Severity": "diagnostics",
        "AlignkitError": "errors",
        "GateBlocked": "errors",
        "PermissionDenied": "errors",
        "Problem": "errors",
        "SpecError": "errors",
        "StoreError": "errors",
        "TransitionError": "errors",
        "UnknownNameError": "errors",
        # The modules themselves, as `import alignkit; alignkit.errors` always allowed.
        "diagnostics": "diagnostics",
        "errors": "errors",
    }

    def __getattr__(name: str) -> object:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        # An import statement's machinery, which `python -X importtime` reports
        # (importlib.import_module's is not).
        __import__(f"{__name__}.{home}")
        module = _sys.modules[f"{__name__}.{home}"]
        value = module if name == home else getattr(module, name)
        globals()[name] = value  # later lookups find it without calling this again
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_HOMES})
