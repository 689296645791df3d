"""``groupsim import``: a real chat export in, a normalised, pseudonymous Parquet event log out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def import_command(
    log: Annotated[Path, typer.Argument(help="A chat export: Telegram result.json, WhatsApp _chat.txt, "
                                             "DiscordChatExporter JSON, or a CSV / JSON Lines log.", show_default=False)],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="telegram, whatsapp, discord, csv or jsonl "
                                                                   "(default: detected).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Result folder (default: imported/<file name>).")] = None,
    mapping: Annotated[str | None, typer.Option("--map", help="CSV columns of each field, e.g. "
                                                              "time=Date,sender=From,text=Body (WeChat/WeCom tools).")] = None,
    keep_text: Annotated[bool, typer.Option("--keep-text", help="Also write the (masked) message text.")] = False,
    lenient: Annotated[bool, typer.Option("--lenient", help="Import what can be read of a damaged file.")] = False,
    salt_file: Annotated[Path | None, typer.Option("--salt-file", help="The secret that salts sender hashes "
                                                                       "(default: ~/.config/groupsim/import.salt).")] = None,
) -> None:
    """Import a chat export as a normalised event log (events.parquet) and a report (import.json).

    Senders become salted hashes and text is not written unless --keep-text
    is given (then phone numbers, e-mails, WeChat ids and @-handles are masked).

    Example:

        groupsim import result.json --out imported/my_group
    """
    from rich.markup import escape
    from rich.table import Table

    from sim.base.chatlog import ImportFailure, import_log
    from sim.base.chatlog.events import shown
    from sim.base.chatlog.tabular import parse_mapping
    from sim.cli.console import err_console, fail, out_console

    try:
        columns = parse_mapping(mapping)
    except ValueError as exc:
        raise fail(str(exc)) from None
    target = out or Path("imported") / log.stem
    try:
        report = import_log(log, target, fmt, mapping=columns, keep_text=keep_text, lenient=lenient, salt_file=salt_file)
    except ImportFailure as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"{log}: {exc.strerror or exc}") from None
    table = Table(title=f"{escape(shown(log.name, 200))} ({report['format']})", title_justify="left")
    table.add_column("event")
    table.add_column("count", justify="right")
    for event, n in report["by_event"].items():
        table.add_row(event, f"{n:,}")
    table.add_row("senders (hashed)", f"{report['senders']:,}", end_section=True)
    out_console.print(table)
    for kind, w in report["warnings"].items():
        lines = ", ".join(map(str, w["first_lines"]))
        err_console.print(f"warning: {kind}: {w['count']} (first lines {lines})", markup=False, highlight=False)
    out_console.print(f"text: {report['kept']['text']}", markup=False, highlight=False)
    out_console.print(f"results: {target}/ (events.parquet, import.json)", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``import`` to the ``groupsim`` command."""
    app.command("import")(import_command)


__all__ = ["import_command", "register"]
