"""A results folder written as a whole, or not at all.

``groupsim run --out DIR`` checks DIR before any work starts
(:func:`check_target`): it must be a folder or not exist yet, must be
creatable and writable, and, when it already holds files, must be a groupsim
results folder (its ``manifest.json`` names groupsim's version) unless the
user passes ``--force``. The results are then written into a staging folder
beside DIR, and :func:`replace_folder` swaps it into place with renames, so a
reader (or a killed run) sees either the old complete result set or the new
one, never a mix. The one moment with neither at DIR (between the two renames)
is repaired by the next run, which puts the old set back before it starts;
that run also clears any staging debris a killed run left.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGING = ".{name}.staging-"
RETIRED = ".{name}.old-"


class ResultsFolderError(ValueError):
    """DIR cannot take a result set; the message says why and what to do."""


def is_results_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a groupsim result set: a ``manifest.json`` that records groupsim's version."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    versions = manifest.get("versions") if isinstance(manifest, dict) else None
    return isinstance(versions, dict) and "groupsim" in versions


def _siblings(out: Path, pattern: str) -> list[Path]:
    prefix = pattern.format(name=out.name)
    parent = out.parent
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.iterdir() if p.name.startswith(prefix))


def recover(out: Path) -> None:
    """Undo what a killed swap left: put a retired result set back if DIR is gone, and delete staging debris."""
    out = Path(os.path.abspath(out))
    retired = _siblings(out, RETIRED)
    if retired and not out.exists():
        os.replace(retired[-1], out)
        retired = retired[:-1]
    for debris in (*retired, *_siblings(out, STAGING)):
        shutil.rmtree(debris, ignore_errors=True)


def check_target(out: Path, *, force: bool = False, flag: str = "--out") -> None:
    """Refuse ``out`` before any work starts unless a result set can be written there.

    Args:
        out: The results folder the user asked for.
        force: Replace a non-empty folder that is not a groupsim results folder.
        flag: The option's name, for the messages.

    Raises:
        ResultsFolderError: ``out`` is a file, cannot be created or written,
            or holds other files (without ``force``), or is the current folder or one above it.
    """
    out = Path(os.path.abspath(out))
    cwd = Path.cwd()
    if cwd == out or out in cwd.parents:
        raise ResultsFolderError(f"{flag} {out}: is the current folder or holds it; give a folder inside it")
    recover(out)
    if out.exists() and not out.is_dir():
        raise ResultsFolderError(f"{flag} {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not is_results_folder(out) and not force:
        raise ResultsFolderError(
            f"{flag} {out}: the folder holds files but is not a groupsim results folder (no groupsim manifest.json); "
            "choose another folder, or add --force to replace everything in it"
        )
    ancestor = out.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ResultsFolderError(f"{flag} {out}: {ancestor} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ResultsFolderError(f"{flag} {out}: cannot write in {ancestor}")


@contextmanager
def replace_folder(out: Path) -> Iterator[Path]:
    """A staging folder beside ``out`` to write into; on success it replaces ``out`` as a whole.

    If the body raises, the staging folder is deleted and ``out`` is left as it was.

    Args:
        out: The folder to replace (it need not exist).

    Yields:
        The empty staging folder.
    """
    out = Path(os.path.abspath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging = out.parent / (STAGING.format(name=out.name) + tag)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = out.parent / (RETIRED.format(name=out.name) + tag)
    if out.exists():
        os.replace(out, retired)
    os.replace(staging, out)
    shutil.rmtree(retired, ignore_errors=True)


__all__ = ["ResultsFolderError", "check_target", "is_results_folder", "recover", "replace_folder"]
