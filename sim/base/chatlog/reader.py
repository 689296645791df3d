"""One way in for every chat export: detect the format, stream normalised events, write them as Parquet.

:func:`read_events` yields :class:`ChatEvent` rows from a Telegram, WhatsApp,
Discord, groupsim CSV/JSON Lines or mapped CSV file (``fmt`` names it, or it is
detected from the first bytes); senders are already pseudonyms. It checks what
every format shares: a 0-byte file is an error, times out of order or in the
future are warnings with their lines. :func:`import_log` writes the Parquet
event log in bounded batches with a JSON report of what was read and kept.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.base.chatlog import jsonexports, tabular, whatsapp
from sim.base.chatlog.events import SCHEMA, ChatEvent, ImportFailure, Warnings
from sim.base.chatlog.privacy import Pseudonyms, default_salt_file, load_salt, mask_text

FORMATS = ("telegram", "whatsapp", "discord", "csv", "jsonl")
"""What ``--format`` accepts (``csv`` with ``--map`` reads any CSV)."""

_BATCH = 50_000


def detect(path: Path) -> str:
    """The format of ``path`` from its first bytes (and its name for CSV)."""
    with path.open("rb") as f:
        head = f.read(4096)
    if not head.strip():
        raise ImportFailure(str(path), None, "the file is empty")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        if b'"guild"' in head[:400]:
            return "discord"
        first_line = stripped.split(b"\n", 1)[0].rstrip()
        if first_line.endswith(b"}") and not stripped.startswith(b'{"name"') and b'"messages": [' not in head[:400]:
            return "jsonl"  # a whole object on the first line, not a Telegram export written on one line
        return "telegram"
    if whatsapp.looks_like(head):
        return "whatsapp"
    if path.suffix.lower() in (".csv", ".tsv") or b"," in head.split(b"\n", 1)[0]:
        return "csv"
    raise ImportFailure(str(path), 1, f"cannot tell the format; name it with --format ({', '.join(FORMATS)})")


@dataclass
class ImportInfo:
    """What one read of a chat export found."""

    file: str
    format: str
    warnings: Warnings = field(default_factory=Warnings)
    counts: dict[str, int] = field(default_factory=dict)
    senders: set[str] = field(default_factory=set)
    first: float = float("inf")
    last: float = float("-inf")


def read_events(path: str | Path, fmt: str | None = None, *, mapping: dict[str, str] | None = None,
                lenient: bool = False, salt_file: Path | None = None, now: float | None = None,
                info: ImportInfo | None = None) -> Iterator[ChatEvent]:
    """Stream the normalised events of a chat export (see the module docstring)."""
    p = Path(path)
    if not p.exists():
        raise ImportFailure(str(p), None, "no such file")
    if p.stat().st_size == 0:
        raise ImportFailure(str(p), None, "the file is empty (0 bytes)")
    if fmt is not None and fmt not in FORMATS:
        raise ImportFailure(str(p), None, f"unknown --format {fmt!r}; formats: {', '.join(FORMATS)}")
    fmt = fmt or detect(p)
    info = info if info is not None else ImportInfo(str(p), fmt)
    info.format = fmt
    names = Pseudonyms(load_salt(salt_file))
    warnings = info.warnings
    now = time.time() if now is None else now
    parsers: dict[str, Callable[..., Iterator[ChatEvent]]] = {
        "telegram": jsonexports.parse_telegram, "discord": jsonexports.parse_discord, "whatsapp": whatsapp.parse,
        "csv": tabular.parse, "jsonl": lambda *a, **k: tabular.parse(*a, jsonl=True, **k),
    }
    extra: dict[str, Any] = {"mapping": mapping} if fmt == "csv" else {}
    latest = float("-inf")
    with p.open("rb") as stream:
        try:
            for event in parsers[fmt](stream, str(p), names, lenient=lenient, warnings=warnings, **extra):
                if event.time < latest:
                    warnings.add("events earlier than the one before (out of order)", event.line)
                latest = max(latest, event.time)
                if event.time > now + 86_400:
                    warnings.add("events in the future", event.line)
                info.counts[event.event] = info.counts.get(event.event, 0) + 1
                if event.sender:
                    info.senders.add(event.sender)
                info.first, info.last = min(info.first, event.time), max(info.last, event.time)
                yield event
        except ImportFailure:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # a shape no parser expected
            raise ImportFailure(str(p), None, f"cannot read this file as {fmt}: {type(exc).__name__}: {exc}") from None


def import_log(path: str | Path, out: Path, fmt: str | None = None, *, mapping: dict[str, str] | None = None,
               keep_text: bool = False, lenient: bool = False, salt_file: Path | None = None) -> dict[str, Any]:
    """Write ``out/events.parquet`` and ``out/import.json`` for a chat export; returns the report."""
    info = ImportInfo(str(path), fmt or "")
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / ".events.parquet.tmp"
    writer = pq.ParquetWriter(tmp, SCHEMA)
    rows: list[dict[str, object]] = []
    try:
        for event in read_events(path, fmt, mapping=mapping, lenient=lenient, salt_file=salt_file, info=info):
            if keep_text:
                event.text = mask_text(event.text)
            rows.append(event.row(keep_text))
            if len(rows) >= _BATCH:
                writer.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))
                rows.clear()
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))
        writer.close()
        tmp.replace(out / "events.parquet")
    finally:
        if tmp.exists():
            writer.close()
            tmp.unlink()
    report = {
        "file": str(path), "format": info.format, "events": sum(info.counts.values()), "by_event": dict(sorted(info.counts.items())),
        "senders": len(info.senders),
        "first_time": info.first if info.counts else None, "last_time": info.last if info.counts else None,
        "warnings": info.warnings.as_dict(),
        "kept": {
            "senders": "salted hashes (m_ + 12 hex digits); names are not kept",
            "text": "masked text (phone numbers, e-mails, WeChat ids and @-handles replaced)" if keep_text
            else "not kept (use --keep-text to keep masked text)",
            "salt_file": str(salt_file or default_salt_file()),
        },
    }
    (out / "import.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


__all__ = ["FORMATS", "ImportInfo", "detect", "import_log", "read_events"]
