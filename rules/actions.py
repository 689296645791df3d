"""What a rule can ask for. The simulator (or a replay of a real log) applies them.

Every action names the rule that raised it and the member it concerns;
group-wide actions (a post, a notice to the operator, compensation,
dissolving) use ``member = -1``. Punitive actions (:data:`PUNITIVE`) are never
applied to an owner or admin: the engine drops them.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUP = -1
"""The ``member`` of an action aimed at the whole group."""


@dataclass(frozen=True, slots=True)
class Delete:
    """Remove a message (撤回/删除)."""

    rule: str
    member: int
    message_id: int


@dataclass(frozen=True, slots=True)
class Warn:
    """Warn a member in the group, with a text."""

    rule: str
    member: int
    text: str = ""


@dataclass(frozen=True, slots=True)
class Mute:
    """Stop a member posting for ``minutes`` (禁言)."""

    rule: str
    member: int
    minutes: float


@dataclass(frozen=True, slots=True)
class Kick:
    """Remove a member from the group (踢出); ``appeal_minutes`` >= 0 lets them appeal."""

    rule: str
    member: int
    appeal_minutes: float = -1.0


@dataclass(frozen=True, slots=True)
class Ban:
    """Kick and blacklist (拉黑): in this group, or in every group of the operator."""

    rule: str
    member: int
    scope: str = "group"  # group | operator
    appeal_minutes: float = -1.0


@dataclass(frozen=True, slots=True)
class RequirePayment:
    """Pay-to-post: the ad stands only if the sender pays ``amount`` yuan within the time, else ``otherwise``."""

    rule: str
    member: int
    message_id: int
    amount: float = 10.0
    within_minutes: float = 30.0
    otherwise: str = "delete"  # delete | kick


@dataclass(frozen=True, slots=True)
class MoveToAdThread:
    """Move an ad out of the main chat into the single ad thread kept by admins (seed 004)."""

    rule: str
    member: int
    message_id: int


@dataclass(frozen=True, slots=True)
class Post:
    """Staff post ``kind`` (warm_up, welcome, rules, reminder, thank_you, red_packet) with a text."""

    rule: str
    member: int = GROUP  # the newcomer a welcome greets, else GROUP
    kind: str = "rules"
    text: str = ""


@dataclass(frozen=True, slots=True)
class NotifyOperator:
    """Tell the operator (a case for a human: a crisis, a metric alarm)."""

    rule: str
    member: int = GROUP
    text: str = ""


@dataclass(frozen=True, slots=True)
class Compensate:
    """Compensate every present member (red packet, coupon) during a crisis (seed 001 §九.5)."""

    rule: str
    member: int = GROUP
    yuan: float = 5.0
    satisfaction: float = 0.1


@dataclass(frozen=True, slots=True)
class Promote:
    """Make a member an admin (a reward, seed 001 §六.2 and §九.4)."""

    rule: str
    member: int


@dataclass(frozen=True, slots=True)
class Reward:
    """Recognise a member: an offline event invitation, an interview on the official account,
    a gift or a red packet (seed 001 §六.2: 线下活动、公众号专访、红包奖励)."""

    rule: str
    member: int
    kind: str = "red_packet"
    yuan: float = 10.0
    satisfaction: float = 0.3


@dataclass(frozen=True, slots=True)
class PrivateTalk:
    """Take it to private chat (加好友私聊 / 小窗沟通): staff add the member as a friend and talk
    it through there, instead of sanctioning them in front of the group (seed 001 §一.6, §二.4).

    Takes ``minutes`` of the executor's time; a member talked round voices their
    grievances in private for ``hours`` and gains ``satisfaction`` from the attention.
    """

    rule: str
    member: int
    minutes: float = 10.0
    hours: float = 72.0
    satisfaction: float = 0.1


@dataclass(frozen=True, slots=True)
class Dissolve:
    """Dissolve the group (解散)."""

    rule: str
    member: int = GROUP


Action = (
    Delete | Warn | Mute | Kick | Ban | RequirePayment | MoveToAdThread | Post | NotifyOperator | Compensate | Promote | Reward
    | PrivateTalk | Dissolve
)

PUNITIVE: tuple[type, ...] = (Delete, Warn, Mute, Kick, Ban, RequirePayment, MoveToAdThread)
"""Actions that sanction their member: never applied to owners or admins; ground truth judges them."""

SEVERITY: dict[type, int] = {Warn: 1, Mute: 2, Kick: 3, Ban: 4}
"""Order of the sanction ladder's steps."""
