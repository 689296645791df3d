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

from sim.model.roster import ADVERSARY, LEGIT, MEMBER
from sim.model.messages import Kind
from sim.model.adversaries.spammers import AdversaryLedger, param_picker

if TYPE_CHECKING:
    from sim.model.world import World
    from sim.spec.scenario import BrigadeRole, IncidentRole

# Texts are data (scenarios/texts/<language>.yaml: brigade_chat, brigade_rumour, brigade_second,
# member_grievance). Each is picked with a uniform from the attacker's own text stream, so the texts a
# scenario adds never shift the draws behind what the attackers do.


@dataclass(frozen=True, slots=True)
class ReportFiled:
    """A member reported another to the platform or the owner (举报). Not yet a rules event."""

    time: float
    reporter: int
    target: int


class Brigade:
    """One population entry of ``count`` coordinated competitor accounts."""

    def __init__(self, world: World, entry_idx: int, entry: BrigadeRole, n: int, stream: Callable[[str], np.random.Generator]) -> None:
        p = entry.params
        self.world = world
        rng = stream("brigade")
        self.rng = rng
        self.text_rng = stream("brigade-texts")  # text choice only (sim/spec/texts.py)
        self.texts = world.posting.texts
        pick = param_picker(rng, 0)
        infiltrate = max(pick(p.infiltration_days), 0.0) * 1440.0
        attack = max(pick(p.attack_day), 0.0) * 1440.0
        attack_end = min(attack + max(pick(p.attack_days), 0.0) * 1440.0, world.end)
        self.amplify = pick(p.amplify_probability)
        self.ledger = AdversaryLedger("brigade", value_per_view=pick(p.economics.value_per_view))
        world.cast.ledgers.append(self.ledger)
        self.ids: list[int] = []
        for j in range(n):
            i = world.roster.new_agent(entry_idx, ADVERSARY, MEMBER)
            self.ids.append(i)
            self.ledger.accounts.append(i)
            self.ledger.spent += pick(p.economics.account_cost) + pick(p.economics.entry_fee)
            join = float(rng.uniform(0.0, infiltrate)) if infiltrate > 0 else 0.0
            chat = world.clock.poisson_times(rng, pick(p.chat_rate), join, min(attack, world.end))
            complain = world.clock.poisson_times(rng, pick(p.complaint_rate), attack, attack_end)
            reports = world.clock.poisson_times(rng, pick(p.reports_per_day), attack, attack_end)
            events = sorted([(float(t), 0) for t in chat] + [(float(t), 1) for t in complain] + [(float(t), 2) for t in reports])
            world.membership.start(i, self.life(i, join, events))

    def life(self, i: int, join: float, events: list[tuple[float, int]]) -> Generator[Any, Any, None]:
        world, env, g = self.world, self.world.env, self.world.roster
        try:
            yield env.timeout(max(join - env.now, 0.0))
            if not world.join(i):
                return
            for t, what in events:
                yield env.timeout(t - env.now)
                if not g.present[i]:
                    return
                if g.muted_until[i] > t:
                    continue
                if what == 0:
                    world.post(i, Kind.CHAT, self.texts.pick("brigade_chat", float(self.text_rng.random())), t)
                elif what == 1:
                    self._attack(i, t)
                else:
                    self._report(i, t)
        except simpy.Interrupt:
            return

    def _attack(self, i: int, t: float) -> None:
        world = self.world
        world.cast.brigade_complaints += 1
        world.posting.complain(i, self.texts.pick("brigade_rumour", float(self.text_rng.random())), t)
        if self.rng.random() < self.amplify:  # a teammate seconds it within minutes
            others = [j for j in self.ids if j != i and world.roster.present[j]]
            if others:
                j = others[int(self.rng.integers(len(others)))]
                world.schedule(t + float(self.rng.uniform(0.5, 3.0)), lambda: self._second(j))

    def _second(self, j: int) -> None:
        world = self.world
        if world.roster.present[j]:
            world.cast.brigade_complaints += 1
            world.posting.complain(j, self.texts.pick("brigade_second", float(self.text_rng.random())), world.env.now)

    def _report(self, i: int, t: float) -> None:
        g, n = self.world.roster, self.world.roster.n
        targets = np.flatnonzero(g.present[:n] & (g.truth[:n] != ADVERSARY))
        if len(targets):
            j = int(targets[int(self.rng.integers(len(targets)))])
            self.world.cast.reports.append(ReportFiled(t, i, j))
            self.world.log.add(t, "report", i, j)
            # report-bombing: a false report through the members' report path, so rules see who filed it
            self.world.posting.reports.report_member(j, i, t, "brigade")


def add_brigade(world: World, k: int, entry: BrigadeRole, first: int, n: int, t0: float, stream: Callable[[str], np.random.Generator]) -> list[int]:
    return Brigade(world, k, entry, n, stream).ids if n else []


class Incident:
    """A product or delivery incident and the complaint wave (群诉) that follows."""

    def __init__(
        self, world: World, entry: IncidentRole, rng: np.random.Generator, text_rng: np.random.Generator,
    ) -> None:
        p = entry.params
        pick = param_picker(rng, 0)
        self.world, self.rng, self.p = world, rng, p
        # the aggrieved customers' texts: their own stream, so text choice shifts no other draw
        self.text_rng = text_rng
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
        if self.t < world.end:
            world.env.process(self.life())

    def life(self) -> Generator[Any, Any, None]:
        world, env, g = self.world, self.world.env, self.world.roster
        yield env.timeout(self.t - env.now)
        n = g.n
        present = np.flatnonzero(g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT))
        hit = present[self.rng.random(len(present)) < self.share].tolist()
        world.log.add(env.now, "incident", -1, len(hit))
        events: list[tuple[float, int]] = []
        for i in hit:
            g.bump_satisfaction(i, -self.cost, env.now)
            times = world.clock.poisson_times(self.rng, self.rate, env.now, min(env.now + self.days * 1440.0, world.end))
            events += [(float(t), i) for t in times]
        events.sort()
        if self.response < world.end:
            world.schedule(self.response, lambda: self._respond(hit))
        for t, i in events:
            yield env.timeout(t - env.now)
            if g.present[i] and i not in self.calmed and g.muted_until[i] <= t:
                world.cast.grievance_complaints += 1
                world.posting.complain(i, world.posting.texts.pick("member_grievance", float(self.text_rng.random())), t)

    def _respond(self, hit: list[int]) -> None:
        """The operator's response: calms each aggrieved member only if substantive (seed 001 §九.5)."""
        world, t = self.world, self.world.env.now
        g = world.roster
        speaker = world.operator.id
        if speaker >= 0 and g.present[speaker]:
            world.post(speaker, Kind.ANNOUNCEMENT, f"致歉：补偿每位 {self.compensation:g} 元", t)
        u = self.rng.random(len(hit))
        for i, x in zip(hit, u.tolist()):
            if not g.present[i]:
                continue
            world.cast.compensation_paid += self.compensation
            if x < self.calm_p:
                self.calmed.add(i)
                g.bump_satisfaction(i, self.cost, t)
        world.log.add(t, "response", speaker, len(self.calmed))


def add_incidents(world: World, k: int, entry: IncidentRole, first: int, n: int, t0: float, stream: Callable[[str], np.random.Generator]) -> list[int]:
    for j in range(first, first + n):
        Incident(world, entry, stream(f"incident-{j}"), stream(f"incident-{j}-texts"))
    return []


__all__ = ["Brigade", "Incident", "ReportFiled", "add_brigade", "add_incidents"]
