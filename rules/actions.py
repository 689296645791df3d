"""What a rule can ask for. The simulator (or a replay of a real log) applies them."""

from __future__ import annotations

from dataclasses import dataclass


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
    """Remove a member from the group (踢出)."""

    rule: str
    member: int


Action = Delete | Warn | Mute | Kick
