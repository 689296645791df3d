"""What a rule can ask for, and the one table that defines each action. The simulator (or a replay) applies them.

Every action names the rule that raised it and the member it concerns;
group-wide actions (a post, a notice to the operator, compensation,
dissolving) use ``member = -1``. Punitive actions are never applied to an
owner or admin: the engine drops them.

:func:`action_table` maps each name a rule file writes (``kick``,
``ad_thread``, ``private_talk``) to its :class:`~rules.action_defs.ActionDef`:
the action class, its parameter schema, who may carry it out, whether it is
punitive and a one-line summary. The declarative parser, ladders, executors,
lint, explain, replay and ``groupsim rules actions`` all read it. Other
packages add actions through the entry-point group ``groupsim.actions``
(each entry point loads an ``ActionDef`` with its own ``effect``).
"""

from __future__ import annotations

import functools
import importlib.metadata as md
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from rules.action_defs import GROUP, ActionDef, params_of


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
    """Remove a member from the group (踢出); ``appeal_minutes`` >= 0 (the rule's ``appeal``) lets them appeal."""

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
class Rebuke:
    """Rebuke in public (公开批评): the message's sender, or the members who saw it (``to``).

    ``to``: ``sender``; ``viewers`` (everyone who saw it); ``reporters``;
    ``viewers_who_did_not_report``; ``bystanders`` (saw it, neither reported
    it nor rebuked its sender: the metanorm of Axelrod 1986). Each member
    rebuked loses ``standing`` satisfaction. Viewers are known for tracked
    messages (harmful ones, norm violations; docs/MODEL.md "Norms and metanorms").
    """

    rule: str
    member: int
    message_id: int
    to: str = "sender"
    standing: float = 0.09


@dataclass(frozen=True, slots=True)
class Dissolve:
    """Dissolve the group (解散)."""

    rule: str
    member: int = GROUP


Action = (
    Delete | Warn | Mute | Kick | Ban | RequirePayment | MoveToAdThread | Post | NotifyOperator | Compensate | Promote | Reward
    | PrivateTalk | Rebuke | Dissolve
)

POST_KINDS = ("warm_up", "welcome", "rules", "reminder", "thank_you", "red_packet")
REWARD_KINDS = ("offline_event", "interview", "gift", "red_packet")
REBUKE_TARGETS = ("sender", "viewers", "reporters", "viewers_who_did_not_report", "bystanders")
ACTION_ENTRY_POINT_GROUP = "groupsim.actions"
_ANYONE = frozenset({"bot", "operator", "human"})


def _summary(action: type) -> str:
    """The first paragraph of the class docstring, on one line."""
    first = (action.__doc__ or action.__name__).strip().split("\n\n")[0]
    return " ".join(first.split()).replace("``", "`")


def _builtin(name: str, action: type, *, punitive: bool = False, **schema: Any) -> ActionDef:
    return ActionDef(name, action, _ANYONE, punitive, _summary(action), params_of(action, **schema))


BUILTIN_ACTIONS: tuple[ActionDef, ...] = (
    _builtin("delete", Delete, punitive=True),
    _builtin("warn", Warn, punitive=True, scalar="text"),
    _builtin("mute", Mute, punitive=True, scalar="minutes", minimum={"minutes": 0.0}, strict=frozenset({"minutes"}),
             examples={"minutes": 60}),
    _builtin("kick", Kick, punitive=True),
    _builtin("ban", Ban, punitive=True, scalar="scope", choices={"scope": ("group", "operator")}),
    _builtin("require_payment", RequirePayment, punitive=True, choices={"otherwise": ("delete", "kick")}),
    _builtin("ad_thread", MoveToAdThread, punitive=True),
    _builtin("post", Post, scalar="kind", choices={"kind": POST_KINDS}, required=frozenset({"kind"}),
             member_when=lambda values: values["kind"] == "welcome"),  # a welcome greets the newcomer
    _builtin("notify_operator", NotifyOperator, scalar="text"),
    _builtin("compensate", Compensate),
    _builtin("promote", Promote),
    _builtin("reward", Reward, scalar="kind", choices={"kind": REWARD_KINDS}),
    _builtin("private_talk", PrivateTalk, minimum={"minutes": 0.0, "hours": 0.0, "satisfaction": 0.0}),
    # Not flagged punitive: its member is the message's sender, but whom it sanctions depends on `to`; the
    # simulator's effect skips owners and admins and counts a case for each member it rebukes.
    _builtin("rebuke", Rebuke, scalar="to", choices={"to": REBUKE_TARGETS},
             minimum={"standing": 0.0}),
    _builtin("dissolve", Dissolve),
)
"""The actions shipped with groupsim; their effects are the simulator's (sim.model)."""

