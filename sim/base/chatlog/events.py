"""The normalised chat event every importer yields, its Parquet schema, and an import's warnings.

Whatever the export (Telegram, WhatsApp, Discord, a CSV), an import is a stream
of :class:`ChatEvent` rows: time (the export's wall-clock time, seconds since
1970 as if it were UTC, so the group's own day and hour are kept), event
(``message``, ``join``, ``leave``, ``kick``, ``pin``, ``subject``, ``service``),
sender (a salted hash, never a name), role, form, text (masked; kept only when
asked), reply-to and forwarded-from.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import pyarrow as pa

EVENTS = ("message", "join", "leave", "kick", "pin", "subject", "service")
"""Normalised event names."""

FORMS = ("text", "link", "card", "mini_program", "image", "red_packet", "forward", "media")
"""Normalised message forms: rules' MessageForm values, plus ``media`` (voice, video, file, sticker)."""

SCHEMA = pa.schema([
    ("time", pa.float64()),
    ("event", pa.string()),
    ("id", pa.int64()),
    ("sender", pa.string()),
    ("role", pa.string()),
    ("form", pa.string()),
    ("media", pa.string()),
    ("has_link", pa.bool_()),
    ("text", pa.string()),
    ("reply_to", pa.int64()),
    ("forwarded_from", pa.string()),
    ("target", pa.string()),
])
"""Columns of a normalised event log (``groupsim import`` writes it as Parquet)."""


@dataclass(slots=True)
class ChatEvent:
    """One normalised event of a chat export."""

    time: float
    event: str
    sender: str
    line: int  # where it starts in the file (a line, or a message's index in a JSON export)
    id: int = -1
    role: str = "member"
    form: str = "text"
    media: str = ""
    has_link: bool = False
    text: str = ""
    reply_to: int = -1
    forwarded_from: str = ""
    target: str = ""  # the member a join, leave or kick concerns, when not the sender

    def row(self, keep_text: bool) -> dict[str, object]:
        """The event as a row of :data:`SCHEMA` (text only when ``keep_text``)."""
        return {
            "time": self.time, "event": self.event, "id": self.id, "sender": self.sender, "role": self.role,
            "form": self.form, "media": self.media or None, "has_link": self.has_link,
            "text": self.text if keep_text else None, "reply_to": self.reply_to if self.reply_to >= 0 else None,
            "forwarded_from": self.forwarded_from or None, "target": self.target or None,
        }


def shown(value: object, width: int = 20) -> str:
    """A value from the export as it may appear in a message: cut to ``width``; with a control or format character
    (an escape code, a right-to-left override) the whole value is written escaped, as Python's ``ascii`` does."""
    text = str(value)[:width]
    if all(c.isprintable() and unicodedata.category(c) != "Cf" for c in text):
        return text
    return ascii(text)


class ImportFailure(Exception):
    """A chat export that cannot be imported (or only in part, without ``--lenient``): says where and why."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
        self.file, self.line, self.message = file, line, message


@dataclass
class Warnings:
    """Per-line warnings, counted by kind with the first few line numbers."""

    first: int = 5
    counts: dict[str, int] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)

    def add(self, kind: str, line: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        seen = self.lines.setdefault(kind, [])
        if len(seen) < self.first:
            seen.append(line)

    def summary(self) -> list[str]:
        """One line per kind: ``kind: N (lines a, b, c ...)``."""
        out = []
        for kind, n in sorted(self.counts.items()):
            more = " ..." if n > len(self.lines[kind]) else ""
            out.append(f"{kind}: {n} (line{'s' if n > 1 else ''} {', '.join(map(str, self.lines[kind]))}{more})")
        return out

    def as_dict(self) -> dict[str, dict[str, object]]:
        return {k: {"count": n, "first_lines": self.lines[k]} for k, n in sorted(self.counts.items())}


__all__ = ["EVENTS", "FORMS", "SCHEMA", "ChatEvent", "ImportFailure", "Warnings", "shown"]
