"""Fakes for rule tests: a message and a group view that need no simulation."""

from __future__ import annotations

from dataclasses import dataclass, field

from rules import MessagePosted, VisibleRole
from rules.replay import LoggedMessage, ReplayView


Msg = LoggedMessage  # a logged message is exactly what rules observe


@dataclass
class FakeView(ReplayView):
    """The replay's group view with test defaults: everyone in 0-9 present, joined at 0, payers listed."""

    present: set[int] = field(default_factory=lambda: set(range(10)))
    paid_members: set[int] = field(default_factory=set)

    def tenure(self, member: int) -> float:
        return self.now - self.joined.get(member, 0.0)

    def paid(self, member: int) -> bool:
        return member in self.paid_members


_ids = iter(range(10**9))


def posted(sender: int, t: float = 0.0, text: str = "", **kw: object) -> MessagePosted:
    """A MessagePosted event with a fresh message id."""
    return MessagePosted(t, Msg(next(_ids), t, sender, text=text, **kw))  # type: ignore[arg-type]
