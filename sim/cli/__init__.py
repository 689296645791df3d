"""The ``groupsim`` command line: the one composition root (nothing imports it)."""

from __future__ import annotations


def main() -> None:
    """Console entry point (``groupsim``)."""
    from sim.cli.app import main as _main

    _main()


__all__ = ["main"]
