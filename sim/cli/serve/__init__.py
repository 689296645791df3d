"""``groupsim serve``: a local web app to edit, run and compare group designs (see :mod:`sim.cli.serve.app`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def serve(
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="Folder for uploads, edited designs and results.")] = Path("groupsim-workspace"),
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="Port on 127.0.0.1.")] = 8765,
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1, help="Worker processes per comparison (default: all cores; 1 runs in the job thread).")] = None,
) -> None:
    """Serve the strategist's web app on 127.0.0.1 (no internet needed): pick or upload a design, edit, run, compare.

    Example:

        groupsim serve --workspace ~/groupsim-work
    """
    try:
        import uvicorn

        from sim.cli.serve.app import make_app
    except ImportError as exc:
        from sim.cli.console import fail

        raise fail(f"groupsim serve needs the serve extra: pip install 'groupsim[serve]' ({exc.name} is missing)") from None
    from sim.cli.console import out_console

    out_console.print(f"groupsim serve: http://127.0.0.1:{port}/  (workspace {workspace.resolve()})", markup=False, highlight=False)
    uvicorn.run(make_app(workspace, workers), host="127.0.0.1", port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``groupsim`` command."""
    app.command("serve")(serve)


__all__ = ["register", "serve"]
