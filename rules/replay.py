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
import math
import re
from collections.abc import Iterable, Iterator
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


MAX_MINUTES = 1e13
"""Largest time, in minutes from the log's first Monday, a replay accepts (about 19 million years)."""
GAP_TICKS = 7 * 24
"""Hourly ticks given in full after each event; a longer gap jumps to its last hour (see :func:`iter_replay`)."""


def _time(value: str, line: int, file: str) -> dt.datetime | float:
    v = value.strip()
    try:
        minutes = float(v)
    except ValueError:
        pass
    else:
        if not math.isfinite(minutes) or abs(minutes) > MAX_MINUTES:
            raise InputError.single(file, line, "time", f"{value!r}: minutes must be finite and at most {MAX_MINUTES:g}")
        return minutes
    try:
        return dt.datetime.fromisoformat(v)
    except ValueError:
        raise InputError.single(file, line, "time", f"{value!r} is neither an ISO date-time nor minutes") from None


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The log's records one at a time, with their line numbers (lines end only at real newlines)."""
    file = str(path)
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError.single(file, None, "", "file not found") from None
    with fh:
        try:
            if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
                for n, raw in enumerate(fh, start=1):  # a file iterates on \n (and \r), never on U+2028
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
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "time" not in reader.fieldnames or "sender" not in reader.fieldnames:
                raise InputError.single(file, 1, "", "a CSV chat log needs a header row with at least `time` and `sender`")
            for rec in reader:
                yield reader.line_num, rec
        except UnicodeDecodeError as exc:
            raise InputError.single(file, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


class _Clock:
    """Turns the log's times into minutes since the Monday 00:00 of the first event's week."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.kind: type | None = None
        self.monday: dt.datetime | None = None

    def minutes(self, stamp: dt.datetime | float, line: int) -> float:
        if self.kind is None:
            self.kind = type(stamp)
        elif type(stamp) is not self.kind:
            raise InputError.single(self.file, line, "time", "mixes date-times and minutes; use one form throughout")
        if not isinstance(stamp, dt.datetime):
            return float(stamp)
        if self.monday is None:
            self.monday = dt.datetime.combine(stamp.date() - dt.timedelta(days=stamp.weekday()), dt.time(), stamp.tzinfo)
        try:
            t = (stamp - self.monday).total_seconds() / 60.0
        except TypeError:
            raise InputError.single(self.file, line, "time", "mixes times with and without a time zone") from None
        if abs(t) > MAX_MINUTES:
            raise InputError.single(self.file, line, "time", f"more than {MAX_MINUTES:g} minutes from the first event")
        return t


def iter_rows(records: Iterable[tuple[int, dict[str, Any]]], file: str, names: dict[str, int]) -> Iterator[LogRow]:
    """Check and convert records ``(line, {time, event, sender, role, form, text, ...})`` one at a time.

    ``names`` (sender -> id) is filled in as senders appear. Problems are
    file:line errors. Memory does not grow with the number of records.
    """
    clock = _Clock(file)
    count = 0
    for line, rec in records:
        if not str(rec.get("sender") or "").strip():
            raise InputError.single(file, line, "sender", "missing")
        if rec.get("time") in (None, ""):
            raise InputError.single(file, line, "time", "missing")
        t = clock.minutes(_time(str(rec["time"]), line, file), line)
        event = str(rec.get("event") or "message").strip().lower()
        if event not in _EVENTS:
            raise InputError.single(file, line, "event", f"{event!r}: use message, join or leave")
        role_s = str(rec.get("role") or "member").strip().lower()
        try:
            role = VisibleRole(role_s)
        except ValueError:
            raise InputError.single(file, line, "role", f"{role_s!r}: use owner, admin or member") from None
        sender = str(rec["sender"]).strip()
        who = names.setdefault(sender, len(names))
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
            message = LoggedMessage(count, t, who, form, text, **flags)
        count += 1
        yield LogRow(line, t, event, sender, role, message)


def stream_chat_log(path: str | Path, names: dict[str, int]) -> Iterator[LogRow]:
    """The rows of a groupsim chat log (CSV or JSON Lines) in file order, read as they are needed."""
    p = Path(path)
    return iter_rows(_records(p), str(p), names)


def read_chat_log(path: str | Path) -> tuple[list[LogRow], dict[str, int]]:
    """Parse a whole chat log; rows in time order and the sender -> id map. Problems are file:line errors."""
    names: dict[str, int] = {}
    rows = list(stream_chat_log(path, names))
    if not rows:
        raise InputError.single(str(path), None, "", "the log holds no events")
    order = sorted(range(len(rows)), key=lambda k: (rows[k].time, k))
    return [rows[k] for k in order], names


def _describe(a: Action) -> str:
    """The action as a ruleset writes it (its name in the action table): ``kick``, ``mute(60)``, ``warn: text``."""
    return action_def(a).describe(a)


def iter_replay(engine: RuleEngine, rows: Iterable[LogRow], names: dict[str, int], *, file: str = "") -> Iterator[Firing]:
    """Feed the log to ``engine`` row by row; yield every action it asks for, in order.

    ``rows`` may be a stream (memory stays bounded by the number of senders,
    not of rows) and must be in time order: a row earlier than the one before
    is an error naming its line. Between events the clock ticks every hour
    (silence, schedules, metrics). A gap longer than :data:`GAP_TICKS` hours is
    ticked for its first week and then once, at its last hour, so a log whose
    times span millions of years replays in time: rules see only the clock in
    a gap, and a silence trigger still sees the whole silence at that last tick.
    """
    by_id: dict[int, str] = {}
    view = ReplayView()
    hour: int | None = None
    last = -math.inf

    def handle(event: Any, line: int, text: str) -> Iterator[Firing]:
        for a in engine.handle(event, view):
            who = by_id.get(a.member, "") if a.member != GROUP else "(group)"
            yield Firing(line, view.now, a.rule, _describe(a), who, text)
            if isinstance(a, (Kick, Ban)):
                view.present.discard(a.member)
            elif isinstance(a, Warn):
                view.warned[a.member] = view.warned.get(a.member, 0) + 1

    for row in rows:
        if row.time < last:
            raise InputError.single(file, row.line, "time", "earlier than the row before; sort the log by time")
        last = row.time
        if hour is None:
            hour = math.floor(row.time / 60)
        target = math.floor(row.time / 60)  # the last whole hour at or before this row
        ticks = 0
        while hour < target:  # hourly ticks for silence, schedules and metrics
            ticks += 1
            hour = hour + 1 if ticks <= GAP_TICKS else target
            view.now = hour * 60.0
            yield from handle(ClockTick(view.now), row.line, "")
        view.now = row.time
        who = names[row.sender]
        by_id.setdefault(who, row.sender)
        view.roles[who] = row.role
        if row.event == "join" or who not in view.present and row.event == "message":
            view.present.add(who)
            view.joined.setdefault(who, row.time)
            if row.event == "join":
                yield from handle(MemberJoined(row.time, who), row.line, "")
                continue
        if row.event == "leave":
            view.present.discard(who)
            yield from handle(MemberLeft(row.time, who), row.line, "")
        elif row.message is not None:
            yield from handle(MessagePosted(row.time, row.message), row.line, row.message.text)


def replay(engine: RuleEngine, rows: Iterable[LogRow], names: dict[str, int]) -> list[Firing]:
    """Feed the log to ``engine``; every action it asks for, in order."""
    return list(iter_replay(engine, rows, names))


__all__ = [
    "GAP_TICKS", "MAX_MINUTES", "Firing", "LogRow", "LoggedMessage", "ReplayView", "iter_replay", "iter_rows",
    "read_chat_log", "replay", "stream_chat_log",
]
