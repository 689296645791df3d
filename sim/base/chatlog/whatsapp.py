"""WhatsApp's exported chat (``_chat.txt``): Android and iOS layouts, 12 and 24 hour clocks, system lines.

Layouts (one message starts a line; other lines continue it)::

    31/12/2021, 23:59 - Alice: text                (Android, 24 h)
    12/31/21, 11:59 PM - Alice: text               (Android, 12 h)
    [31/12/2021, 23:59:59] Alice: text             (iOS, often with U+200E marks)
    31/12/2021, 23:59 - Alice joined using this group's invite link   (system line: no "name:")

Day-first or month-first dates are decided from the file (a first field over 12
means day-first, a second over 12 month-first); when the file never tells,
day-first is assumed and a warning says so. The file may be UTF-8 with or
without a BOM, or UTF-16 with a BOM (some phones write it). Only real newlines
split lines (never U+2028 or other Unicode line separators).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import IO

from sim.base.chatlog.events import ChatEvent, ImportFailure, Warnings

_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff"
_STAMP = re.compile(
    r"^[" + _MARKS + r"]*\[?(?P<d1>\d{1,4})[/.\-](?P<d2>\d{1,2})[/.\-](?P<d3>\d{1,4}),?\s+"
    r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\]?\s*(?:-\s)?\s*"
)
_AUTHOR = re.compile(r"^(?P<name>[^:]{1,80}?):\s(?P<text>.*)$", re.S)
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_MEDIA = {
    "<media omitted>": "media", "image omitted": "image", "video omitted": "video", "audio omitted": "voice",
    "sticker omitted": "sticker", "gif omitted": "image", "document omitted": "file", "contact card omitted": "card",
}
_SYSTEM = [
    (re.compile(r"^(?P<who>.+?) joined using this group's invite link$"), "join", "who", ""),
    (re.compile(r"^(?P<who>.+?) joined$"), "join", "who", ""),
    (re.compile(r"^(?P<actor>.+?) added (?P<who>.+)$"), "join", "who", "actor"),
    (re.compile(r"^(?P<who>.+?) left$"), "leave", "who", ""),
    (re.compile(r"^(?P<actor>.+?) removed (?P<who>.+)$"), "kick", "who", "actor"),
    (re.compile(r"^(?P<actor>.+?) changed the subject (?:from .+ )?to .+$"), "subject", "", "actor"),
    (re.compile(r"^(?P<actor>.+?) created (?:the )?group .+$"), "service", "", "actor"),
    (re.compile(r"^(?P<actor>.+?) pinned a message$"), "pin", "", "actor"),
    (re.compile(r"^(?P<actor>)Messages and calls are end-to-end encrypted.*$", re.S), "service", "", ""),
]


def _encoding(head: bytes) -> str:
    """UTF-16 by its BOM (or its NUL bytes), else UTF-8 with or without a BOM."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head[:200].count(b"\x00") > 20:
        return "utf-16-le"
    return "utf-8-sig"


def _text_lines(stream: IO[bytes], file: str, encoding: str, lenient: bool, warnings: Warnings) -> Iterator[str]:
    """The file's lines, decoded as they are read; only real newlines split them (never U+2028 and friends)."""
    stream.seek(0)
    if encoding.startswith("utf-16"):
        text = io.TextIOWrapper(stream, encoding=encoding, errors="replace" if lenient else "strict", newline="")
        try:
            for raw in text:
                yield raw.rstrip("\r\n")
        except UnicodeDecodeError:
            raise ImportFailure(file, None, "broken UTF-16 text; --lenient replaces bad bytes") from None
        finally:
            text.detach()
        return
    for number, raw in enumerate(stream, start=1):  # bytes split on b"\n" alone
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            if not lenient:
                raise ImportFailure(file, number, "not UTF-8 or UTF-16 text (mixed encodings?); --lenient replaces bad bytes") from None
            warnings.add("bytes that are not UTF-8, replaced", number)
            line = raw.decode("utf-8", errors="replace")
        yield line.rstrip("\r\n")


def _day_first(stamps: list[tuple[int, int]], warnings: Warnings) -> bool:
    if any(a > 12 for a, _ in stamps):
        return True
    if any(b > 12 for _, b in stamps):
        return False
    if stamps:
        warnings.add("dates never show whether the day or the month comes first; read day first", 1)
    return True


