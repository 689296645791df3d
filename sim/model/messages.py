"""Messages: small slots dataclasses on the per-message hot path (never pydantic).

A message carries its ground-truth ``kind`` (what the sender meant: chat, ad,
complaint, ...) for the simulator's accounting, and the observable surface
(``form``, ``text``, ``has_link``, ...) that rules are allowed to see through
:class:`rules.ObservedMessage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from rules import MessageForm


class Kind(IntEnum):
    """What a message is, in truth. Indexes the group's per-kind accumulators."""

    CHAT = 0
    QUESTION = 1
    ANSWER = 2
    CONTENT = 3  # value posts by staff: know-how, news, offers
    AD = 4
    COMPLAINT = 5
    ANNOUNCEMENT = 6
    ACTIVITY = 7  # check-in, flash deal, lottery, red packet...


N_KINDS = len(Kind)
KIND_NAMES: tuple[str, ...] = tuple(k.name.lower() for k in Kind)
# Whether a group is dead is judged by who posted (the sender's truth in the roster), not by
# message kind: sim/model/ticks.py (by_sender) and sim/model/outcomes.py.


@dataclass(slots=True)
class Message:
    """One message in the group."""

    id: int
    seq: int  # position in the run's event log
    time: float
    sender: int
    kind: Kind
    form: MessageForm = MessageForm.TEXT
    text: str = ""
    has_link: bool = False
    has_card: bool = False
    has_mini_program: bool = False
    has_image: bool = False
    value_dim: int = -1  # index into VALUE_DIMENSIONS this message serves, or -1
    value: float = 0.0
    reply_to: int = -1
    deleted_at: float = -1.0
