"""The table of ``groupsim`` commands that live in their own modules, loaded only when used.

``groupsim --help`` lists every command, but importing the module behind each
one would load matplotlib (report), pyarrow and the engine (experiments,
portfolio) before a single line is printed. So the command group below knows
each extension command by name and one-line help from :data:`EXTENSIONS`, and
imports its module (which adds its commands with ``register(app)``) only when
that command is run or asked for its own ``--help``. A test checks that the
table matches what each module registers.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# typer carries its own copy of click (no `click` dependency); these names are only for the annotations.
Command = Any
HelpFormatter = Any


@dataclass(frozen=True)
class Extension:
    """A module that adds commands to ``groupsim`` through ``register(app)``.

    Attributes:
        module: The module's dotted name.
        commands: Each command it registers, by name, with its one-line help
            (the first paragraph of the command's docstring).
    """

    module: str
    commands: dict[str, str]


EXTENSIONS: tuple[Extension, ...] = (
    Extension("sim.cli.experiments", {
        "compare": "Compare designs on common random numbers: paired differences with 95% intervals and tests.",
        "sweep": "Run a sweep file: every design point with common seeds; Sobol or Morris indices.",
        "optimize": "Search rule and design parameters with optuna (seeded TPE); one objective or a Pareto front.",
        "query": "Answer SQL over an experiment's results (DuckDB): tables `runs` and `days`; CSV export.",
    }),
    Extension("sim.cli.report", {
        "report": "Write report.html (self-contained), summary.md and figures (PNG, SVG) from result folders.",
    }),
    Extension("sim.cli.testing", {
        "init-tests": "Write an example test suite (invariants, survival, a property under spam) for your scenarios.",
    }),
    Extension("sim.cli.portfolio", {
        "portfolio": "Run a private-domain portfolio: how each group ended, and the portfolio's business results.",
    }),
    Extension("sim.cli.rules", {"rules": "Check and explain moderation rulesets."}),
    Extension("sim.cli.importer", {
        "import": "Import a chat export as a normalised event log (events.parquet) and a report (import.json).",
    }),
    Extension("sim.cli.calibrate", {
        "calibrate": "Fit a scenario to a chat log: join rate, posting-rate distribution, hourly profile, with 95% intervals.",
    }),
    Extension("sim.cli.serve", {
        "serve": "Serve the strategist's web app on 127.0.0.1 (no internet needed): pick or upload a design, edit, run, compare.",
    }),
)


def load_extension(extension: Extension) -> dict[str, Command]:
    """Import an extension module and return the click commands it registers, by name.

    Args:
        extension: The module to load.

    Returns:
        Its commands, built with the same settings as the main ``groupsim`` app.
    """
    module = importlib.import_module(extension.module)
    holder = typer.Typer(add_completion=False, rich_markup_mode=None)
    module.register(holder)
    return dict(typer.main.get_group(holder).commands)


class LazyGroup(TyperGroup):
    """A typer command group that imports each extension module on first use of one of its commands."""

    extensions: tuple[Extension, ...] = EXTENSIONS

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._owner = {name: ext for ext in self.extensions for name in ext.commands}
        self._listing = False

    def list_commands(self, ctx: typer.Context) -> list[str]:
        """The app's own commands, then the extension commands in table order."""
        own = [name for name in super().list_commands(ctx) if name not in self._owner]
        return own + [name for ext in self.extensions for name in ext.commands]

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Command | None:
        """The named command; an extension's module is imported here, except while listing help."""
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in self._owner:
            return command
        extension = self._owner[cmd_name]
        if self._listing:
            return TyperCommand(cmd_name, help=extension.commands[cmd_name])
        for name, loaded in load_extension(extension).items():
            self.add_command(loaded, name)
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        """The group's help, with extension commands described from the table (no import)."""
        with self._list_only():
            super().format_help(ctx, formatter)

    @contextmanager
    def _list_only(self) -> Iterator[None]:
        self._listing = True
        try:
            yield
        finally:
            self._listing = False


__all__ = ["EXTENSIONS", "Extension", "LazyGroup", "load_extension"]