def _when(m: re.Match[str], day_first: bool) -> dt.datetime:
    d1, d2, d3 = int(m["d1"]), int(m["d2"]), int(m["d3"])
    if d1 > 31:  # year first: 2021-12-31
        year, month, day = d1, d2, d3
    else:
        day, month = (d1, d2) if day_first else (d2, d1)
        year = d3 + 2000 if d3 < 100 else d3
    hour = int(m["h"])
    if m["ampm"]:
        pm = m["ampm"][0] in "Pp"
        hour = hour % 12 + (12 if pm else 0)
    return dt.datetime(year, month, day, hour, int(m["m"]), int(m["s"] or 0))


def parse(stream: IO[bytes], file: str, names: object, *, lenient: bool, warnings: Warnings) -> Iterator[ChatEvent]:
    """The events of a WhatsApp export; ``names`` maps a display name to its pseudonym."""
    pseudonym = names  # a callable: name -> hash
    encoding = _encoding(stream.read(256))
    stamps: list[tuple[int, int]] = []
    for line in _text_lines(stream, file, encoding, True, Warnings()):  # a first pass: which comes first, day or month
        m = _STAMP.match(line)
        if m and int(m["d1"]) <= 31:
            stamps.append((int(m["d1"]), int(m["d2"])))
            if stamps[-1][0] > 12 or stamps[-1][1] > 12:
                break
    if not stamps:
        raise ImportFailure(file, 1, "no line starts with a WhatsApp date and time: is this a WhatsApp export?")
    day_first = _day_first(stamps, warnings)
    current: dict[str, object] | None = None
    count = 0

    def finish(entry: dict[str, object]) -> ChatEvent | None:
        nonlocal count
        body = str(entry["body"])
        line = int(entry["line"])  # type: ignore[arg-type]
        author = _AUTHOR.match(body)
        clean = body.lstrip(_MARKS)
        if author is None or author["text"].startswith("\u200e") and _system(author["text"].lstrip(_MARKS)):
            system = _system(clean if author is None else author["text"].lstrip(_MARKS))
            if system is None:
                warnings.add("system lines of an unknown kind, kept as service events", line)
                return ChatEvent(float(entry["time"]), "service", "", line)  # type: ignore[arg-type]
            event, who, actor = system
            return ChatEvent(float(entry["time"]), event, pseudonym(actor or who), line,  # type: ignore[operator, arg-type]
                             target=pseudonym(who) if actor and who else "")  # type: ignore[operator]
        name, said = author["name"].strip(_MARKS + " "), author["text"].strip(_MARKS).strip()
        count += 1
        media = _MEDIA.get(said.lower().lstrip(_MARKS))
        if media is None and said.startswith("<attached:"):
            media = "image" if "PHOTO" in said.upper() else "media"
        form = "image" if media in ("image", "sticker") else ("media" if media else ("link" if _URL.search(said) else "text"))
        return ChatEvent(float(entry["time"]), "message", pseudonym(name), line, id=count,  # type: ignore[operator, arg-type]
                         form=form, media=media or "", has_link=bool(_URL.search(said)), text="" if media else said)

    for number, raw in enumerate(_text_lines(stream, file, encoding, lenient, warnings), start=1):
        m = _STAMP.match(raw)
        if m:
            try:
                when = _when(m, day_first)
            except ValueError:
                warnings.add("dates that do not exist, line skipped", number)
                continue
            if current is not None:
                event = finish(current)
                if event is not None:
                    yield event
            stamp = when.replace(tzinfo=dt.timezone.utc).timestamp()
            current = {"time": stamp, "line": number, "body": raw[m.end():]}
        elif current is not None:
            current["body"] = f"{current['body']}\n{raw}"
        elif raw.strip():
            if not lenient:
                raise ImportFailure(file, number, "a line before the first dated message; --lenient skips such lines")
            warnings.add("lines that match no pattern, skipped", number)
    if current is not None:
        event = finish(current)
        if event is not None:
            yield event


def _system(text: str) -> tuple[str, str, str] | None:
    """(event, who, actor) of a system line, or None when it is not one we know."""
    for pattern, event, who, actor in _SYSTEM:
        m = pattern.match(text.strip())
        if m:
            return event, m[who] if who else "", m[actor] if actor else ""
    return None


def looks_like(head: bytes) -> bool:
    """Whether the first bytes of a file look like a WhatsApp export."""
    for encoding in ("utf-16", "utf-8-sig"):
        try:
            text = head.decode(encoding, errors="ignore") if head.startswith((b"\xff\xfe", b"\xfe\xff")) or encoding == "utf-8-sig" else ""
        except UnicodeDecodeError:
            continue
        if any(_STAMP.match(line) and (" - " in line[:40] or line.lstrip(_MARKS).startswith("[")) for line in text.split("\n")[:5]):
            return True
    return False


__all__ = ["looks_like", "parse"]
