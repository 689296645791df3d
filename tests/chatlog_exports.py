"""Synthetic chat exports in every format the importers read, written by the tests themselves (no real person's data).

A :data:`CONVERSATION` of canonical events is written as a Telegram Desktop
export, WhatsApp exports (Android and iOS layouts, 12 and 24 hour clocks, UTF-8
with and without a BOM, UTF-16), a DiscordChatExporter export, groupsim's CSV
and JSON Lines, and a third-party CSV with its own column names.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

START = dt.datetime(2026, 3, 2, 20, 0, 0)  # a Monday evening


@dataclass(frozen=True)
class Canon:
    """One canonical event: minutes after START, event, sender, text (a message), target (a join/kick)."""

    minute: int
    event: str
    sender: str
    text: str = ""
    target: str = ""

    @property
    def when(self) -> dt.datetime:
        return START + dt.timedelta(minutes=self.minute)

    @property
    def epoch(self) -> float:
        return self.when.replace(tzinfo=dt.timezone.utc).timestamp()


CONVERSATION = [
    Canon(0, "join", "小王"),
    Canon(1, "message", "小王", "大家好，请问优惠券怎么用？"),
    Canon(2, "message", "Alice Smith", "See https://example.com/deal for details"),
    Canon(3, "message", "小王", "第一行\n第二行 with a colon: here"),
    Canon(5, "message", "Bob", "call me at +86 138 0013 8000 or @bob_2"),
    Canon(9, "message", "Alice Smith", "[bold red]<script>alert(1)</script>[/] \u202eevil"),
    Canon(14, "leave", "Bob"),
    Canon(30, "message", "小王", "可以私聊群主吗"),
]
MESSAGES = [c for c in CONVERSATION if c.event == "message"]


def telegram(path: Path) -> Path:
    """A Telegram Desktop ``result.json``: text as a string or as entity lists, service messages, a reply, a photo."""
    messages = []
    for n, c in enumerate(CONVERSATION, start=1):
        base = {"id": n, "date": c.when.isoformat(), "date_unixtime": str(int(c.epoch))}
        if c.event == "join":
            messages.append(base | {"type": "service", "actor": c.sender, "actor_id": "user1", "action": "join_group_by_link",
                                    "text": ""})
        elif c.event == "leave":
            messages.append(base | {"type": "service", "actor": c.sender, "action": "remove_members", "members": [c.sender],
                                    "text": ""})
        else:
            text: object = c.text
            if "https://" in c.text:
                head, _, tail = c.text.partition("https://example.com/deal")
                text = [head, {"type": "link", "text": "https://example.com/deal"}, tail]
            msg = base | {"type": "message", "from": c.sender, "from_id": f"user{hash(c.sender) % 97}", "text": text}
            if n == 4:
                msg["reply_to_message_id"] = 2
            messages.append(msg)
    messages.append({"id": 99, "type": "message", "date": (START + dt.timedelta(minutes=31)).isoformat(), "from": "Bob",
                     "photo": "photos/1.jpg", "text": ""})
    path.write_text(json.dumps({"name": "测试群", "type": "private_supergroup", "id": 1, "messages": messages},
                               ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _wa_stamp(when: dt.datetime, layout: str) -> str:
    if layout == "android24":
        return when.strftime("%d/%m/%Y, %H:%M") + " - "
    if layout == "android12":
        return when.strftime("%m/%d/%y, ") + when.strftime("%I:%M %p").lstrip("0") + " - "
    return "[" + when.strftime("%d/%m/%Y, %H:%M:%S") + "] "  # ios


def whatsapp(path: Path, layout: str = "android24", encoding: str = "utf-8") -> Path:
    """A WhatsApp ``_chat.txt`` in one layout (android24, android12, ios) and encoding (utf-8, utf-8-sig, utf-16)."""
    lines = []
    mark = "\u200e" if layout == "ios" else ""
    first = START - dt.timedelta(minutes=1)
    lines.append(_wa_stamp(first, layout) + ("测试群: " + mark if layout == "ios" else "")
                 + "Messages and calls are end-to-end encrypted. No one outside of this chat can read them.")
    for c in CONVERSATION:
        stamp = _wa_stamp(c.when, layout)
        if c.event == "join":
            lines.append(stamp + ("测试群: " + mark if layout == "ios" else "") + f"{c.sender} joined using this group's invite link")
        elif c.event == "leave":
            lines.append(stamp + ("测试群: " + mark if layout == "ios" else "") + f"{c.sender} left")
        else:
            lines.append(stamp + f"{c.sender}: {c.text}")
    media = "\u200eimage omitted" if layout == "ios" else "<Media omitted>"
    lines.append(_wa_stamp(START + dt.timedelta(minutes=31), layout) + f"Bob: {media}")
    # a day-first date that shows the order (13th), so detection is certain
    lines.append(_wa_stamp(dt.datetime(2026, 3, 13, 9, 0), layout) + "小王: 早上好")
    path.write_bytes("\n".join(lines).encode(encoding) + ("\n".encode(encoding) if encoding != "utf-16" else "\n".encode("utf-16-le")))
    return path


def discord(path: Path) -> Path:
    """A DiscordChatExporter JSON export: roles, a reply reference, an attachment, a member join."""
    messages = []
    for n, c in enumerate(CONVERSATION, start=1):
        author = {"id": f"{1000 + len(c.sender)}{ord(c.sender[0])}", "name": c.sender, "isBot": False,
                  "roles": [{"name": "Admin"}] if c.sender == "Alice Smith" else []}
        kind = {"join": "GuildMemberJoin", "leave": "RecipientRemove"}.get(c.event, "Default")
        msg = {"id": str(5000 + n), "type": kind, "timestamp": c.when.isoformat() + "+08:00", "content": c.text, "author": author,
               "attachments": [], "embeds": [], "stickers": []}
        if n == 4:
            msg["type"] = "Reply"
            msg["reference"] = {"messageId": "5002", "channelId": "1"}
        messages.append(msg)
    messages.append({"id": "5999", "type": "Default", "timestamp": (START + dt.timedelta(minutes=31)).isoformat() + "+08:00",
                     "content": "", "author": {"id": "10033", "name": "Bob"}, "attachments": [{"fileName": "cat.png"}]})
    path.write_text(json.dumps({"guild": {"id": "1", "name": "g"}, "channel": {"id": "1", "name": "general"},
                                "messages": messages, "messageCount": len(messages)}, ensure_ascii=False), encoding="utf-8")
    return path


def groupsim_csv(path: Path) -> Path:
    """groupsim's own CSV layout (time,event,sender,role,form,text)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["time", "event", "sender", "role", "form", "text"])
        for c in CONVERSATION:
            w.writerow([c.when.isoformat(sep=" "), c.event, c.sender, "member", "", c.text])
    return path


