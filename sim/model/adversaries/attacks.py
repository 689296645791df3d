"""Blow-ups (暴雷): a competitor brigade's attack, and a complaint wave after an incident.

A competitor brigade (竞对, seed 000: "竞对蓄谋搞事") joins over days, chats
like anyone, then at ``attack_day`` posts coordinated complaints and rumours,
seconds its own posts within minutes, and report-bombs legitimate members and
staff. A complaint wave (群诉, seed 000; seed 001 §九.5) starts with an incident
that gives a share of customers a real grievance; they complain until the
operator responds, and the response calms them only if it is substantive.
Complaints spread through members' complaint thresholds (sim/model/members/cascades.py).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.model.members.roster import ADVERSARY, LEGIT, MEMBER
from sim.model.messages import Kind
from sim.model.adversaries.spammers import AdversaryLedger, param_picker

if TYPE_CHECKING:
    from sim.model.world import World
    from sim.spec.scenario import BrigadeRole, IncidentRole

RUMOUR_TEXTS = ("这家产品有问题，大家小心", "听说要跑路了", "我买的是假货", "客服根本不理人", "退款退了一个月还没到")
SECOND_TEXTS = ("确实，我也被坑了", "+1", "同感，太差了")
GRIEVANCE_TEXTS = ("我的货还没到！", "收到的是坏的，怎么处理？", "说好的售后呢？", "要求退款")


@dataclass(frozen=True, slots=True)
class ReportFiled:
    """A member reported another to the platform or the owner (举报). Not yet a rules event."""

    time: float
    reporter: int
    target: int


class Brigade:
    """One population entry of ``count`` coordinated competitor accounts."""

    def __init__(self, sim: World, entry_idx: int, entry: BrigadeRole, n: int, stream: Callable[[str], np.random.Generator]) -> None:
        p = entry.params
        self.sim = sim
        rng = stream("brigade")
        self.rng = rng
        pick = param_picker(rng, 0)
        infiltrate = max(pick(p.infiltration_days), 0.0) * 1440.0
        attack = max(pick(p.attack_day), 0.0) * 1440.0
        attack_end = min(attack + max(pick(p.attack_days), 0.0) * 1440.0, sim.end)
        self.amplify = pick(p.amplify_probability)
        self.ledger = AdversaryLedger("brigade", value_per_view=pick(p.economics.value_per_view))
        sim.cast.ledgers.append(self.ledger)
        self.ids: list[int] = []
        for j in range(n):
            i = sim.roster.new_agent(entry_idx, ADVERSARY, MEMBER)
            self.ids.append(i)
            self.ledger.accounts.append(i)
            self.ledger.spent += pick(p.economics.account_cost) + pick(p.economics.entry_fee)
            join = float(rng.uniform(0.0, infiltrate)) if infiltrate > 0 else 0.0
            chat = sim.clock.poisson_times(rng, pick(p.chat_rate), join, min(attack, sim.end))
            complain = sim.clock.poisson_times(rng, pick(p.complaint_rate), attack, attack_end)
            reports = sim.clock.poisson_times(rng, pick(p.reports_per_day), attack, attack_end)
            events = sorted([(float(t), 0) for t in chat] + [(float(t), 1) for t in complain] + [(float(t), 2) for t in reports])
            sim.membership.start(i, self.life(i, join, events))

    def life(self, i: int, join: float, events: list[tuple[float, int]]) -> Generator[Any, Any, None]:
        sim, env, g = self.sim, self.sim.env, self.sim.roster
        try:
            yield env.timeout(max(join - env.now, 0.0))
            if not sim.join(i):
                return
            for t, what in events:
                yield env.timeout(t - env.now)
                if not g.present[i]:
                    return
                if g.muted_until[i] > t:
                    continue
                if what == 0:
                    sim.post(i, Kind.CHAT, "今天天气不错", t)
                elif what == 1:
                    self._attack(i, t)
                else:
                    self._report(i, t)
        except simpy.Interrupt:
            return

    def _attack(self, i: int, t: float) -> None:
        sim = self.sim
        sim.cast.brigade_complaints += 1
        sim.posting.complain(i, RUMOUR_TEXTS[int(self.rng.integers(len(RUMOUR_TEXTS)))], t)
        if self.rng.random() < self.amplify:  # a teammate seconds it within minutes
            others = [j for j in self.ids if j != i and sim.roster.present[j]]
            if others:
                j = others[int(self.rng.integers(len(others)))]
                sim.schedule(t + float(self.rng.uniform(0.5, 3.0)), lambda: self._second(j))

    def _second(self, j: int) -> None:
        sim = self.sim
        if sim.roster.present[j]:
            sim.cast.brigade_complaints += 1
            sim.posting.complain(j, SECOND_TEXTS[int(self.rng.integers(len(SECOND_TEXTS)))], sim.env.now)

    def _report(self, i: int, t: float) -> None:
        g, n = self.sim.roster, self.sim.roster.n
        targets = np.flatnonzero(g.present[:n] & (g.truth[:n] != ADVERSARY))
        if len(targets):
            j = int(targets[int(self.rng.integers(len(targets)))])
            self.sim.cast.reports.append(ReportFiled(t, i, j))
            self.sim.log.add(t, "report", i, j)
            self.sim.moderation.report_member(j, t)  # report-bombing reaches rules with a report trigger


def add_brigade(sim: World, k: int, entry: BrigadeRole, first: int, n: int, t0: float, stream: Callable[[str], np.random.Generator]) -> list[int]:
    return Brigade(sim, k, entry, n, stream).ids if n else []


class Incident:
    """A product or delivery incident and the complaint wave (群诉) that follows."""

    def __init__(self, sim: World, entry: IncidentRole, rng: np.random.Generator) -> None:
        p = entry.params
        pick = param_picker(rng, 0)
        self.sim, self.rng, self.p = sim, rng, p
        self.t = max(pick(p.day), 0.0) * 1440.0
        self.share = pick(p.affected_share)
        self.rate = pick(p.complaints_per_day)
        self.days = pick(p.grievance_days)
        self.cost = pick(p.grievance_cost)
        self.response = self.t + max(pick(p.response_hours), 0.0) * 60.0
        self.compensation = pick(p.compensation)
        substantive = self.compensation >= pick(p.substantive_compensation)
        self.calm_p = pick(p.calm_probability) if substantive else pick(p.token_calm_probability)
        self.calmed: set[int] = set()
        if self.t < sim.end:
            sim.env.process(self.life())

    def life(self) -> Generator[Any, Any, None]:
        sim, env, g = self.sim, self.sim.env, self.sim.roster
        yield env.timeout(self.t - env.now)
        n = g.n
        present = np.flatnonzero(g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT))
        hit = present[self.rng.random(len(present)) < self.share].tolist()
        sim.log.add(env.now, "incident", -1, len(hit))
        events: list[tuple[float, int]] = []
        for i in hit:
            g.bump_satisfaction(i, -self.cost, env.now)
            times = sim.clock.poisson_times(self.rng, self.rate, env.now, min(env.now + self.days * 1440.0, sim.end))
            events += [(float(t), i) for t in times]
        events.sort()
        if self.response < sim.end:
            sim.schedule(self.response, lambda: self._respond(hit))
        for t, i in events:
            yield env.timeout(t - env.now)
            if g.present[i] and i not in self.calmed and g.muted_until[i] <= t:
                sim.cast.grievance_complaints += 1
                sim.posting.complain(i, GRIEVANCE_TEXTS[int(self.rng.integers(len(GRIEVANCE_TEXTS)))], t)

    def _respond(self, hit: list[int]) -> None:
        """The operator's response: calms each aggrieved member only if substantive (seed 001 §九.5)."""
        sim, t = self.sim, self.sim.env.now
        g = sim.roster
        speaker = sim.operator.id
        if speaker >= 0 and g.present[speaker]:
            sim.post(speaker, Kind.ANNOUNCEMENT, f"致歉：补偿每位 {self.compensation:g} 元", t)
        u = self.rng.random(len(hit))
        for i, x in zip(hit, u.tolist()):
            if not g.present[i]:
                continue
            sim.cast.compensation_paid += self.compensation
            if x < self.calm_p:
                self.calmed.add(i)
                g.bump_satisfaction(i, self.cost, t)
        sim.log.add(t, "response", speaker, len(self.calmed))


def add_incidents(sim: World, k: int, entry: IncidentRole, first: int, n: int, t0: float, stream: Callable[[str], np.random.Generator]) -> list[int]:
    for j in range(first, first + n):
        Incident(sim, entry, stream(f"incident-{j}"))
    return []


__all__ = ["Brigade", "Incident", "ReportFiled", "add_brigade", "add_incidents"]
