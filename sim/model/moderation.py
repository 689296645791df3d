"""Carrying out what the rules ask for: who acts, when, and what it cost.

The rule engine (``rules/``) decides; this module routes its actions to their
executor and carries them out through the effect table (sim/model/effects.py):
at once for a bot, after the operator's response delay, or
through a modelled human admin (working hours, response delay, an attention
budget shared over the groups they run, a chance of missing the case). It
also keeps the ground truth the rules never see: for each rule, true and
false positives against agents' true roles, legitimate members punished,
ad exposure before removal and moderator minutes (docs/MODEL.md, "Rules").
Member reports (举报), pay-to-post payments and appeals are simulated here
too, and fed back to the rules as events.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from rules import Delete, Executor, HumanExecutor, MessageReported, MoveToAdThread, PrivateTalk
from rules.actions import Action
from sim.base.clock import MINUTES_PER_DAY
from sim.model.effects import OPERATOR_MINUTES_PER_CASE, STAFF_POST_MINUTES, effect_for, is_punitive
from sim.model.roster import ADMIN, ADVERSARY, LEGIT, MEMBER, STAFF
from sim.model.messages import Kind

if TYPE_CHECKING:
    from sim.model.world import World

REPORTS_PER_AD = 2.0  # expected member reports (举报) on an ad seen by 100 members
FALSE_REPORTS = 0.002  # expected reports on any other member message
_STAT_KEYS = (
    "actions", "on_adversaries", "on_legitimate", "cases", "true_positives", "false_positives", "missed",
    "legitimate_punished", "ad_exposure_before_removal", "ads_removed", "moderator_minutes", "staff_posts",
    "payments_yuan", "compensation_yuan", "reward_yuan", "appeals", "reinstated", "private_talks",
)


class HumanDesk:
    """One human admin's queue: when a case gets handled, or None if missed."""

    def __init__(self, spec: HumanExecutor, rng: np.random.Generator) -> None:
        self.spec, self.rng = spec, rng
        self.used: dict[int, float] = {}

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

    def schedule(self, t: float, cost: float) -> float | None:
        """When a case raised at ``t`` costing ``cost`` minutes is handled (None: missed)."""
        if self.rng.random() < self.spec.miss_probability:
            return None
        when = self._working(t + self._delay())
        budget = self.spec.budget_per_group
        for _ in range(366):  # over budget today: the case waits for the next working day
            day = int(when // MINUTES_PER_DAY)
            if self.used.get(day, 0.0) + cost <= budget:
                self.used[day] = self.used.get(day, 0.0) + cost
                return when
            when = self._working((day + 1) * MINUTES_PER_DAY)
        return None


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
        self._reports: dict[int, int] = {}
        self._scanned = 0
        if world.rules.wants(MessageReported):
            world.schedule(60.0, self._scan_reports)

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
            desk = self._desks[spec.label] = HumanDesk(spec, self.world.streams.get("moderator", len(self._desks)))
        punitive = is_punitive(group[0])
        talk = next((a.minutes for a in group if isinstance(a, PrivateTalk)), 0.0)
        cost = spec.minutes_per_case if punitive else STAFF_POST_MINUTES
        cost = max(cost, talk)  # a private talk takes the human its own minutes
        when = desk.schedule(t, cost)
        s = self.stat(rule)
        if when is None:
            s["missed"] += 1
            return
        s["moderator_minutes"] += cost

        def carry_out() -> None:
            for a in group:
                self.apply(a, when)
        self.world.schedule(when, carry_out)

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

    def report(self, m: Any, t: float) -> None:
        """Someone reports message ``m`` (举报); rules with a report-count trigger see the count."""
        count = self._reports[m.id] = self._reports.get(m.id, 0) + 1
        if self.world.rules.wants(MessageReported):
            self.feed(MessageReported(t, m, m.sender, count), t)

    def report_member(self, member: int, t: float, lookback: int = 2000) -> bool:
        """Report ``member``'s latest visible message among the last ``lookback``; False if none."""
        msgs = self.world.roster.messages
        for m in reversed(msgs[-lookback:]):
            if m.sender == member and m.deleted_at < 0:
                self.report(m, t)
                return True
        return False

    def _scan_reports(self) -> None:
        """Hourly: members report what they saw in the last hour (ads mostly)."""
        world, g = self.world, self.world.roster
        t = world.env.now
        msgs, start = g.messages, self._scanned
        self._scanned = len(msgs)
        readers = float(np.count_nonzero(g.present[: g.n] & g.reader[: g.n]))
        rng = world.streams.get("reports", int(t // 60))
        for m in msgs[start:]:
            if m.deleted_at >= 0 or g.visible[m.sender] != MEMBER:
                continue
            rate = REPORTS_PER_AD * readers / 100.0 if m.kind is Kind.AD else FALSE_REPORTS
            for _ in range(int(rng.poisson(rate))):
                self.report(m, t)
        if t + 60.0 < world.end:
            world.schedule(t + 60.0, self._scan_reports)


def totals(stats: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Flat run totals of the per-rule ground truth (for the run summary)."""
    keys = ("true_positives", "false_positives", "legitimate_punished", "ad_exposure_before_removal",
            "moderator_minutes", "missed", "payments_yuan", "compensation_yuan", "reward_yuan", "appeals", "reinstated",
            "private_talks")
    return {k: float(sum(s.get(k, 0) for s in stats.values())) for k in keys}


__all__ = ["HumanDesk", "Moderation", "totals"]
