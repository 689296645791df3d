"""Norms and metanorms (Axelrod 1986): violations, public rebukes, and rebukes of those who let it pass.

Issue 16 item 5; docs/MODEL.md, "Norms and metanorms". With
``group.norms.violations_per_day`` > 0 each present member has that many
chances a day (Poisson, at diurnal times) to violate the group's norm: to post
an ad of their own (自家产品 / 微商, against seed 001 §一.5's no-ads charter).
Axelrod's player defects when boldness ``b`` exceeds a uniform chance of being
seen, so a chance is taken with probability ``b``. The violator gains ``T``;
every reader is hurt through the review's ad annoyance (Axelrod's ``H``).

Every viewer (followed exactly, sim/model/members/watched.py) rebukes the
violator in public with probability ``v`` (vengefulness): the violator loses
``P`` satisfaction (standing), the rebuker pays ``E``. With ``metanorm`` a
member who rebukes also rebukes, each with probability ``v``, every earlier
viewer who let it pass (neither reported nor rebuked): ``P'`` to them, ``E'``
to the rebuker. Rules see the same sets when a violation (or a harmful
message) is removed: :class:`rules.MessageRemoved` carries the viewers,
reporters and rebukers, and the ``rebuke`` action (:class:`rules.Rebuke`) can
address the sender, the viewers, the reporters, the viewers who did not report
or the bystanders. Boldness and vengefulness can adapt by imitation
(sim/model/adaptation.py) on the game's payoffs.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from rules import MessageRemoved, Rebuke
from sim.base.clock import MINUTES_PER_DAY
from sim.model.adaptation import draw_models, imitate
from sim.model.members.harmful import HarmfulViews, Tracked
from sim.model.members.reports import MemberReports
from sim.model.members.watched import Watched
from sim.model.messages import Kind, Message
from sim.model.roster import AD_ANNOY, LEGIT, MEMBER

if TYPE_CHECKING:
    from sim.model.world import World

VIOLATION_TEXTS = ("自家果园直发，需要的私聊我", "帮忙砍一刀，谢谢", "我在做代购，感兴趣加我", "朋友的店开业，扫码有优惠")
REBUKE_TEXTS = ("群里不要发广告哦", "请遵守群规", "这里不是打广告的地方")  # no ad keyword: rules must not delete them
META_TEXTS = ("看到广告也不说一声？", "大家别装没看见，群规要一起守")


class Norms:
    """The norms game of one group: who violates, who rebukes, and their adapting traits."""

    def __init__(self, world: World, harmful: HarmfulViews, reports: MemberReports, watched: Watched) -> None:
        self.world, self.harmful, self.reports, self.watched = world, harmful, reports, watched
        self.cfg = cfg = world.scenario.group.norms
        self.active = cfg.violations_per_day > 0
        self.rebukers: dict[int, list[int]] = {}  # message id -> who rebuked its sender, in order
        self.violations = self.rebukes = self.meta_rebukes = self.rule_rebukes = self.imitations = 0
        self.bold = np.zeros(0)
        self.venge = np.zeros(0)
        self.score = np.zeros(0)
        self._rounds = 0
        self._reporting = any(
            getattr(e.params, "report_propensity", 0.0) != 0.0 for e in world.scenario.population if e.role == "member"
        )
        self.member_days = 0.0  # members present at each day's start, summed (the rate's denominator)
        if self.active:
            watched.subscribe("violation", self._seen)
            for d in range(int(math.ceil(world.end / MINUTES_PER_DAY))):
                world.schedule(d * MINUTES_PER_DAY, lambda d=d: self._day(d))
            if cfg.adaptation.enabled:
                every = cfg.adaptation.every_days * MINUTES_PER_DAY
                t = every
                while t < world.end:
                    world.schedule(t, self._adapt)
                    t += every

    # ---- traits ----------------------------------------------------------------------
    def sync_traits(self) -> None:
        """Grow the trait arrays to every agent so far (members draw theirs; others have none)."""
        n, k = self.world.roster.n, len(self.bold)
        if n <= k:
            return
        traits = self.world.traits
        new = [traits.get(i, {}) for i in range(k, n)]
        self.bold = np.r_[self.bold, [float(x.get("boldness", 0.0)) for x in new]].clip(0.0, 1.0)
        self.venge = np.r_[self.venge, [float(x.get("vengefulness", 0.0)) for x in new]].clip(0.0, 1.0)
        self.score = np.r_[self.score, np.zeros(n - k)]

    def _pool(self) -> np.ndarray:
        g = self.world.roster
        n = g.n
        return np.flatnonzero(g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT))

    # ---- violations ------------------------------------------------------------------
    def _day(self, d: int) -> None:
        """Day ``d``'s chances to violate, for the members present now, at diurnal times."""
        w = self.world
        self.sync_traits()
        ids = self._pool()
        if not len(ids):
            return
        self.member_days += len(ids) * (min((d + 1) * MINUTES_PER_DAY, w.end) - d * MINUTES_PER_DAY) / MINUTES_PER_DAY
        rng = w.streams.get("norms-violations", d)
        counts = rng.poisson(self.cfg.violations_per_day, len(ids))
        owner = np.repeat(ids, counts)
        taken = rng.random(len(owner)) < self.bold[owner]
        t0, t1 = d * MINUTES_PER_DAY, min((d + 1) * MINUTES_PER_DAY, w.end)
        e0, e1 = float(w.clock.effective(t0)), float(w.clock.effective(t1))
        times = np.clip(w.clock.real(rng.uniform(e0, e1, len(owner))), t0, t1)
        u_text = rng.random(len(owner))
        for i, t, u in sorted(zip(owner[taken].tolist(), times[taken].tolist(), u_text[taken].tolist()), key=lambda x: x[1]):
            w.schedule(t, lambda i=i, t=t, u=u: self._violate(i, t, u))

    def _violate(self, i: int, t: float, u: float) -> None:
        w = self.world
        g = w.roster
        if not g.present[i] or g.muted_until[i] > t:
            return
        m = w.post(i, Kind.AD, VIOLATION_TEXTS[int(u * len(VIOLATION_TEXTS))], t)
        self.watched.track(m, "violation")
        self.violations += 1
        g.bump_satisfaction(i, self.cfg.temptation, t)
        self.score[i] += self.cfg.temptation

    # ---- rebukes ---------------------------------------------------------------------
    def _seen(self, rec: Tracked, viewers: np.ndarray, view_times: np.ndarray, t: float) -> None:
        """New viewers of a violation: hurt (H), reports, rebukes and, with metanorms, rebukes of bystanders."""
        w = self.world
        g = w.roster
        self.sync_traits()
        m = rec.message
        self.score[viewers] -= g.par[viewers, AD_ANNOY]
        before = len(rec.viewers) - len(viewers)
        if self._reporting:
            u = w.streams.get("member-reports-violation", m.id, before).random(len(viewers))
            for j in viewers[u < g.report_p[viewers]].tolist():
                self.reports.file(m, j, t, "violation")
        u = w.streams.get("rebuke", m.id, before).random(len(viewers))
        speakers = viewers[u < self.venge[viewers]].tolist()
        if not speakers:
            return
        who = self.rebukers.setdefault(m.id, [])
        for j in speakers:
            if not g.present[j]:
                continue
            w.post(j, Kind.CHAT, REBUKE_TEXTS[j % len(REBUKE_TEXTS)], t, reply_to=m.id)
            who.append(j)
            self.rebukes += 1
            self.charge(m.sender, self.cfg.rebuke_cost, t)
            self.charge(j, self.cfg.enforcement_cost, t)
            w.log_event(t, "rebuke", j, m.sender, kind="norm")
        if self.cfg.metanorm:
            self._metanorm(rec, speakers, t)

    def _metanorm(self, rec: Tracked, speakers: list[int], t: float) -> None:
        """Each rebuker also rebukes, with their vengefulness, every viewer so far who let it pass."""
        w = self.world
        g = w.roster
        m = rec.message
        passed = self.bystanders(m.id)
        if not passed:
            return
        passed_arr = np.asarray(passed, dtype=np.int64)
        for j in speakers:
            if not g.present[j]:
                continue
            u = w.streams.get("meta-rebuke", m.id, j).random(len(passed_arr))
            hit = [k for k in passed_arr[(u < self.venge[j]) & (passed_arr != j)].tolist() if g.present[k]]
            if not hit:
                continue
            w.post(j, Kind.CHAT, META_TEXTS[j % len(META_TEXTS)], t, reply_to=m.id)
            for k in hit:
                self.meta_rebukes += 1
                self.charge(k, self.cfg.meta_rebuke_cost, t)
                self.charge(j, self.cfg.meta_enforcement_cost, t)
                w.log_event(t, "rebuke", j, k, kind="metanorm")

    def charge(self, i: int, amount: float, t: float) -> None:
        """``i`` loses ``amount`` satisfaction and game score (a rebuke received or paid for)."""
        if 0 <= i < len(self.score):
            self.score[i] -= amount
        if self.world.roster.present[i]:
            self.world.roster.bump_satisfaction(i, -amount, t)

    # ---- who saw what ----------------------------------------------------------------
    def record(self, message_id: int) -> Tracked | None:
        """The exact viewing record of a message (harmful or watched), if it has one."""
        return self.harmful.get(message_id) or self.watched.by_id.get(message_id)

    def viewers(self, message_id: int) -> tuple[int, ...]:
        rec = self.record(message_id)
        return tuple(dict.fromkeys(rec.viewers)) if rec is not None else ()

    def reporters_of(self, message_id: int) -> tuple[int, ...]:
        return tuple(dict.fromkeys(self.reports.reporters.get(message_id, ())))

    def rebukers_of(self, message_id: int) -> tuple[int, ...]:
        return tuple(dict.fromkeys(self.rebukers.get(message_id, ())))

    def bystanders(self, message_id: int) -> list[int]:
        """Viewers so far who neither reported the message nor rebuked its sender."""
        gone = set(self.reporters_of(message_id)) | set(self.rebukers_of(message_id))
        return [v for v in self.viewers(message_id) if v not in gone]

    def after_removal(self, m: Message, rule: str, t: float) -> None:
        """Rules on ``message_removed`` see the removed message with its viewers, reporters and rebukers."""
        w = self.world
        if w.rules.wants(MessageRemoved):
            event = MessageRemoved(t, m, m.sender, rule, self.viewers(m.id), self.reporters_of(m.id), self.rebukers_of(m.id))
            w.moderation.feed(event, t)

    # ---- adaptation ------------------------------------------------------------------
    def _adapt(self) -> None:
        """One imitation round over the present members (sim/model/adaptation.py); scores start afresh."""
        w = self.world
        a = self.cfg.adaptation
        self.sync_traits()
        pool = self._pool()
        self._rounds += 1
        if len(pool) < 2:
            return
        rng = w.streams.get("norms-adapt", self._rounds)
        neighbours = None
        if a.among == "friends":
            index = {int(i): k for k, i in enumerate(pool.tolist())}
            graph = w.graph
            neighbours = [[index[j] for j in sorted(graph.neighbors(i)) if j in index] if i in graph else [] for i in pool.tolist()]
        payoff = self.score[pool] if a.payoff == "score" else w.roster.satisfaction_now(pool, w.now)
        traits = np.column_stack((self.bold[pool], self.venge[pool]))
        new, copied = imitate(traits, payoff, draw_models(len(pool), rng, neighbours), rng, a.mutation_rate)
        self.bold[pool], self.venge[pool] = new[:, 0], new[:, 1]
        self.imitations += int(copied.sum())
        self.score[pool] = 0.0

    # ---- results ---------------------------------------------------------------------
    def metrics(self) -> dict[str, Any]:
        """The norms metrics (declared in sim/base/metrics.py); trait means are NaN while norms are off."""
        pool = self._pool() if self.active else np.zeros(0, dtype=np.int64)
        self.sync_traits()
        return {
            "norm_violations": self.violations,
            "violation_rate": self.violations / self.member_days if self.member_days else math.nan,
            "norm_rebukes": self.rebukes,
            "norm_meta_rebukes": self.meta_rebukes,
            "rule_rebukes": self.rule_rebukes,
            "norm_imitations": self.imitations,
            "mean_boldness": float(self.bold[pool].mean()) if len(pool) else math.nan,
            "mean_vengefulness": float(self.venge[pool].mean()) if len(pool) else math.nan,
        }


