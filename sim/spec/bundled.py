"""The scenarios that ship with groupsim, found by name: ``groupsim run new_customer_well_run``.

The bundled files live in the top-level ``scenarios/`` folder of the source
tree, which is installed as the package ``scenarios`` (package data: see
``pyproject.toml``). They are found through :mod:`importlib.resources`, so a
name resolves the same way in a checkout, an editable install and a wheel
installed anywhere. A path always wins over a name: ``groupsim run x`` runs the
file ``x`` when there is one.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from rules import InputError
from rules.ruleset import bundled_package_root

PACKAGE = "scenarios"
SUFFIXES = (".yaml", ".yml")


def bundled_root() -> Path:
    """The folder of the installed bundled scenarios (``scenarios/`` in a checkout)."""
    return bundled_package_root()


def bundled_scenario_names() -> list[str]:
    """The names of the bundled scenarios (file stems of ``scenarios/*.yaml``), sorted."""
    root = bundled_root()
    return sorted(p.stem for suffix in SUFFIXES for p in root.glob(f"*{suffix}") if p.is_file())


def bundled_scenario(name: str) -> Path | None:
    """The bundled scenario file called ``name`` (no folder, no ``.yaml``), or None."""
    if not name or Path(name).name != name or name.startswith("."):
        return None
    for suffix in SUFFIXES:
        candidate = bundled_root() / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def _is_name(text: str) -> bool:
    """Whether ``text`` reads as a bundled name (no folder, no file suffix) rather than a path."""
    path = Path(text)
    return bool(text) and path.name == text and path.suffix == "" and not text.startswith(".")


def locate_scenario(text: str) -> Path:
    """The scenario file for ``text``: a path when it names a file, else a bundled scenario by name.

    Args:
        text: A path to a scenario file, or the name of a bundled scenario
            (``new_customer_well_run``).

    Returns:
        The path to load. A path that names no file is returned as given, so the
        loader reports ``file not found`` with it.

    Raises:
        InputError: ``text`` is a name, names no file, and no bundled scenario
            has it; the message suggests the closest names and lists them all.
    """
    path = Path(text)
    if path.exists() or not _is_name(text):
        return path
    found = bundled_scenario(text)
    if found is not None:
        return found
    names = bundled_scenario_names()
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else "."
    message = f"no such file, and no bundled scenario named {text!r}{hint} Bundled: {', '.join(names)}"
    raise InputError.single(text, None, "", message)


__all__ = ["bundled_root", "bundled_scenario", "bundled_scenario_names", "locate_scenario"]
