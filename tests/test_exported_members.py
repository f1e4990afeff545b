"""Each module's __all__ lists exactly its public names."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import alignkit

PUBLIC_MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(alignkit.__path__, "alignkit.")
    if not info.name.rsplit(".", 1)[1].startswith("_")
)


def test_public_modules_are_the_documented_ones():
    """The foundation's public modules."""
    assert set(PUBLIC_MODULES) >= {
        "alignkit.alignment_file",
        "alignkit.cli",
        "alignkit.diagnostics",
        "alignkit.errors",
        "alignkit.org",
        "alignkit.rules",
    }


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_matches_public_definitions(name: str):
    """Everything defined publicly in a module is exported, and everything exported exists."""
    module = importlib.import_module(name)
    exported = set(module.__all__)
    assert len(module.__all__) == len(exported), "duplicates in __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.{attr} is exported but missing"
    defined = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == name
    }
    assert defined <= exported, f"public but not exported: {sorted(defined - exported)}"


def test_package_exports():
    """The package root re-exports errors and diagnostics only."""
    assert sorted(alignkit.__all__) == sorted(
        [
            "AlignkitError",
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
            "__version__",
        ]
    )
    for attr in alignkit.__all__:
        assert hasattr(alignkit, attr)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_exports_show_their_public_path(name: str):
    """A class or function a package re-exports from a private module says where to import it."""
    module = importlib.import_module(name)
    for attr in module.__all__:
        value = getattr(module, attr)
        if inspect.isclass(value) or inspect.isfunction(value):
            home = value.__module__
            assert home == name or not home.rsplit(".", 1)[-1].startswith("_"), (
                f"{name}.{attr} shows {home}"
            )
