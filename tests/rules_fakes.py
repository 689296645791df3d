"""Fakes for rule tests: a message and a group view that need no simulation."""

from __future__ import annotations

from dataclasses import dataclass, field

from rules import MessagePosted, VisibleRole
from rules.replay import LoggedMessage


Msg = LoggedMessage  # a logged message is exactly what rules observe


@dataclass
class FakeView:
    """A group view: roles by member (default member), everyone present, joined at 0."""

    roles: dict[int, VisibleRole] = field(default_factory=dict)
    present: set[int] = field(default_factory=lambda: set(range(10)))
    paid_members: set[int] = field(default_factory=set)
    joined: dict[int, float] = field(default_factory=dict)
    now: float = 0.0

    def member_count(self) -> int:
        return len(self.present)

    def is_member(self, member: int) -> bool:
        return member in self.present

    def visible_role(self, member: int) -> VisibleRole:
        return self.roles.get(member, VisibleRole.MEMBER)

    def tenure(self, member: int) -> float:
        return self.now - self.joined.get(member, 0.0)

    def warnings(self, member: int) -> int:
        return 0

    def members(self) -> list[int]:
        return sorted(self.present)

    def paid(self, member: int) -> bool:
        return member in self.paid_members


_ids = iter(range(10**9))


def posted(sender: int, t: float = 0.0, text: str = "", **kw: object) -> MessagePosted:
    """A MessagePosted event with a fresh message id."""
    return MessagePosted(t, Msg(next(_ids), t, sender, text=text, **kw))  # type: ignore[arg-type]
