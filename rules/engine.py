"""The rule seam: rules see an event and a read-only group view and return actions.

A :class:`Rule` has one required method, :meth:`Rule.on_event`. The
:class:`RuleEngine` calls each rule only for the event types it declares in
``triggers`` (so a message costs nothing for rules that only watch joins),
in priority order, and drops any punitive action aimed at a protected
visible role: by default no rule sanctions the owner or an admin (群主/管理);
a ruleset's ``exempt_roles`` changes which roles are protected (``[]`` lets
rules act on staff who break the rules, seed 001 §七.3).

When the engine has an :class:`~rules.observe.Observer` (any declarative
rule), it observes each event once -- counters, keyword pass -- and hands
the shared facts to every rule that can ``judge`` them. It also keeps the
ban list: a banned member's messages are deleted and their re-entry kicked
at once (rule ``ban_list``); an upheld appeal clears strikes and lifts bans.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rules.actions import Action, Ban, Delete, Kick, action_table
from rules.events import AppealGranted, Event, MemberJoined, MemberLeft, MessageForm, MessagePosted, PaymentMade, VisibleRole
from rules.view import GroupView

if TYPE_CHECKING:
    from rules.observe import Observer

PROTECTED_ROLES = frozenset({VisibleRole.OWNER, VisibleRole.ADMIN})
BAN_LIST = "ban_list"
_OBSERVED = (MessagePosted, MemberJoined, MemberLeft, PaymentMade, AppealGranted)
_TEXT = MessageForm.TEXT
_LOOKS = 4096  # plain texts whose screened rule list is kept (see RuleEngine.handle_post)


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

    triggers: frozenset[type] = frozenset()

    def __init__(self, name: str, priority: int = 100) -> None:
        self.name = name
        self.priority = priority

    def on_event(self, event: Event, view: GroupView) -> Sequence[Action]:
        return ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, priority={self.priority})"


Call = tuple[Callable[[Any], Any] | None, Callable[[Any], Sequence[Action]] | None, Rule]


def _always(facts: Any) -> bool:
    return True


class RuleEngine:
    """Runs rules in priority order (lower first) and filters protected targets."""

    def __init__(
        self, rules: Iterable[Rule] = (), observer: Observer | None = None, protected: Iterable[VisibleRole] = PROTECTED_ROLES,
    ) -> None:
        self.rules: tuple[Rule, ...] = tuple(sorted(rules, key=lambda r: r.priority))
        self.observer = observer
        self.protected = frozenset(protected)  # visible roles no sanction reaches (a ruleset's exempt_roles)
        # Sanctions (the action table's punitive rows, plugins included) never reach a protected role.
        self._punitive = frozenset(d.action for d in action_table().values() if d.punitive)
        self._memo: dict[Any, bool] = {}  # conditions several rules share: evaluated once per event
        plain: list[tuple[Rule, Any, bool]] = []
        for rule in self.rules:
            shared = observer is not None and getattr(rule, "observer", None) is observer
            plain.append((rule, getattr(rule, "test", None) if shared else None, shared))
        tests = [t for _, t, _ in plain if t is not None]
        twice = {t for t in tests if tests.count(t) > 1}
        self._by_type: dict[type, tuple[Call, ...]] = {}
        # Messages: per message look, the rules whose static part holds (see _candidates).
        self._plans: list[tuple[Any, Call]] = []
        for rule, test, shared in plain:
            # (condition to test first, or None; what to call when it holds (or always); the rule)
            cond = getattr(rule, "condition", None)
            static = cond.static_part if test is not None and cond is not None else None
            if test is not None:
                if test in twice and static is None:
                    test = self._shared(test)
                call: Call = (test, rule.fire, rule)  # type: ignore[attr-defined]
            else:
                call = (None, rule.judge if shared else None, rule)  # type: ignore[attr-defined]
            for t in rule.triggers:
                self._by_type[t] = (*self._by_type.get(t, ()), call)
            if MessagePosted in rule.triggers:
                rest = (cond.dynamic_part or _always) if static is not None and cond is not None else None
                self._plans.append((static, (rest, call[1], rule) if static is not None else call))
        if not any(st is not None for st, _ in self._plans):
            self._plans = []
        # Posts without an observer: per plain-text look, the rules that may act on it.
        self._post_rules = tuple(r for r in self.rules if MessagePosted in r.triggers)
        self._by_text: dict[str, tuple[Rule, ...]] = {}

    def _candidates(self, facts: Any) -> tuple[Call, ...]:
        """The message rules worth testing for this message look (static parts already hold)."""
        seen = facts.static
        got: tuple[Call, ...] | None = seen.get(-1)
        if got is None:
            got = seen[-1] = tuple(call for static, call in self._plans if static is None or static(facts))
        return got

    def _shared(self, test: Callable[[Any], Any]) -> Callable[[Any], bool]:
        memo = self._memo

        def once(facts: Any) -> bool:
            got = memo.get(test)
            if got is None:
                got = memo[test] = bool(test(facts))
            return got
        return once

    def wants(self, event_type: type) -> bool:
        """Whether the engine needs ``event_type`` (callers may skip building events)."""
        return event_type in self._by_type or (self.observer is not None and event_type in _OBSERVED)

    def handle(self, event: Event, view: GroupView) -> list[Action]:
        """All actions the rules ask for on ``event``, protected members excluded."""
        obs = self.observer
        calls = self._by_type.get(type(event))
        if obs is None:
            return self._run(calls, event, view, None) if calls else []
        facts = obs.observe(event, view)
        banned = obs.blacklist
        out: list[Action] = self._enforce_bans(event, banned) if banned.banned else []
        if type(event) is not MessagePosted:
            if isinstance(event, PaymentMade):
                obs.payments.add(event.member)
                obs.paid_messages.add(event.message_id)
            elif isinstance(event, AppealGranted):
                obs.strikes.clear(event.member)
                banned.lift(event.member)
        if self._plans and type(event) is MessagePosted:
            calls = self._candidates(facts)
        if calls:
            if self._memo:
                self._memo.clear()
            found = self._run(calls, event, view, facts)
            if found:
                out += found
        if out and isinstance(event, MessagePosted):
            m = event.message
            if any(isinstance(a, Delete) and a.message_id == m.id for a in out):
                obs.retract(m)
        return out

    def handle_post(self, event: MessagePosted, view: GroupView) -> list[Action]:
        """:meth:`handle` for a posted message (the simulator's hot path), same result.

        A rule may offer ``may_act(message) -> bool``: False promises that it
        takes no action on any message that looks like this one (same form,
        flags and text) and that skipping it loses no state; such rules are
        screened out once per distinct plain text rather than called per message.
        """
        if self.observer is not None:
            return self.handle(event, view)
        m = event.message
        if m.form is _TEXT and not (m.has_link or m.has_card or m.has_mini_program or m.has_image):
            rules = self._by_text.get(m.text)
            if rules is None:
                if len(self._by_text) >= _LOOKS:
                    self._by_text.clear()
                rules = self._by_text[m.text] = self._screen(m)
        else:
            rules = self._screen(m)
        out: list[Action] = []
        for rule in rules:
            actions = rule.on_event(event, view)
            if actions:
                self._admit(actions, view, out)
        return out

    def _screen(self, m: Any) -> tuple[Rule, ...]:
        return tuple(r for r in self._post_rules if (may := getattr(r, "may_act", None)) is None or may(m))

    def _run(self, calls: tuple[Call, ...], event: Event, view: GroupView, facts: Any) -> list[Action]:
        out: list[Action] = []
        for test, act, rule in calls:
            actions: Sequence[Action]
            if test is not None:
                if not test(facts):
                    continue
                actions = act(facts)  # type: ignore[misc]  # `fire` is set whenever `test` is
            elif act is not None:
                actions = act(facts)
            else:
                actions = rule.on_event(event, view)
            if actions:
                self._admit(actions, view, out)
        return out

    def _admit(self, actions: Sequence[Action], view: GroupView, out: list[Action]) -> None:
        """Keep ``actions`` except sanctions on protected roles (owners and admins by default); record bans."""
        protected = self.protected
        for action in actions:
            if protected and action.member >= 0 and type(action) in self._punitive and view.visible_role(action.member) in protected:
                continue
            if isinstance(action, Ban) and self.observer is not None:
                self.observer.blacklist.ban(action.member)
            out.append(action)

    @staticmethod
    def _enforce_bans(event: Event, banned: Any) -> list[Action]:
        if isinstance(event, MessagePosted) and event.message.sender in banned:
            m = event.message
            return [Delete(BAN_LIST, m.sender, m.id), Kick(BAN_LIST, m.sender)]
        if isinstance(event, MemberJoined) and event.member in banned:
            return [Kick(BAN_LIST, event.member)]
        return []

    def __repr__(self) -> str:
        return f"RuleEngine({list(self.rules)!r})"