def groupsim_jsonl(path: Path) -> Path:
    """groupsim's JSON Lines layout."""
    with path.open("w", encoding="utf-8") as f:
        for c in CONVERSATION:
            f.write(json.dumps({"time": c.when.isoformat(), "event": c.event, "sender": c.sender, "text": c.text},
                               ensure_ascii=False) + "\n")
    return path


def third_party_csv(path: Path) -> Path:
    """A WeChat export tool's CSV, with its own column names (read with --map)."""
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(["Date", "From", "Body", "Type"])
        for c in MESSAGES:
            w.writerow([c.when.strftime("%Y/%m/%d %H:%M:%S"), c.sender, c.text, "message"])
    return path


__all__ = ["CONVERSATION", "MESSAGES", "START", "Canon", "discord", "export", "groupsim_csv", "groupsim_jsonl", "telegram",
           "third_party_csv", "whatsapp"]


def export(events: list, path: Path, fmt: str) -> Path:
    """Write normalised events (a simulated run's, say) as a chat export in ``fmt``: csv, jsonl, telegram, whatsapp, discord.

    Senders' pseudonyms stand in for names; a message's text is its form; an
    owner's or admin's role survives only where the format keeps roles (csv,
    jsonl, discord).
    """
    def when(e: object) -> dt.datetime:
        return dt.datetime.fromtimestamp(e.time, dt.timezone.utc).replace(tzinfo=None)  # type: ignore[attr-defined]

    if fmt in ("csv", "jsonl"):
        rows = [{"time": when(e).isoformat(sep=" "), "event": e.event, "sender": e.sender or e.target, "role": e.role,
                 "text": f"msg {e.id}" if e.event == "message" else "", "reply_to": e.reply_to if e.reply_to >= 0 else ""}
                for e in events]
        if fmt == "csv":
            with path.open("w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, ["time", "event", "sender", "role", "text", "reply_to"])
                w.writeheader()
                w.writerows(rows)
        else:
            path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        return path
    if fmt == "telegram":
        msgs = []
        for n, e in enumerate(events, start=1):
            base = {"id": n, "date": when(e).isoformat()}
            if e.event == "message":
                msgs.append(base | {"type": "message", "from": e.sender, "text": f"msg {e.id}"})
            elif e.event == "join":
                msgs.append(base | {"type": "service", "actor": e.sender, "action": "join_group_by_link", "text": ""})
            elif e.event in ("leave", "kick"):
                who = e.sender or e.target
                msgs.append(base | {"type": "service", "actor": "admin", "action": "remove_members", "members": [who], "text": ""})
        path.write_text(json.dumps({"name": "g", "type": "private_supergroup", "id": 1, "messages": msgs}), encoding="utf-8")
        return path
    if fmt == "whatsapp":
        lines = []
        for e in events:
            stamp = when(e).strftime("%d/%m/%Y, %H:%M") + " - "
            if e.event == "message":
                lines.append(stamp + f"{e.sender}: msg {e.id}")
            elif e.event == "join":
                lines.append(stamp + f"{e.sender} joined using this group's invite link")
            elif e.event == "leave":
                lines.append(stamp + f"{e.sender} left")
            elif e.event == "kick":
                lines.append(stamp + f"admin removed {e.target or e.sender}")
        lines.append("13/03/2026, 09:00 - x: the 13th shows that the day comes first")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    if fmt == "discord":
        kinds = {"message": "Default", "join": "GuildMemberJoin", "leave": "RecipientRemove", "kick": "RecipientRemove"}
        msgs = [{"id": str(n), "type": kinds[e.event], "timestamp": when(e).isoformat() + "+00:00",
                 "content": f"msg {e.id}" if e.event == "message" else "",
                 "author": {"id": e.sender or e.target, "name": e.sender or e.target,
                            "roles": [{"name": "Owner"}] if e.role in ("owner", "admin") else []}}
                for n, e in enumerate(events, start=1) if e.event in kinds]
        path.write_text(json.dumps({"guild": {"id": "1"}, "channel": {"id": "1"}, "messages": msgs}), encoding="utf-8")
        return path
    raise ValueError(fmt)
