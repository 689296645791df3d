"""Real chat exports in: Telegram, WhatsApp, Discord and CSV logs as one stream of normalised, pseudonymous events."""

from __future__ import annotations

from sim.base.chatlog.events import EVENTS, FORMS, SCHEMA, ChatEvent, ImportFailure, Warnings
from sim.base.chatlog.privacy import Pseudonyms, load_salt, mask_text
from sim.base.chatlog.reader import FORMATS, ImportInfo, detect, import_log, read_events

__all__ = ["EVENTS", "FORMATS", "FORMS", "SCHEMA", "ChatEvent", "ImportFailure", "ImportInfo", "Pseudonyms", "Warnings",
           "detect", "import_log", "load_salt", "mask_text", "read_events"]
