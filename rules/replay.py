"""Judging a real chat log with a ruleset: which rules would have fired, on whom, and when.

A chat log is a CSV file (header row) or JSON Lines, one event a row::

    time,event,sender,role,form,text
    2026-03-02 20:15:00,join,小王,member,,
    2026-03-02 20:16:10,message,小王,member,text,加微信领优惠券

``time`` is an ISO date-time (or minutes as a number); ``event`` is
``message`` (default), ``join`` or ``leave``; ``role`` is owner, admin or member
(default member); ``form`` is what the client showed (text, link, card,
mini_program, image, red_packet, forward; default text, or link when the text
holds a URL); ``has_link``, ``has_card``, ``has_mini_program``, ``has_image`` are
optional booleans. Times become minutes since the Monday 00:00 of the first
event's week, so the rules' ``time.weekday`` and ``time.hour`` match the calendar.

The replay feeds the events, an hourly clock tick, and nothing else to the
rule engine (no simulation: this module, like all of ``rules/``, never imports
simpy). Kicks and bans remove the member from the replayed group (later lines
from them are still judged, as a real moderator would see a rejoin), warnings
count, and every action is reported.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rules.actions import GROUP, Action, Ban, Kick, Warn, action_def
from rules.engine import RuleEngine
from rules.events import ClockTick, MemberJoined, MemberLeft, MessageForm, MessagePosted, VisibleRole
from rules.source import InputError

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_TRUE = frozenset({"1", "true", "yes", "y", "t"})
_EVENTS = frozenset({"message", "join", "leave"})


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    """A message of a real chat log, as rules observe it."""

    id: int
    time: float
    sender: int
    form: MessageForm = MessageForm.TEXT
    text: str = ""
    has_link: bool = False
    has_card: bool = False
    has_mini_program: bool = False
    has_image: bool = False


@dataclass(frozen=True, slots=True)
class LogRow:
    line: int
    time: float
    event: str
    sender: str
    role: VisibleRole
    message: LoggedMessage | None


@dataclass
class ReplayView:
    """The replayed group as a moderator sees it (implements GroupView and MemberDirectory)."""

    now: float = 0.0
    roles: dict[int, VisibleRole] = field(default_factory=dict)
    joined: dict[int, float] = field(default_factory=dict)
    present: set[int] = field(default_factory=set)
    warned: dict[int, int] = field(default_factory=dict)

    def member_count(self) -> int:
        return len(self.present)

    def is_member(self, member: int) -> bool:
        return member in self.present

    def visible_role(self, member: int) -> VisibleRole:
        return self.roles.get(member, VisibleRole.MEMBER)

    def tenure(self, member: int) -> float:
        return self.now - self.joined.get(member, self.now)

    def warnings(self, member: int) -> int:
        return self.warned.get(member, 0)

    def members(self) -> list[int]:
        return sorted(self.present)

    def paid(self, member: int) -> bool:
        return False

    def invited_by(self, member: int) -> int | None:
        return None


@dataclass(frozen=True, slots=True)
class Firing:
    """One action a rule asked for while replaying the log."""

    line: int
    time: float
    rule: str
    action: str
    member: str
    text: str

    def as_row(self) -> dict[str, Any]:
        return {"line": self.line, "minutes": self.time, "rule": self.rule, "action": self.action,
                "member": self.member, "text": self.text}


def _time(value: str, line: int, file: str) -> dt.datetime | float:
    v = value.strip()
    try:
        return float(v)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(v)
    except ValueError:
        raise InputError.single(file, line, "time", f"{value!r} is neither an ISO date-time nor minutes") from None


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError.single(file, None, "", "file not found") from None
    except UnicodeDecodeError as exc:
        raise InputError.single(file, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for n, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError.single(file, n, "", f"not a JSON object ({exc.msg})") from None
            if not isinstance(rec, dict):
                raise InputError.single(file, n, "", "each line must be a JSON object")
            yield n, rec
        return
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "time" not in reader.fieldnames or "sender" not in reader.fieldnames:
        raise InputError.single(file, 1, "", "a CSV chat log needs a header row with at least `time` and `sender`")
    for rec in reader:
        yield reader.line_num, rec


def read_chat_log(path: str | Path) -> tuple[list[LogRow], dict[str, int]]:
    """Parse a chat log; rows in time order and the sender -> id map. Problems are file:line errors."""
    p = Path(path)
    file = str(p)
    raw: list[tuple[int, dt.datetime | float, dict[str, Any]]] = []
    for line, rec in _records(p):
        if not str(rec.get("sender") or "").strip() and str(rec.get("event") or "message") != "tick":
            raise InputError.single(file, line, "sender", "missing")
        if rec.get("time") in (None, ""):
            raise InputError.single(file, line, "time", "missing")
        raw.append((line, _time(str(rec["time"]), line, file), rec))
    if not raw:
        raise InputError.single(file, None, "", "the log holds no events")
    kinds = {type(t) for _, t, _ in raw}
    if len(kinds) > 1:
        raise InputError.single(file, raw[0][0], "time", "mixes date-times and minutes; use one form throughout")
    stamps = [t for _, t, _ in raw]
    if all(isinstance(t, dt.datetime) for t in stamps):
        dates = [t for t in stamps if isinstance(t, dt.datetime)]
        first = min(dates)
        monday = dt.datetime.combine(first.date() - dt.timedelta(days=first.weekday()), dt.time(), first.tzinfo)
        minutes = [(t - monday).total_seconds() / 60.0 for t in dates]
    else:
        minutes = [float(t) for t in stamps if not isinstance(t, dt.datetime)]
    ids: dict[str, int] = {}
    rows: list[LogRow] = []
    for (line, _, rec), t in zip(raw, minutes):
        event = str(rec.get("event") or "message").strip().lower()
        if event not in _EVENTS:
            raise InputError.single(file, line, "event", f"{event!r}: use message, join or leave")
        role_s = str(rec.get("role") or "member").strip().lower()
        try:
            role = VisibleRole(role_s)
        except ValueError:
            raise InputError.single(file, line, "role", f"{role_s!r}: use owner, admin or member") from None
        sender = str(rec["sender"]).strip()
        who = ids.setdefault(sender, len(ids))
        message = None
        if event == "message":
            text = str(rec.get("text") or "")
            form_s = str(rec.get("form") or ("link" if _URL.search(text) else "text")).strip().lower()
            try:
                form = MessageForm(form_s)
            except ValueError:
                known = ", ".join(f.value for f in MessageForm)
                raise InputError.single(file, line, "form", f"{form_s!r}: use one of {known}") from None
            flags = {k: str(rec.get(k) or "").strip().lower() in _TRUE for k in ("has_link", "has_card", "has_mini_program", "has_image")}
            flags["has_link"] = flags["has_link"] or bool(_URL.search(text))
            message = LoggedMessage(len(rows), t, who, form, text, **flags)
        rows.append(LogRow(line, t, event, sender, role, message))
    order = sorted(range(len(rows)), key=lambda k: (rows[k].time, k))
    return [rows[k] for k in order], ids


def _describe(a: Action) -> str:
    """The action as a ruleset writes it (its name in the action table): ``kick``, ``mute(60)``, ``warn: text``."""
    return action_def(a).describe(a)


def replay(engine: RuleEngine, rows: list[LogRow], names: dict[str, int]) -> list[Firing]:
    """Feed the log to ``engine``; every action it asks for, in order."""
    by_id = {v: k for k, v in names.items()}
    view = ReplayView()
    out: list[Firing] = []
    hour = int(rows[0].time // 60) if rows else 0

    def handle(event: Any, line: int, text: str) -> None:
        for a in engine.handle(event, view):
            who = by_id.get(a.member, "") if a.member != GROUP else "(group)"
            out.append(Firing(line, view.now, a.rule, _describe(a), who, text))
            if isinstance(a, (Kick, Ban)):
                view.present.discard(a.member)
            elif isinstance(a, Warn):
                view.warned[a.member] = view.warned.get(a.member, 0) + 1

    for row in rows:
        while (hour + 1) * 60.0 <= row.time:  # hourly ticks for silence, schedules and metrics
            hour += 1
            view.now = hour * 60.0
            handle(ClockTick(view.now), row.line, "")
        view.now = row.time
        who = names[row.sender]
        view.roles[who] = row.role
        if row.event == "join" or who not in view.present and row.event == "message":
            view.present.add(who)
            view.joined.setdefault(who, row.time)
            if row.event == "join":
                handle(MemberJoined(row.time, who), row.line, "")
                continue
        if row.event == "leave":
            view.present.discard(who)
            handle(MemberLeft(row.time, who), row.line, "")
        elif row.message is not None:
            handle(MessagePosted(row.time, row.message), row.line, row.message.text)
    return out


__all__ = ["Firing", "LogRow", "LoggedMessage", "ReplayView", "read_chat_log", "replay"]
