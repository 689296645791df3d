"""The consoles every command prints to, user-facing errors, and the progress bar for long work."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

if TYPE_CHECKING:
    from rules import InputError

out_console = Console()
err_console = Console(stderr=True)


def fail(error: InputError | str, code: int = 2) -> typer.Exit:
    """Print a user-facing error (no traceback) and return the Exit to raise.

    The text is data: Rich markup in it (a file or scenario name with ``[/]``) is printed as written.
    """
    text = error if isinstance(error, str) else error.render()
    err_console.print(f"[bold red]error:[/] {escape(text)}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code)


def progress(quiet: bool) -> Progress:
    """A progress bar on stderr (hidden with ``quiet``); task descriptions are printed without markup."""
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=err_console,
        disable=quiet,
        transient=False,
    )



__all__ = ["err_console", "fail", "out_console", "progress"]
