"""The consoles every command prints to, user-facing errors, and the progress bar for long work.

Rich is imported when something is first printed, not at start-up: ``groupsim
--help`` (printed by typer) never loads ``rich.console`` or ``rich.progress``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from rules import InputError


class _LazyConsole:
    """A :class:`rich.console.Console` made at its first use (every attribute is the console's)."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        console = self.__dict__.get("_console")
        if console is None:
            from rich.console import Console

            console = self._console = Console(stderr=self._stderr)
        return getattr(console, name)

    def __enter__(self) -> Console:
        return real(self).__enter__()

    def __exit__(self, *exc: object) -> None:
        real(self).__exit__(*exc)  # type: ignore[arg-type]


def real(console: Any) -> Console:
    """The rich Console behind ``console`` (made now if it was not yet)."""
    if isinstance(console, _LazyConsole):
        console.is_terminal  # noqa: B018 - any attribute makes it
        return console._console  # type: ignore[return-value]
    return console  # type: ignore[no-any-return]


out_console: Console = _LazyConsole(stderr=False)  # type: ignore[assignment]
err_console: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]


def fail(error: InputError | str, code: int = 2) -> typer.Exit:
    """Print a user-facing error (no traceback) and return the Exit to raise.

    The text is data: Rich markup in it (a file or scenario name with ``[/]``) is printed as written.
    """
    from rich.markup import escape

    text = error if isinstance(error, str) else error.render()
    err_console.print(f"[bold red]error:[/] {escape(text)}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code)


def progress(quiet: bool) -> Progress:
    """A progress bar on stderr (hidden with ``quiet``); task descriptions are printed without markup."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=real(err_console),
        disable=quiet,
        transient=False,
    )



__all__ = ["err_console", "fail", "out_console", "progress", "real"]
