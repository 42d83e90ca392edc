"""Packages whose names are imported from their module only when first asked for, so
that what needs only a feature's tables (the migrations, `recovery-bot privacy report`)
does not import the feature's dialogue and everything it uses (issue 13, fast start)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, module_of: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` (PEP 562) for `package`: a name in `module_of` is imported
    from that submodule the first time it is asked for, and kept in the package."""
    def __getattr__(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value
    return __getattr__
