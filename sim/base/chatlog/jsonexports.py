"""Telegram Desktop's ``result.json`` and DiscordChatExporter's JSON, streamed with ijson.

Both hold one object with a ``messages`` array; ijson walks it item by item, so
memory stays bounded whatever the export's size. A truncated file is an error
naming how far it got, or, with ``--lenient``, the messages before the cut.

Telegram: ``type`` is ``message`` or ``service`` (``action``: join_group_by_link,
invite_members, remove_members, pin_message, edit_group_title, create_group,
...); ``text`` is a string or a list of strings and entity objects
(``{"type": "link", "text": ...}``); replies carry ``reply_to_message_id``,
forwards ``forwarded_from``; media show as ``photo``, ``media_type`` or ``file``.
Discord: ``type`` Default, Reply, GuildMemberJoin, ChannelPinnedMessage, ...;
``author`` with ``name``/``nickname`` and ``roles``; replies in ``reference``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import IO, Any

from sim.base.chatlog.events import ChatEvent, ImportFailure, Warnings, shown

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_TG_ACTIONS = {
    "join_group_by_link": "join", "join_group_by_request": "join", "invite_members": "join", "remove_members": "kick",
    "pin_message": "pin", "edit_group_title": "subject", "create_group": "service", "migrate_from_group": "service",
}
_TG_MEDIA = {"sticker": "sticker", "video_file": "video", "voice_message": "voice", "animation": "image",
             "audio_file": "voice", "video_message": "video"}
_DISCORD_EVENTS = {"Default": "message", "Reply": "message", "GuildMemberJoin": "join", "ChannelPinnedMessage": "pin",
                   "ChannelNameChange": "subject", "RecipientAdd": "join", "RecipientRemove": "leave",
                   "ThreadCreated": "service", "ChannelIconChange": "service"}
_ADMIN_ROLES = ("admin", "mod", "owner", "管理", "群主")


def _items(stream: IO[bytes], file: str, lenient: bool, warnings: Warnings) -> Iterator[tuple[int, dict[str, Any]]]:
    import ijson

    n = 0
    try:
        for n, item in enumerate(ijson.items(stream, "messages.item"), start=1):
            if isinstance(item, dict):
                yield n, item
            else:
                warnings.add("messages that are not objects, skipped", n)
    except ijson.common.IncompleteJSONError as exc:
        if not lenient:
            raise ImportFailure(file, None, f"the JSON ends early or is broken after message {n} ({exc}); --lenient imports the {n} read") from None
        warnings.add("the file ends early (truncated JSON); messages after the cut are lost", n)
    except ijson.common.JSONError as exc:
        raise ImportFailure(file, None, f"not valid JSON ({exc})") from None
    if n == 0:
        raise ImportFailure(file, None, "no `messages` in this JSON file")


def _flat_text(text: Any) -> tuple[str, bool]:
    """Telegram's text (a string or a list of strings and entities) as one string, and whether it links."""
    if isinstance(text, str):
        return text, bool(_URL.search(text))
    parts, link = [], False
    for part in text if isinstance(text, list) else []:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict):
            parts.append(str(part.get("text", "")))
            link = link or part.get("type") in ("link", "text_link")
    joined = "".join(parts)
    return joined, link or bool(_URL.search(joined))


def _number(value: Any) -> int:
    if isinstance(value, (int, Decimal)):
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return -1


def _epoch(value: Any, file: str, n: int, warnings: Warnings) -> float | None:
    """An ISO time as wall-clock seconds (an offset, if any, is kept as the group's local time)."""
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        warnings.add("messages with an unreadable time, skipped", n)
        return None
    return when.replace(tzinfo=dt.timezone.utc).timestamp()


def parse_telegram(stream: IO[bytes], file: str, names: Callable[[str], str], *, lenient: bool,
                   warnings: Warnings) -> Iterator[ChatEvent]:
    """The events of a Telegram Desktop export."""
    for n, m in _items(stream, file, lenient, warnings):
        t = _epoch(m.get("date"), file, n, warnings)
        if t is None:
            continue
        sender = names(str(m.get("from") or m.get("actor") or m.get("from_id") or m.get("actor_id") or ""))
        if m.get("type") == "service":
            event = _TG_ACTIONS.get(str(m.get("action")))
            if event is None:
                warnings.add(f"service messages of an unknown kind ({shown(m.get('action'))}), kept as service", n)
                event = "service"
            members = m.get("members") or []
            targets = [names(str(x)) for x in members if x] or [""]
            for target in targets:
                yield ChatEvent(t, event, sender, n, id=_number(m.get("id")), target=target if target != sender else "")
            continue
        if m.get("type") != "message":
            warnings.add(f"messages of an unknown type ({shown(m.get('type'))}), skipped", n)
            continue
        text, link = _flat_text(m.get("text", ""))
        media = "image" if "photo" in m else _TG_MEDIA.get(str(m.get("media_type")), "file" if "file" in m else "")
        forwarded = names(str(m["forwarded_from"])) if m.get("forwarded_from") else ""
        form = "forward" if forwarded else ("image" if media in ("image", "sticker") else ("media" if media else ("link" if link else "text")))
        yield ChatEvent(t, "message", sender, n, id=_number(m.get("id")), form=form, media=media, has_link=link, text=text,
                        reply_to=_number(m.get("reply_to_message_id")), forwarded_from=forwarded)


def parse_discord(stream: IO[bytes], file: str, names: Callable[[str], str], *, lenient: bool,
                  warnings: Warnings) -> Iterator[ChatEvent]:
    """The events of a DiscordChatExporter JSON export."""
    ids: dict[str, int] = {}
    for n, m in _items(stream, file, lenient, warnings):
        t = _epoch(m.get("timestamp"), file, n, warnings)
        if t is None:
            continue
        kind = str(m.get("type", "Default"))
        event = _DISCORD_EVENTS.get(kind)
        if event is None:
            warnings.add(f"messages of an unknown type ({shown(kind)}), kept as service", n)
            event = "service"
        author = m.get("author") if isinstance(m.get("author"), dict) else {}
        sender = names(str(author.get("id") or author.get("name") or ""))
        roles = [str(r.get("name", "")).lower() for r in author.get("roles") or [] if isinstance(r, dict)]
        role = "admin" if any(a in r for r in roles for a in _ADMIN_ROLES) else "member"
        ids[str(m.get("id"))] = ids.get(str(m.get("id")), len(ids) + 1)
        if event != "message":
            yield ChatEvent(t, event, sender, n, id=ids[str(m.get("id"))], role=role)
            continue
        text = str(m.get("content") or "")
        link = bool(_URL.search(text)) or bool(m.get("embeds"))
        attachments = m.get("attachments") or []
        media = ""
        if attachments:
            name = str(attachments[0].get("fileName", "")).lower() if isinstance(attachments[0], dict) else ""
            media = "image" if name.endswith((".png", ".jpg", ".jpeg", ".gif", ".webp")) else "file"
        elif m.get("stickers"):
            media = "sticker"
        ref = m.get("reference") if isinstance(m.get("reference"), dict) else {}
        reply = ids.get(str(ref.get("messageId")), -1) if ref else -1
        form = "image" if media in ("image", "sticker") else ("media" if media else ("link" if link else "text"))
        yield ChatEvent(t, "message", sender, n, id=ids[str(m.get("id"))], role=role, form=form, media=media,
                        has_link=link, text=text, reply_to=reply)


__all__ = ["parse_discord", "parse_telegram"]
