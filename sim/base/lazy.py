"""A module imported on first use: heavy libraries stay off the paths that do not need them.

``scipy.stats`` alone takes about a second to import, ``scipy.special`` half of
that. A run needs neither unless a scenario uses a truncated normal or a
summary needs an interval, and ``groupsim --help`` needs neither at all, so
the modules that use them hold a :class:`LazyModule` instead of the module.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for the module ``name``, importing it at the first attribute read.

    Args:
        name: The module's dotted name (``"scipy.stats"``).
    """

    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)

    @property
    def loaded(self) -> bool:
        """Whether the module has been imported through this stand-in."""
        return self._module is not None

    def __repr__(self) -> str:
        return f"LazyModule({self._name!r}, loaded={self.loaded})"


__all__ = ["LazyModule"]
