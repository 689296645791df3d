"""Carrying out what the rules ask for: who acts, when, and what it cost.

The rule engine (``rules/``) decides; this module routes its actions to their
executor and carries them out through the effect table (sim/model/effects.py):
at once for a bot, after the operator's response delay, or
through a modelled human admin (working hours, response delay, an attention
budget shared over the groups they run, a chance of missing the case). It
also keeps the ground truth the rules never see: for each rule, true and
false positives against agents' true roles, legitimate members punished,
ad exposure before removal and moderator minutes (docs/MODEL.md, "Rules").
Pay-to-post payments and appeals are simulated here too, and fed back to the
rules as events; members' reports (举报), the brigade's false ones included,
come through the members' report path (sim/model/members/reports.py) and
reach the rules through :meth:`Moderation.feed`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from rules import Delete, Executor, HumanExecutor, MoveToAdThread, PrivateTalk
from rules.actions import Action
from sim.base.clock import MINUTES_PER_DAY
from sim.model.effects import OPERATOR_MINUTES_PER_CASE, STAFF_POST_MINUTES, effect_for, is_punitive
from sim.model.roster import ADMIN, ADVERSARY, LEGIT, STAFF

if TYPE_CHECKING:
    from sim.model.world import World

_STAT_KEYS = (
    "actions", "on_adversaries", "on_legitimate", "cases", "true_positives", "false_positives", "missed",
    "legitimate_punished", "ad_exposure_before_removal", "ads_removed", "moderator_minutes", "staff_posts",
    "payments_yuan", "compensation_yuan", "reward_yuan", "appeals", "reinstated", "private_talks",
)


@dataclass(slots=True)
class _Case:
    """One case waiting at a human admin's desk: its arrival order, cost, queue key and what carrying it out does."""

    seq: int
    cost: float
    reports: Callable[[], int]
    carry_out: Callable[[float], None]


