"""Carrying out what the rules ask for: who acts, when, and what it cost.

The rule engine (``rules/``) decides; this module applies its actions to the
simulated group: at once for a bot, after the operator's response delay, or
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

from rules import (
    PUNITIVE, AppealGranted, Ban, Compensate, Delete, Dissolve, Executor, HumanExecutor, Kick, MessageForm,
    MessageReported, MoveToAdThread, Mute, NotifyOperator, PaymentMade, Post, PrivateTalk, Promote, RequirePayment,
    Reward, Warn,
)
from rules.actions import Action
from sim.base.clock import MINUTES_PER_DAY
from sim.model.group import ADMIN, ADVERSARY, LEGIT, MEMBER, STAFF
from sim.model.messages import KIND_NAMES, Kind
from sim.spec.scenario import VALUE_DIMENSIONS

if TYPE_CHECKING:
    from sim.run.engine import Simulation

OPERATOR_MINUTES_PER_CASE = 2.0  # the operator's time per case handled (no budget)
STAFF_POST_MINUTES = 3.0  # a human's time per staff post, notice or compensation round
REPORTS_PER_AD = 2.0  # expected member reports (举报) on an ad seen by 100 members
FALSE_REPORTS = 0.002  # expected reports on any other member message
PAY_PROBABILITY = {ADVERSARY: 0.3, LEGIT: 0.05, STAFF: 1.0}  # who pays when pay-to-post asks
APPEAL_PROBABILITY = {ADVERSARY: 0.2, LEGIT: 0.5, STAFF: 1.0}  # who appeals a kick or ban
REINSTATE_PROBABILITY = {ADVERSARY: 0.1, LEGIT: 0.8, STAFF: 1.0}  # a reviewer upholds the appeal
WELCOME_GAIN = 0.05  # a newcomer's satisfaction from the welcome ritual (seed 000)
_PERKS, _ACTIVITIES = VALUE_DIMENSIONS.index("perks"), VALUE_DIMENSIONS.index("activities")
# post kind -> (message kind, form, value dimension, value, default text)
POSTS: dict[str, tuple[Kind, MessageForm, int, float, str]] = {
    "warm_up": (Kind.ACTIVITY, MessageForm.TEXT, _ACTIVITIES, 0.3, "今日话题：大家最近在用什么好物？"),
    "welcome": (Kind.ANNOUNCEMENT, MessageForm.TEXT, -1, 0.0, "欢迎新朋友！请先看群公告，改好群昵称。"),
    "rules": (Kind.ANNOUNCEMENT, MessageForm.TEXT, -1, 0.0, "群规：禁止广告和链接，私事私聊。"),
    "reminder": (Kind.ANNOUNCEMENT, MessageForm.TEXT, _ACTIVITIES, 0.05, "活动提醒：今晚八点开始！"),
    "thank_you": (Kind.ANNOUNCEMENT, MessageForm.TEXT, _PERKS, 0.1, "感谢大家，售后请找客服。"),
    "red_packet": (Kind.ACTIVITY, MessageForm.RED_PACKET, _PERKS, 0.5, "红包"),
}
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

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.executors = sim.scenario.ruleset.executors()  # type: ignore[union-attr]
        self.stats: dict[str, dict[str, Any]] = {}
        self._desks: dict[str, HumanDesk] = {}
        self._punished: dict[str, set[int]] = {}
        self._last_case: dict[tuple[str, int], float] = {}
        self._staff_id: int | None = None
        self._reports: dict[int, int] = {}
        self._scanned = 0
        if sim.rules.wants(MessageReported):
            sim.at(60.0, self._scan_reports)

    # ---- bookkeeping -----------------------------------------------------------
    def _stat(self, rule: str) -> dict[str, Any]:
        s = self.stats.get(rule)
        if s is None:
            s = self.stats[rule] = dict.fromkeys(_STAT_KEYS, 0)
        return s

    def _truth(self, member: int) -> int:
        return int(self.sim.g.truth[member]) if member >= 0 else STAFF

    def _case(self, rule: str, member: int, t: float) -> None:
        """Ground truth for one carried-out punitive case (one per rule, member and moment)."""
        if self._last_case.get((rule, member)) == t:
            return
        self._last_case[(rule, member)] = t
        s, truth = self._stat(rule), self._truth(member)
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
        sim = self.sim
        cases: dict[tuple[str, int], list[Action]] = {}
        operator_cases: dict[tuple[str, int], bool] = {}  # case -> the operator has time for it
        for a in actions:
            stats = self._stat(a.rule)
            stats["actions"] += 1
            if a.member >= 0 and isinstance(a, PUNITIVE):
                stats["on_adversaries" if sim.g.truth[a.member] == ADVERSARY else "on_legitimate"] += 1
            executor = self.executors.get(a.rule, Executor.BOT)
            if executor is Executor.OPERATOR and sim.operator is not None:
                key = (a.rule, a.member if isinstance(a, PUNITIVE) else -2 - len(operator_cases))
                if key not in operator_cases:
                    # In a portfolio the operator's minutes are shared by all groups: a case
                    # that finds the day's budget spent is missed (seed 001: 5-10 groups each).
                    budget = sim.attention
                    cost = a.minutes if isinstance(a, PrivateTalk) else OPERATOR_MINUTES_PER_CASE
                    free = budget is None or budget.spend(sim, t, cost)
                    operator_cases[key] = free
                    stats["moderator_minutes" if free else "missed"] += cost if free else 1
                if not operator_cases[key]:
                    continue
                # one delay draw per action, as the operator always did (keeps runs comparable)
                delay = sim.operator.delay(t, sim.operator.params.response_delay_minutes)
                sim.at(t + delay, lambda a=a, when=t + delay: self.apply(a, when))
            elif isinstance(executor, HumanExecutor):
                cases.setdefault((a.rule, a.member if isinstance(a, PUNITIVE) else -2 - len(cases)), []).append(a)
            else:
                self.apply(a, t)
        for (rule, _), group in cases.items():
            self._dispatch_human(rule, group, t)

    def _dispatch_human(self, rule: str, group: list[Action], t: float) -> None:
        spec = self.executors[rule]
        assert isinstance(spec, HumanExecutor)
        desk = self._desks.get(spec.label)
        if desk is None:
            desk = self._desks[spec.label] = HumanDesk(spec, self.sim.streams.get("moderator", len(self._desks)))
        punitive = isinstance(group[0], PUNITIVE)
        talk = next((a.minutes for a in group if isinstance(a, PrivateTalk)), 0.0)
        cost = spec.minutes_per_case if punitive else STAFF_POST_MINUTES
        cost = max(cost, talk)  # a private talk takes the human its own minutes
        when = desk.schedule(t, cost)
        s = self._stat(rule)
        if when is None:
            s["missed"] += 1
            return
        s["moderator_minutes"] += cost

        def carry_out() -> None:
            for a in group:
                self.apply(a, when)
        self.sim.at(when, carry_out)

    # ---- effects ---------------------------------------------------------------
    def apply(self, a: Action, t: float) -> None:
        """Carry out one action at time ``t``."""
        sim, g = self.sim, self.sim.g
        if isinstance(a, PUNITIVE) and a.member >= 0 and not isinstance(a, (Delete, MoveToAdThread)):
            if g.present[a.member]:
                self._case(a.rule, a.member, t)
        if isinstance(a, (Delete, MoveToAdThread)):
            self._remove(a, t)
        elif isinstance(a, (Kick, Ban)):
            if not g.present[a.member]:
                return
            if isinstance(a, Ban):
                sim.log.add(t, "ban", -1, a.member, rule=a.rule)
            sim.leave(a.member, t, kicked_by=a.rule)
            if a.appeal_minutes >= 0:
                self._maybe_appeal(a.rule, a.member, t, a.appeal_minutes)
        elif isinstance(a, Warn) and g.present[a.member]:
            g.warn_count[a.member] += 1
            sim.log.add(t, "warn", -1, a.member, rule=a.rule)
        elif isinstance(a, Mute) and g.present[a.member]:
            g.muted_until[a.member] = max(g.muted_until[a.member], t + float(a.minutes))
            sim.log.add(t, "rule_mute", -1, a.member, rule=a.rule)
        elif isinstance(a, RequirePayment):
            self._require_payment(a, t)
        elif isinstance(a, Post):
            self._staff_post(a, t)
        elif isinstance(a, NotifyOperator):
            self._stat(a.rule)["moderator_minutes"] += STAFF_POST_MINUTES
            sim.log.add(t, "notify", -1, -1, rule=a.rule)
        elif isinstance(a, Compensate):
            self._compensate(a, t)
        elif isinstance(a, Promote) and g.present[a.member]:
            g.visible[a.member] = ADMIN
            sim.log.add(t, "promote", -1, a.member, rule=a.rule)
        elif isinstance(a, Reward) and g.present[a.member]:
            g.bump_satisfaction(a.member, a.satisfaction, t)  # recognition (seed 001 §六.2)
            self._stat(a.rule)["reward_yuan"] += a.yuan
            sim.log.add(t, "reward", -1, a.member, kind=a.kind, rule=a.rule)
        elif isinstance(a, PrivateTalk) and g.present[a.member]:
            self._private_talk(a, t)
        elif isinstance(a, Dissolve):
            sim.at(t, sim._dissolve)

    def _private_talk(self, a: PrivateTalk, t: float) -> None:
        """Staff add the member as a friend and talk it through in private (seed 001 §一.6, §二.4).

        A legitimate member is talked round: their grievances go to private chat
        for ``hours`` (see Simulation.complain) and the attention lifts their
        satisfaction. An adversary is paid to be there: talking changes nothing.
        The operator and human admins spend ``minutes`` on it (charged when the
        case is routed, in apply_all); a bot's private message costs nobody's time.
        """
        g, s = self.sim.g, self._stat(a.rule)
        s["private_talks"] += 1
        if g.truth[a.member] == LEGIT:
            g.private_until[a.member] = max(float(g.private_until[a.member]), t + a.hours * 60.0)
            g.bump_satisfaction(a.member, a.satisfaction, t)
        self.sim.log.add(t, "private_talk", -1, a.member, rule=a.rule)

    def _remove(self, a: Delete | MoveToAdThread, t: float, *, new_case: bool = True) -> None:
        sim, g = self.sim, self.sim.g
        m = g.messages[a.message_id]
        if m.deleted_at >= 0:
            return
        n = g.n
        seen = g.present[:n] & g.reader[:n] & (g.last_read[:n] > m.time) & (g.joined_at[:n] <= m.time)
        if not g.delete_message(m, t):
            return
        s = self._stat(a.rule)
        if new_case:
            self._case(a.rule, m.sender, t)
        if m.kind is Kind.AD:
            s["ads_removed"] += 1
            s["ad_exposure_before_removal"] += int(np.count_nonzero(seen))
        sim.day_counts["deleted"] += 1
        gone = sim.deleted_by_day.setdefault(int(m.time // MINUTES_PER_DAY), [0, 0])
        gone[0] += m.kind is Kind.AD
        gone[1] += 1
        sim.log.add(t, "delete" if isinstance(a, Delete) else "ad_thread", -1, m.id, KIND_NAMES[m.kind], a.rule)

    def _feed(self, event: Any, t: float) -> None:
        """Hand a simulated event (report, payment, appeal) to the rules and apply what they ask."""
        if self.sim.rules.wants(type(event)):
            self.sim.g.now = t
            self.apply_all(self.sim.rules.handle(event, self.sim.g), t)

    def _require_payment(self, a: RequirePayment, t: float) -> None:
        sim, i = self.sim, a.member
        rng = sim.streams.get("pay-to-post", a.message_id)
        if rng.random() < PAY_PROBABILITY[self._truth(i)]:
            when = t + float(rng.uniform(0.0, a.within_minutes))

            def pay() -> None:
                if not sim.g.present[i]:
                    return
                sim.g.paid_flag[i] = True
                self._stat(a.rule)["payments_yuan"] += a.amount
                sim.log.add(when, "payment", i, a.message_id, rule=a.rule)
                sim.post(i, Kind.ACTIVITY, f"红包 {a.amount:g} 元", when, form=MessageForm.RED_PACKET,
                         value_dim=_PERKS, value=a.amount * 0.02)
                self._feed(PaymentMade(when, i, a.amount, a.message_id), when)
            sim.at(when, pay)
            return
        deadline = t + a.within_minutes

        def unpaid() -> None:
            self._remove(Delete(a.rule, i, a.message_id), deadline, new_case=False)  # the same case
            if a.otherwise == "kick" and sim.g.present[i]:
                sim.leave(i, deadline, kicked_by=a.rule)
        sim.at(deadline, unpaid)

    def _maybe_appeal(self, rule: str, i: int, t: float, delay: float) -> None:
        rng = self.sim.streams.get("appeal", i)
        truth = self._truth(i)
        if rng.random() >= APPEAL_PROBABILITY[truth]:
            return
        s = self._stat(rule)
        s["appeals"] += 1
        s["moderator_minutes"] += OPERATOR_MINUTES_PER_CASE
        if rng.random() >= REINSTATE_PROBABILITY[truth]:
            return
        when = t + delay

        def reinstate() -> None:
            s["reinstated"] += 1
            self.sim.log.add(when, "reinstate", -1, i, rule=rule)
            self._feed(AppealGranted(when, i), when)
            self.sim.try_join(i, when)
        self.sim.at(when, reinstate)

    def _staff(self) -> int:
        """Who posts for the rules: the operator, else a bot admin account."""
        sim = self.sim
        if sim.operator is not None:
            return sim.operator.id
        if self._staff_id is None:
            self._staff_id = sim.g.new_agent(-1, STAFF, ADMIN)
        return self._staff_id

    def _staff_post(self, a: Post, t: float) -> None:
        kind, form, dim, value, text = POSTS[a.kind]
        self._stat(a.rule)["staff_posts"] += 1
        if a.kind == "welcome" and a.member >= 0:
            self.sim.g.bump_satisfaction(a.member, WELCOME_GAIN, t)
        self.sim.post(self._staff(), kind, a.text or text, t, form=form, value_dim=dim, value=value)

    def _compensate(self, a: Compensate, t: float) -> None:
        g = self.sim.g
        ids = np.flatnonzero(g.present[: g.n] & g.reader[: g.n]).tolist()
        for i in ids:
            g.bump_satisfaction(i, a.satisfaction, t)
        s = self._stat(a.rule)
        s["compensation_yuan"] += a.yuan * len(ids)
        self.sim.log.add(t, "compensate", -1, -1, rule=a.rule)

    def report(self, m: Any, t: float) -> None:
        """Someone reports message ``m`` (举报); rules with a report-count trigger see the count."""
        count = self._reports[m.id] = self._reports.get(m.id, 0) + 1
        if self.sim.rules.wants(MessageReported):
            self._feed(MessageReported(t, m, m.sender, count), t)

    def report_member(self, member: int, t: float, lookback: int = 2000) -> bool:
        """Report ``member``'s latest visible message among the last ``lookback``; False if none."""
        msgs = self.sim.g.messages
        for m in reversed(msgs[-lookback:]):
            if m.sender == member and m.deleted_at < 0:
                self.report(m, t)
                return True
        return False

    def _scan_reports(self) -> None:
        """Hourly: members report what they saw in the last hour (ads mostly)."""
        sim, g = self.sim, self.sim.g
        t = sim.env.now
        msgs, start = g.messages, self._scanned
        self._scanned = len(msgs)
        readers = float(np.count_nonzero(g.present[: g.n] & g.reader[: g.n]))
        rng = sim.streams.get("reports", int(t // 60))
        for m in msgs[start:]:
            if m.deleted_at >= 0 or g.visible[m.sender] != MEMBER:
                continue
            rate = REPORTS_PER_AD * readers / 100.0 if m.kind is Kind.AD else FALSE_REPORTS
            for _ in range(int(rng.poisson(rate))):
                self.report(m, t)
        if t + 60.0 < sim.end:
            sim.at(t + 60.0, self._scan_reports)


def totals(stats: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Flat run totals of the per-rule ground truth (for the run summary)."""
    keys = ("true_positives", "false_positives", "legitimate_punished", "ad_exposure_before_removal",
            "moderator_minutes", "missed", "payments_yuan", "compensation_yuan", "reward_yuan", "appeals", "reinstated",
            "private_talks")
    return {k: float(sum(s.get(k, 0) for s in stats.values())) for k in keys}


__all__ = ["HumanDesk", "Moderation", "totals"]
