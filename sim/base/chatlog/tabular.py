"""Chat logs as tables: groupsim's own CSV and JSON Lines, and any CSV through a column mapping.

groupsim's layout (``rules replay`` has always read it): a header row with
``time,event,sender,role,form,text`` (time an ISO date-time, or minutes as a
number). A third-party WeChat/WeCom export is read with ``--map``, naming which
of its columns holds each field: ``--map time=Date,sender=From,text=Body``
(``time`` and ``sender`` are required; ``event``, ``role``, ``form``,
``reply_to`` and ``forwarded_from`` are optional).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any

from sim.base.chatlog.events import EVENTS, FORMS, ChatEvent, ImportFailure, Warnings, shown

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_FIELDS = ("time", "event", "sender", "role", "form", "text", "reply_to", "forwarded_from")
_MAX_MINUTES = 60 * 24 * 366 * 200  # two centuries of minutes: anything past that is not a chat log's time
_TRUE = frozenset({"1", "true", "yes", "y", "t"})


def parse_mapping(spec: str | None) -> dict[str, str]:
    """``time=Date,sender=From`` as {field: column}; unknown fields are an error naming the known ones."""
    if not spec:
        return {}
    out: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, column = part.partition("=")
        key = key.strip()
        if not sep or not column.strip():
            raise ValueError(f"--map takes FIELD=COLUMN pairs separated by commas, got {part!r}")
        if key not in _FIELDS:
            raise ValueError(f"--map: unknown field {key!r}; fields: {', '.join(_FIELDS)}")
        out[key] = column.strip()
    missing = [f for f in ("time", "sender") if f not in out]
    if missing:
        raise ValueError(f"--map needs {' and '.join(missing)}")
    return out


def _time(value: Any, file: str, line: int) -> float:
    text = str(value).strip()
    try:
        minutes = float(text)
    except ValueError:
        minutes = math.nan
    else:
        if not math.isfinite(minutes) or not 0 <= minutes <= _MAX_MINUTES:
            raise ImportFailure(file, line, f"time {text!r} is not a finite number of minutes from 0 to {_MAX_MINUTES:g}")
        return minutes * 60.0
    for fmt in (None, "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%d.%m.%Y %H:%M"):
        try:
            when = dt.datetime.fromisoformat(text) if fmt is None else dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return when.replace(tzinfo=dt.timezone.utc).timestamp()  # wall-clock time; an offset is the group's local time
    raise ImportFailure(file, line, f"time {text!r} is neither an ISO date-time nor a number of minutes")


def _rows(stream: IO[bytes], file: str, jsonl: bool, lenient: bool, warnings: Warnings) -> Iterator[tuple[int, Mapping[str, Any]]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace" if lenient else "strict", newline="")
    try:
        if jsonl:
            for n, raw in enumerate(text, start=1):
                if not raw.strip():
                    continue
                try:
                    row = json.loads(raw)
                except json.JSONDecodeError as exc:
                    if not lenient:
                        raise ImportFailure(file, n, f"not a JSON object ({exc.msg}); --lenient skips such lines") from None
                    warnings.add("lines that are not JSON, skipped", n)
                    continue
                if isinstance(row, dict):
                    yield n, row
                else:
                    warnings.add("lines that are not JSON objects, skipped", n)
        else:
            reader = csv.DictReader(text)
            for row in reader:
                yield reader.line_num, row
    except UnicodeDecodeError:
        raise ImportFailure(file, None, "not UTF-8 text (mixed encodings?); --lenient replaces bad bytes") from None
    finally:
        text.detach()  # the caller owns (and closes) the byte stream


def parse(stream: IO[bytes], file: str, names: Callable[[str], str], *, lenient: bool, warnings: Warnings,
          jsonl: bool = False, mapping: Mapping[str, str] | None = None) -> Iterator[ChatEvent]:
    """The events of a CSV or JSON Lines chat log (groupsim's layout, or any CSV through ``mapping``)."""
    columns = dict(zip(_FIELDS, _FIELDS)) | dict(mapping or {})
    seen_header = False
    for line, row in _rows(stream, file, jsonl, lenient, warnings):
        if not seen_header:
            absent = [f"{f} (column {columns[f]!r})" for f in ("time", "sender") if columns[f] not in row]
            if absent:
                raise ImportFailure(file, line, f"no {' and no '.join(absent)}; name the columns with --map time=...,sender=...")
            seen_header = True
        get = lambda f: str(row.get(columns[f]) or "").strip()  # noqa: E731 - one field of this row
        try:
            t = _time(row.get(columns["time"], ""), file, line)
        except ImportFailure:
            if not lenient:
                raise
            warnings.add("rows with an unreadable time, skipped", line)
            continue
        event = get("event") or "message"
        if event not in EVENTS:
            warnings.add(f"rows with an unknown event ({shown(event)}), kept as service", line)
            event = "service"
        text = get("text")
        link = bool(_URL.search(text)) or str(row.get("has_link", "")).lower() in _TRUE
        form = get("form") or ("link" if link else "text")
        if form not in FORMS:
            warnings.add(f"rows with an unknown form ({shown(form)}), read as text", line)
            form = "text"
        reply = get("reply_to")
        yield ChatEvent(t, event, names(get("sender")), line, id=line, role=get("role") or "member", form=form,
                        has_link=link, text=text, reply_to=int(reply) if reply.isdigit() else -1,
                        forwarded_from=names(get("forwarded_from")))


__all__ = ["parse", "parse_mapping"]