_BUILTIN = {d.name: d for d in BUILTIN_ACTIONS}

PUNITIVE: tuple[type, ...] = tuple(d.action for d in BUILTIN_ACTIONS if d.punitive)
"""Built-in actions that sanction their member: never applied to owners or admins; ground truth judges them."""

SEVERITY: dict[type, int] = {_BUILTIN[n].action: k for k, n in enumerate(("warn", "mute", "kick", "ban"), start=1)}
"""Order of the sanction ladder's steps."""


def _plugin(ep: md.EntryPoint, table: Mapping[str, ActionDef]) -> ActionDef:
    where = f"action plugin {ep.name!r} ({ep.value})"
    try:
        d = ep.load()
    except Exception as exc:  # a broken plugin is reported by name, not as a bare traceback
        raise ValueError(f"{where} failed to load: {exc}") from None
    if not isinstance(d, ActionDef):
        raise ValueError(f"{where} is a {type(d).__name__}, not a rules.ActionDef")
    if d.name != ep.name:
        raise ValueError(f"{where} defines an action named {d.name!r}; the entry point must have the same name")
    clash = next((o.name for o in table.values() if o.name == d.name or o.action is d.action), None)
    if clash is not None:
        raise ValueError(f"{where} clashes with the action {clash!r}")
    if d.effect is None:
        raise ValueError(f"{where} needs an `effect(world, action, t)`: only built-in actions leave it to the simulator")
    return d


@functools.cache
def action_table() -> Mapping[str, ActionDef]:
    """Every action by the name rule files use: the built-ins, then plugins (``groupsim.actions``).

    Read once per process (``action_table.cache_clear()`` reads the entry points
    again); a plugin that fails to load, or clashes with another action, is a
    ValueError naming it.
    """
    table = dict(_BUILTIN)
    for ep in sorted(md.entry_points(group=ACTION_ENTRY_POINT_GROUP), key=lambda e: e.name):
        table[ep.name] = _plugin(ep, table)
    return MappingProxyType(table)


_by_class: tuple[Mapping[str, ActionDef], dict[type, ActionDef]] | None = None


def action_def(action_or_class: Any) -> ActionDef:
    """The definition of an action object or class (a KeyError if the table has none)."""
    global _by_class
    table = action_table()
    if _by_class is None or _by_class[0] is not table:
        _by_class = (table, {d.action: d for d in table.values()})
    cls = action_or_class if isinstance(action_or_class, type) else type(action_or_class)
    try:
        return _by_class[1][cls]
    except KeyError:
        raise KeyError(f"{cls.__name__} is not in the action table; actions: {', '.join(sorted(table))}") from None


__all__ = [
    "ACTION_ENTRY_POINT_GROUP", "BUILTIN_ACTIONS", "GROUP", "POST_KINDS", "PUNITIVE", "REBUKE_TARGETS", "REWARD_KINDS", "SEVERITY",
    "Action", "ActionDef", "Ban", "Compensate", "Delete", "Dissolve", "Kick", "MoveToAdThread", "Mute",
    "NotifyOperator", "Post", "PrivateTalk", "Promote", "Rebuke", "RequirePayment", "Reward", "Warn", "action_def",
    "action_table",
]