class HumanDesk:
    """One human admin's desk: when each case is looked at, and the order of the backlog.

    A case raised at ``t`` is missed with ``miss_probability``; otherwise it
    reaches the admin at ``next_working_time(t + delay)``. The admin handles it
    then if the day's minutes (``attention_minutes_per_day / groups``) still
    hold its cost; otherwise it joins the backlog, which the admin works
    through at the start of each working day, in the ``queue`` order: the case
    with the most reports first (its message's reports at that moment, ties by
    arrival), or first in, first out. What does not fit waits for the next day.
    """

    def __init__(self, spec: HumanExecutor, rng: np.random.Generator, world: World) -> None:
        self.spec, self.rng, self.world = spec, rng, world
        self.used: dict[int, float] = {}
        self.backlog: list[_Case] = []
        self._seq = 0
        self._sitting = -1.0  # when the next backlog sitting is scheduled (-1: none)

    def _delay(self) -> float:
        d = self.spec.response_delay
        if d.dist == "fixed":
            return d.median
        if d.dist == "exponential":
            return float(self.rng.exponential(d.median))
        return d.median * math.exp(d.sigma * float(self.rng.standard_normal()))

    def _working(self, t: float) -> float:
        day, minute = divmod(t, MINUTES_PER_DAY)
        start, end = self.spec.working_hours[0] * 60.0, self.spec.working_hours[1] * 60.0
        if start <= minute < end:
            return t
        return day * MINUTES_PER_DAY + start if minute < start else (day + 1) * MINUTES_PER_DAY + start

    def _fits(self, t: float, cost: float) -> bool:
        """Whether day ``t``'s minutes still hold ``cost``; if so they are spent."""
        day = int(t // MINUTES_PER_DAY)
        if self.used.get(day, 0.0) + cost <= self.spec.budget_per_group:
            self.used[day] = self.used.get(day, 0.0) + cost
            return True
        return False

    def submit(self, t: float, cost: float, reports: Callable[[], int], carry_out: Callable[[float], None]) -> bool:
        """A case raised at ``t`` costing ``cost`` minutes; False if the admin misses it.

        ``reports`` gives the case's report count when the backlog is ordered;
        ``carry_out(when)`` is called when the admin handles it.
        """
        if self.rng.random() < self.spec.miss_probability:
            return False
        due = self._working(t + self._delay())
        self._seq += 1
        case = _Case(self._seq, cost, reports, carry_out)
        self.world.schedule(due, lambda: self._arrive(case, due))
        return True

    def _arrive(self, case: _Case, t: float) -> None:
        if self._fits(t, case.cost):
            case.carry_out(t)
            return
        self.backlog.append(case)
        self._plan_sitting(self._working((t // MINUTES_PER_DAY + 1) * MINUTES_PER_DAY))

    def _plan_sitting(self, when: float) -> None:
        if self._sitting < 0 and when < self.world.end:
            self._sitting = when
            self.world.schedule(when, self._sit)

    def order(self) -> list[_Case]:
        """The backlog in the order the admin takes it (``queue``)."""
        if self.spec.queue == "fifo":
            return sorted(self.backlog, key=lambda c: c.seq)
        return sorted(self.backlog, key=lambda c: (-c.reports(), c.seq))

    def _sit(self) -> None:
        """Start of a working day: the backlog, in queue order, while the day's minutes last."""
        t, self._sitting = self._sitting, -1.0
        left: list[_Case] = []
        for case in self.order():
            if self._fits(t, case.cost):
                case.carry_out(t)
            else:
                left.append(case)
        self.backlog = sorted(left, key=lambda c: c.seq)
        if left:
            self._plan_sitting(self._working((t // MINUTES_PER_DAY + 1) * MINUTES_PER_DAY))


class Moderation:
    """Applies rule actions to one simulation and keeps per-rule ground truth."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.executors = world.scenario.ruleset.executors()  # type: ignore[union-attr]
        self.stats: dict[str, dict[str, Any]] = {}
        self._desks: dict[str, HumanDesk] = {}
        self._punished: dict[str, set[int]] = {}
        self._last_case: dict[tuple[str, int], float] = {}
        self._staff_id: int | None = None

    # ---- bookkeeping -----------------------------------------------------------
    def stat(self, rule: str) -> dict[str, Any]:
        s = self.stats.get(rule)
        if s is None:
            s = self.stats[rule] = dict.fromkeys(_STAT_KEYS, 0)
        return s

    def truth(self, member: int) -> int:
        return int(self.world.roster.truth[member]) if member >= 0 else STAFF

    def case(self, rule: str, member: int, t: float) -> None:
        """Ground truth for one carried-out punitive case (one per rule, member and moment)."""
        if self._last_case.get((rule, member)) == t:
            return
        self._last_case[(rule, member)] = t
        s, truth = self.stat(rule), self.truth(member)
        s["cases"] += 1
        if truth == ADVERSARY:
            s["true_positives"] += 1
        elif truth == LEGIT:
            s["false_positives"] += 1
            punished = self._punished.setdefault(rule, set())
            if member not in punished:
                punished.add(member)
                s["legitimate_punished"] += 1

    # ---- routing ---------------------------------------------------------------
    def apply_all(self, actions: list[Action], t: float) -> None:
        """Carry out ``actions`` raised at time ``t`` (now, or later for a human)."""
        world = self.world
        cases: dict[tuple[str, int], list[Action]] = {}
        operator_cases: dict[tuple[str, int], bool] = {}  # case -> the operator has time for it
        for a in actions:
            stats = self.stat(a.rule)
            stats["actions"] += 1
            if a.member >= 0 and is_punitive(a):
                stats["on_adversaries" if world.roster.truth[a.member] == ADVERSARY else "on_legitimate"] += 1
            executor = self.executors.get(a.rule, Executor.BOT)
            if executor is Executor.OPERATOR and world.operator.present:
                key = (a.rule, a.member if is_punitive(a) else -2 - len(operator_cases))
                if key not in operator_cases:
                    # In a portfolio the operator's minutes are shared by all groups: a case
                    # that finds the day's budget spent is missed (seed 001: 5-10 groups each).
                    cost = a.minutes if isinstance(a, PrivateTalk) else OPERATOR_MINUTES_PER_CASE
                    free = world.ties.attention.spend(world, t, cost)
                    operator_cases[key] = free
                    stats["moderator_minutes" if free else "missed"] += cost if free else 1
                if not operator_cases[key]:
                    continue
                # one delay draw per action, as the operator always did (keeps runs comparable)
                delay = world.operator.response_delay(t)
                world.schedule(t + delay, lambda a=a, when=t + delay: self.apply(a, when))
            elif isinstance(executor, HumanExecutor):
                cases.setdefault((a.rule, a.member if is_punitive(a) else -2 - len(cases)), []).append(a)
            else:
                self.apply(a, t)
        for (rule, _), group in cases.items():
            self._dispatch_human(rule, group, t)

    def _dispatch_human(self, rule: str, group: list[Action], t: float) -> None:
        spec = self.executors[rule]
        assert isinstance(spec, HumanExecutor)
        desk = self._desks.get(spec.label)
        if desk is None:
            desk = self._desks[spec.label] = HumanDesk(spec, self.world.streams.get("moderator", len(self._desks)), self.world)
        punitive = is_punitive(group[0])
        talk = next((a.minutes for a in group if isinstance(a, PrivateTalk)), 0.0)
        cost = spec.minutes_per_case if punitive else STAFF_POST_MINUTES
        cost = max(cost, talk)  # a private talk takes the human its own minutes
        s = self.stat(rule)
        reports = self.world.posting.reports
        ids = [m for m in (getattr(a, "message_id", -1) for a in group) if m >= 0]
        member = group[0].member

        def count() -> int:
            """The case's reports now: on its message(s), else against its member."""
            return max(reports.count(m) for m in ids) if ids else reports.against(member)

        def carry_out(when: float) -> None:
            s["moderator_minutes"] += cost
            for a in group:
                self.apply(a, when)
        if not desk.submit(t, cost, count, carry_out):
            s["missed"] += 1

    # ---- effects ---------------------------------------------------------------
    def apply(self, a: Action, t: float) -> None:
        """Carry out one action at time ``t``: count the case, then its effect (sim/model/effects.py)."""
        if is_punitive(a) and a.member >= 0 and not isinstance(a, (Delete, MoveToAdThread)):
            if self.world.roster.present[a.member]:
                self.case(a.rule, a.member, t)
        effect = effect_for(a)
        if effect is None:
            raise TypeError(f"no effect registered for the action {type(a).__name__} (see sim.model.effects.register_effect)")
        effect(self.world, a, t)

    def feed(self, event: Any, t: float) -> None:
        """Hand a simulated event (report, payment, appeal) to the rules and apply what they ask."""
        if self.world.rules.wants(type(event)):
            self.world.roster.now = t
            self.apply_all(self.world.rules.handle(event, self.world.roster), t)

    def staff_account(self) -> int:
        """Who posts for the rules: the operator, else a bot admin account."""
        world = self.world
        if world.operator.present:
            return world.operator.id
        if self._staff_id is None:
            self._staff_id = world.roster.new_agent(-1, STAFF, ADMIN)
        return self._staff_id


def totals(stats: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Flat run totals of the per-rule ground truth (for the run summary)."""
    keys = ("true_positives", "false_positives", "legitimate_punished", "ad_exposure_before_removal",
            "moderator_minutes", "missed", "payments_yuan", "compensation_yuan", "reward_yuan", "appeals", "reinstated",
            "private_talks")
    return {k: float(sum(s.get(k, 0) for s in stats.values())) for k in keys}


__all__ = ["HumanDesk", "Moderation", "totals"]
