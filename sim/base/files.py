"""Files a run writes: atomic replacement, and the package versions a manifest records.

Every result file goes through :func:`atomic_write`, so a reader never sees
half a file.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import platform
from collections.abc import Callable
from pathlib import Path

_VERSIONED = ("groupsim", "simpy", "numpy", "networkx", "pydantic", "pyarrow", "scipy")


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(tmp)`` and move it into place: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


__all__ = ["atomic_write", "package_versions"]
