"""Staff beyond the owner: admins, KOLs, the warm-up crew / shills, volunteer admins.

* Admins (管理, 1-3 a group) and KOLs (专家) post value content in working hours
  and answer questions (seed 001: duties of user, content and activity
  operation; seed 001, 003: experts build trust). Admins are visible as admins
  (rules never act on them); an admin who breaks the group's rules (posts ads)
  costs members trust like an exposed shill (seed 001 §七.3).
* The warm-up crew / host / shill (气氛组, 主持人, 托儿; seed 001 §九.2) looks at the
  group every ``check_minutes``; if it went quiet, posts a few warm-up lines;
  seconds what members say (steering) and answers questions. Each staged post is
  seen through with ``exposure_probability`` (repeated phrasing, too-fast
  agreement): a member calls it out in the group (a complaint, which spreads
  like any complaint) and every member who later reads the group loses
  ``exposure_trust_loss`` of satisfaction per exposure (seed 000: 群演戏 backfires).
* Volunteer admins (seed 001 §九.4): at the end of each day the most active
  legitimate members (at least ``min_posts`` messages) are promoted, up to
  ``max_admins``: visible as admins, more likely to answer, and they and their
  friends gain ``trust_gain`` satisfaction.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.base.clock import DiurnalClock
from sim.model.roster import ADMIN, LEGIT, MEMBER, STAFF
from sim.model.messages import Kind
from sim.base.params import sample
from sim.spec.scenario import VALUE_DIMENSIONS

if TYPE_CHECKING:
    from sim.model.world import World
    from sim.spec.scenario import AdminRole, KolRole, ShillRole

WARMUP_TEXTS = ("大家晚上好呀～今天有什么收获？", "有人试过新品了吗？", "来聊聊最近的好物", "今天的分享太有用了！")
AGREE_TEXTS = ("说得对！", "同意楼上", "对对对，我也是这么觉得")
CALLOUT_TEXTS = ("这是托吧？", "又是同一套话术，演的吧", "群里有托，别信")
_CONNECTIONS = VALUE_DIMENSIONS.index("connections")
_INFORMATION = VALUE_DIMENSIONS.index("information")


def _work_clock(diurnal: list[float], hours: tuple[int, int]) -> DiurnalClock:
    mask = np.array([1.0 if hours[0] <= h < hours[1] else 0.0 for h in range(24)])
    weights = np.asarray(diurnal) * mask
    return DiurnalClock(weights if weights.sum() > 0 else mask)


class Staff:
    """An admin or a KOL: content in working hours, answers to open questions."""

    def __init__(self, world: World, entry_idx: int, entry: AdminRole | KolRole, index: int, rng: np.random.Generator) -> None:
        p = entry.params
        self.world, self.rng = world, rng
        one: Callable[[object], float] = lambda v: float(v[index]) if isinstance(v, list) else float(sample(v, rng, 1)[0])  # type: ignore[arg-type,index]  # noqa: E731
        visible = ADMIN if entry.role == "admin" else MEMBER
        self.id = world.roster.new_agent(entry_idx, STAFF, visible)
        clock = _work_clock(world.scenario.diurnal, p.working_hours)
        mix = np.array([max(p.content_mix.get(d, 0.0), 0.0) for d in VALUE_DIMENSIONS]) if p.content_mix else np.ones(6)
        mix = mix / mix.sum() if mix.sum() > 0 else np.full(6, 1 / 6)
        times = clock.poisson_times(rng, one(p.content_per_day), 0.0, world.end)
        dims = rng.choice(6, size=len(times), p=mix)
        values = sample(p.content_value, rng, len(times)) if len(times) and not isinstance(p.content_value, list) else np.full(len(times), one(p.content_value))
        bad = clock.poisson_times(rng, one(p.rule_breaking_per_day), 0.0, world.end)
        self.answer_p = one(p.answer_probability)
        self.answer_value = one(p.answer_value)
        self.delay_param = p.answer_delay_minutes
        self._u = rng.random(4096).tolist()
        self._k = 0
        events = sorted([(float(t), int(d), float(v)) for t, d, v in zip(times, dims, values)] + [(float(t), -1, 0.0) for t in bad])
        world.posting.answerers.append(self)
        world.membership.start(self.id, self.life(events))

    def life(self, events: list[tuple[float, int, float]]) -> Generator[Any, Any, None]:
        world, env = self.world, self.world.env
        if not world.join(self.id):
            return
        for t, d, v in events:
            yield env.timeout(t - env.now)
            if not world.roster.present[self.id]:
                return
            if d < 0:  # staff breaking the group's own rules: an ad, and a breach of trust
                world.post(self.id, Kind.AD, "转发：我朋友的店打折", t)
                world.posting.expose(self.id, t, callout=False)
            else:
                world.post(self.id, Kind.CONTENT, f"专业分享：{VALUE_DIMENSIONS[d]}", t, value_dim=d, value=v)

    def _uniform(self) -> float:
        self._k = (self._k + 1) % len(self._u)
        return self._u[self._k]

    def maybe_answer(self, question_id: int, t: float) -> None:
        if self._uniform() < self.answer_p:
            delay = max(float(sample(self.delay_param, self.rng, 1)[0]), 0.0)  # type: ignore[arg-type]
            self.world.schedule(t + delay, lambda: self.world.posting.answer(self.id, "专业解答", question_id=question_id, value=self.answer_value))


def add_staff(world: World, k: int, entry: AdminRole | KolRole, first: int, n: int, t0: float, stream: Callable[[str], np.random.Generator]) -> list[int]:
    return [Staff(world, k, entry, j, stream(f"staff-{j}")).id for j in range(first, first + n)]


class Shill:
    """A warm-up crew member / shill (气氛组 / 托儿), visible as an ordinary member."""

    def __init__(self, world: World, entry_idx: int, entry: ShillRole, index: int, rng: np.random.Generator) -> None:
        p = entry.params
        one: Callable[[object], float] = lambda v: float(v[index]) if isinstance(v, list) else float(sample(v, rng, 1)[0])  # type: ignore[arg-type,index]  # noqa: E731
        self.world, self.rng = world, rng
        self.id = world.roster.new_agent(entry_idx, STAFF, MEMBER)
        self.every = max(one(p.check_minutes), 1.0)
        self.quiet = one(p.quiet_messages)
        self.burst = max(int(round(one(p.warmup_burst))), 0)
        self.value = one(p.warmup_value)
        self.agree_p, self.answer_p, self.expose_p = one(p.agree_probability), one(p.answer_probability), one(p.exposure_probability)
        self.start_hour, self.end_hour = p.working_hours
        world.membership.start(self.id, self.life())

    def _staged(self, t: float) -> None:
        if self.rng.random() < self.expose_p:
            self.world.posting.expose(self.id, t)

    def life(self) -> Generator[Any, Any, None]:
        world, env, g = self.world, self.world.env, self.world.roster
        if not world.join(self.id):
            return
        seen = len(g.messages)
        while True:
            yield env.timeout(self.every)
            t = env.now
            if not g.present[self.id]:
                return
            new = len(g.messages) - seen
            hour = (t % 1440.0) // 60.0
            if self.start_hour <= hour < self.end_hour and g.muted_until[self.id] <= t:
                if new < self.quiet:
                    for k in range(self.burst):
                        world.post(self.id, Kind.CHAT, WARMUP_TEXTS[int(self.rng.integers(len(WARMUP_TEXTS)))], t,
                                 value_dim=_CONNECTIONS, value=self.value)
                        self._staged(t)
                elif self._member_spoke(seen) and self.rng.random() < self.agree_p:
                    world.post(self.id, Kind.CHAT, AGREE_TEXTS[int(self.rng.integers(len(AGREE_TEXTS)))], t)
                    self._staged(t)
                if world.posting.open_questions and self.rng.random() < self.answer_p:
                    world.posting.answer(self.id, "我用过，挺好的", t, value=0.05)
                    self._staged(t)
            seen = len(g.messages)

    def _member_spoke(self, since: int) -> bool:
        g = self.world.roster
        return any(g.truth[m.sender] == LEGIT for m in g.messages[since:][-20:])


def add_shills(world: World, k: int, entry: ShillRole, first: int, n: int, t0: float, stream: Callable[[str], np.random.Generator]) -> list[int]:
    return [Shill(world, k, entry, j, stream(f"shill-{j}")).id for j in range(first, first + n)]


def promote_volunteers(world: World, t: float) -> None:
    """Promote the most active legitimate members to volunteer admins (seed 001 §九.4)."""
    cfg = world.scenario.group.volunteer_admins
    g = world.roster
    n = g.n
    have = int((g.volunteer[:n] & g.present[:n]).sum())
    if cfg.max_admins <= have:
        return
    posts = np.asarray(g.posts[:n])
    ok = g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT) & (g.visible[:n] == MEMBER) & (posts >= cfg.min_posts)
    cand = np.flatnonzero(ok)
    cand = cand[np.lexsort((cand, -posts[cand]))][: cfg.max_admins - have]
    for i in cand.tolist():
        g.volunteer[i] = True
        g.visible[i] = ADMIN
        g.answer_p[i] += cfg.answer_boost
        g.question_p[i] += cfg.answer_boost
        g.expert_p[i] += cfg.answer_boost
        world.log.add(t, "promote", -1, i)
        for j in [i, *(world.graph.neighbors(i) if i in world.graph else ())]:
            if g.present[j]:
                g.bump_satisfaction(j, cfg.trust_gain, t)


__all__ = ["Shill", "Staff", "add_shills", "add_staff", "promote_volunteers"]
