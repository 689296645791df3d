"""What a rule can observe: events and the messages inside them.

A rule sees a chat group the way a human moderator or a bot does: messages
as the client shows them (text, link, card, mini-program, image, ...), who
sent them and when, who joined and left, and the clock. It never sees the
ground truth a simulation knows (an agent's true role, a message's intent),
so the same rules can judge a real chat log and a simulated one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class VisibleRole(StrEnum):
    """The role a member visibly holds in the group (群主 / 管理 / 成员)."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


class MessageForm(StrEnum):
    """A message's kind as the chat client shows it, not its intent."""

    TEXT = "text"
    LINK = "link"
    CARD = "card"
    MINI_PROGRAM = "mini_program"
    IMAGE = "image"
    RED_PACKET = "red_packet"
    FORWARD = "forward"


class ObservedMessage(Protocol):
    """The observable surface of a message; simulated and logged messages both fit."""

    @property
    def id(self) -> int: ...
    @property
    def time(self) -> float: ...
    @property
    def sender(self) -> int: ...
    @property
    def form(self) -> MessageForm: ...
    @property
    def text(self) -> str: ...
    @property
    def has_link(self) -> bool: ...
    @property
    def has_card(self) -> bool: ...
    @property
    def has_mini_program(self) -> bool: ...
    @property
    def has_image(self) -> bool: ...


@dataclass(slots=True)
class MessagePosted:
    """A message appeared in the group."""

    time: float
    message: ObservedMessage


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """A member entered the group; ``invited_by`` is who invited them, if anyone."""

    time: float
    member: int
    invited_by: int | None = None


@dataclass(frozen=True, slots=True)
class MemberLeft:
    """A member left the group, by their own choice or removed (``kicked``)."""

    time: float
    member: int
    kicked: bool = False


@dataclass(frozen=True, slots=True)
class ClockTick:
    """Time passed; rules with schedules or windows act on ticks."""

    time: float


@dataclass(frozen=True, slots=True)
class MessageReported:
    """A member reported ``message`` (举报); ``count`` is its reports so far.

    ``reporter`` is who reported (-1: not known), ``reason`` why (e.g. ``harmful``,
    ``brigade``), ``reporters`` everyone who has reported it so far, this one included.
    """

    time: float
    message: ObservedMessage
    member: int  # the reported message's sender
    count: int = 1
    reporter: int = -1
    reason: str = ""
    reporters: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PaymentMade:
    """``member`` paid ``amount`` yuan (a red packet, a fee), for ``message_id`` if pay-to-post asked."""

    time: float
    member: int
    amount: float
    message_id: int = -1


@dataclass(frozen=True, slots=True)
class AppealGranted:
    """A reviewer upheld ``member``'s appeal: strikes cleared, any ban lifted."""

    time: float
    member: int


@dataclass(frozen=True, slots=True)
class MessageRemoved:
    """``message`` was removed (deleted or moved to the ad thread) by rule ``rule``, with who had seen it.

    ``viewers`` saw it before it went (known exactly for tracked messages:
    harmful ones and norm violations; empty for ordinary chat), ``reporters``
    reported it, ``rebukers`` rebuked its sender in public. Clients with read
    receipts (WeCom's 已读 list) show a moderator the same sets.
    """

    time: float
    message: ObservedMessage
    member: int  # the removed message's sender
    rule: str = ""
    viewers: tuple[int, ...] = ()
    reporters: tuple[int, ...] = ()
    rebukers: tuple[int, ...] = ()

    @property
    def viewers_who_did_not_report(self) -> tuple[int, ...]:
        """Viewers who did not report it, in viewing order."""
        gone = set(self.reporters)
        return tuple(v for v in self.viewers if v not in gone)

    @property
    def bystanders(self) -> tuple[int, ...]:
        """Viewers who let it pass: neither reported it nor rebuked its sender."""
        gone = set(self.reporters) | set(self.rebukers)
        return tuple(v for v in self.viewers if v not in gone)


Event = (
    MessagePosted | MemberJoined | MemberLeft | ClockTick | MessageReported | PaymentMade | AppealGranted | MessageRemoved
)