def _targets(norms: Norms, a: Rebuke, m: Message) -> list[int]:
    if a.to == "sender":
        return [m.sender]
    viewers = norms.viewers(m.id)
    if a.to == "viewers":
        return list(viewers)
    reporters = norms.reporters_of(m.id)
    if a.to == "reporters":
        return list(reporters)
    if a.to == "viewers_who_did_not_report":
        return [v for v in viewers if v not in set(reporters)]
    return norms.bystanders(m.id)


def rebuke_effect(world: World, a: Rebuke, t: float) -> None:
    """A rule's public rebuke: each member addressed (owners and admins never) loses ``standing``."""
    norms = cast(Any, world.posting).norms
    g = world.roster
    if not 0 <= a.message_id < len(g.messages):
        return
    m = g.messages[a.message_id]
    norms.sync_traits()
    hit = [i for i in _targets(norms, a, m) if g.present[i] and g.visible[i] == MEMBER]
    if not hit:
        return
    world.moderation.stat(a.rule)["staff_posts"] += 1
    world.post(world.moderation.staff_account(), Kind.ANNOUNCEMENT, "请大家共同遵守群规", t, reply_to=m.id)
    for i in hit:
        world.moderation.case(a.rule, i, t)
        norms.rule_rebukes += 1
        norms.charge(i, a.standing, t)
        world.log_event(t, "rebuke", -1, i, kind=a.to, rule=a.rule)



__all__ = ["META_TEXTS", "REBUKE_TEXTS", "VIOLATION_TEXTS", "Norms", "rebuke_effect"]
