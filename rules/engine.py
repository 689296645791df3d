"""The rule seam: rules see an event and a read-only group view and return actions.

A :class:`Rule` has one required method, :meth:`Rule.on_event`. The
:class:`RuleEngine` calls each rule only for the event types it declares in
``triggers`` (so a message costs nothing for rules that only watch joins),
in priority order, and drops any action aimed at a protected visible role:
no rule ever acts on the owner or an admin (群主/管理).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, Protocol, runtime_checkable

from rules.actions import Action
from rules.events import Event, VisibleRole
from rules.view import GroupView

PROTECTED_ROLES = frozenset({VisibleRole.OWNER, VisibleRole.ADMIN})


@runtime_checkable
class Rule(Protocol):
    """A moderation rule. ``name`` labels its actions; ``triggers`` lists event types."""

    name: str
    priority: int
    triggers: frozenset[type]

    def on_event(self, event: Event, view: GroupView) -> Sequence[Action]:
        """Judge ``event``; return the actions to take (often none)."""
        ...


class RuleBase:
    """A do-nothing rule to subclass: override ``on_event`` and set ``triggers``."""

    triggers: ClassVar[frozenset[type]] = frozenset()

    def __init__(self, name: str, priority: int = 100) -> None:
        self.name = name
        self.priority = priority

    def on_event(self, event: Event, view: GroupView) -> Sequence[Action]:
        return ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, priority={self.priority})"


class RuleEngine:
    """Runs rules in priority order (lower first) and filters protected targets."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self.rules: tuple[Rule, ...] = tuple(sorted(rules, key=lambda r: r.priority))
        self._by_type: dict[type, tuple[Rule, ...]] = {}
        for rule in self.rules:
            for t in rule.triggers:
                self._by_type[t] = (*self._by_type.get(t, ()), rule)

    def wants(self, event_type: type) -> bool:
        """Whether any rule listens to ``event_type`` (callers may skip building events)."""
        return event_type in self._by_type

    def handle(self, event: Event, view: GroupView) -> list[Action]:
        """All actions the rules ask for on ``event``, protected members excluded."""
        rules = self._by_type.get(type(event))
        if not rules:
            return []
        out: list[Action] = []
        for rule in rules:
            for action in rule.on_event(event, view):
                if view.visible_role(action.member) not in PROTECTED_ROLES:
                    out.append(action)
        return out

    def __repr__(self) -> str:
        return f"RuleEngine({list(self.rules)!r})"
