"""The cast of the foundation: members, the operator and ad spammers, as simpy processes.

Each role is a builder (draws the agent's parameters from the agent's own
random stream and registers it with the group) plus a plain generator that is
the agent's life. Parameters are drawn once per agent; all per-event random
numbers are drawn in advance in one vector from the same stream, which keeps
the per-message path free of generator calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import simpy

from rules import MessageForm
from sim.clock import DiurnalClock
from sim.group import ADVERSARY, LEGIT, MEMBER, OWNER, STAFF
from sim.messages import Kind
from sim.params import sample
from sim.scenario import VALUE_DIMENSIONS, AdSpammerRole, MemberRole, OperatorRole

if TYPE_CHECKING:
    from sim.engine import Simulation

CHAT_TEXTS = ("哈哈", "同意", "今天天气不错", "谢谢分享", "收到", "有道理", "早上好", "学到了", "👍", "这个怎么用？")
QUESTION_TEXTS = ("请问这个怎么退款？", "发货一般要几天？", "有优惠吗？", "怎么使用优惠码？", "课程在哪里看？")
ANSWER_TEXTS = ("可以在订单页申请", "一般两三天", "看公告", "我也是这样解决的", "联系客服就行")
AD_TEXTS = ("加微信领优惠券", "兼职日结，私聊", "代购正品，扫码进群", "招代理，返利高", "加v送资料")
AD_LINK_TEXTS = ("点击领取 https://t.cn/xyz", "限时福利 http://bit.ly/abc")
COMPLAINT_TEXTS = ("这群天天广告，退了", "说好的福利呢？", "质量太差了，要求退款")


def _one(param: object, rng: np.random.Generator) -> float:
    return float(sample(param, rng, 1)[0])  # type: ignore[arg-type]


def _dirichlet(weights: dict[str, float], concentration: float, rng: np.random.Generator) -> np.ndarray:
    base = np.array([max(weights.get(d, 0.0), 0.0) for d in VALUE_DIMENSIONS])
    if base.sum() <= 0:
        return np.zeros(len(VALUE_DIMENSIONS))
    alpha = base / base.sum() * concentration * len(VALUE_DIMENSIONS)
    out = np.zeros(len(VALUE_DIMENSIONS))
    pos = alpha > 0
    out[pos] = rng.dirichlet(alpha[pos])
    return out


_PLAN_CACHE: dict[int, list[tuple[str, object]]] = {}


def _member_values(entry: MemberRole, index: int, rng: np.random.Generator) -> dict[str, float]:
    """Draw one member's scalar parameters (a per-member list gives its ``index``-th value).

    Constants are copied, lists indexed, and only true distributions touch the
    member's stream, in the fixed order of the parameter model's fields.
    """
    plan = _PLAN_CACHE.get(id(entry.params))
    if plan is None:
        plan = [(k, v) for k, v in entry.params if k not in ("needs", "needs_concentration")]
        _PLAN_CACHE[id(entry.params)] = plan
    out: dict[str, float] = {}
    for key, value in plan:
        if isinstance(value, (int, float)):
            out[key] = float(value)
        elif isinstance(value, list):
            out[key] = float(value[index])
        else:
            out[key] = float(value.sample(rng, 1)[0])  # type: ignore[attr-defined]
    return out


# ---- members -------------------------------------------------------------------
def add_member(sim: Simulation, entry_idx: int, entry: MemberRole, index: int, rng: np.random.Generator, t0: float) -> int:
    """Create a member and start their life at ``t0``; returns their id."""
    g = sim.g
    p = _member_values(entry, index, rng)
    i = g.new_agent(entry_idx, LEGIT, MEMBER)
    g.reader[i] = True
    g.sat[i] = p["initial_satisfaction"]
    g.par[i] = (
        max(p["memory_days"], 1e-3) * 1440.0,
        p["mute_threshold"],
        min(p["leave_threshold"], p["mute_threshold"]),
        max(p["read_cap"], 1.0),
        p["ad_annoyance"],
        p["conflict_annoyance"],
        p["noise_tolerance"],
        p["noise_annoyance"],
        min(max(p["muted_attention"], 0.0), 1.0),
        min(max(p["muted_post_factor"], 0.0), 1.0),
    )
    g.needs[i] = _dirichlet(entry.params.needs, entry.params.needs_concentration, rng)
    g.engagement[i] = min(max(g.sat[i], 0.0), 1.0)
    sim.traits[i] = p
    visits = sim.clock.poisson_times(rng, max(p["check_rate"], 0.0), t0, sim.end)
    hours = np.unique((visits // 60.0).astype(np.int64))  # several looks in one hour are one visit
    sim.schedule_visits(i, hours, rng.random(len(hours)))
    posts = sim.clock.poisson_times(rng, max(p["post_rate"], 0.0), t0, sim.end)
    draws = rng.random((len(posts), 3))
    sim.start(i, member_life(sim, i, t0, posts.tolist(), draws.tolist(), p))
    return i


def member_life(sim: Simulation, i: int, t0: float, posts: list[float], draws: list[list[float]], p: dict[str, float]):  # noqa: ANN201
    """A member joins at ``t0`` and posts at thinned candidate times until they leave."""
    env, g = sim.env, sim.g
    try:
        if t0 > env.now:
            yield env.timeout(t0 - env.now)
        if not sim.try_join(i):
            return
        answer_p = p["answer_propensity"]
        question_p = answer_p + p["question_share"]
        for t, (u_accept, u_kind, u_text) in zip(posts, draws):
            yield env.timeout(t - env.now)
            if u_accept >= g.engagement[i] or g.muted_until[i] > t:
                continue
            if u_kind < answer_p and sim.open_questions:
                sim.answer(i, ANSWER_TEXTS[int(u_text * len(ANSWER_TEXTS))])
            elif u_kind < question_p:
                sim.post(i, Kind.QUESTION, QUESTION_TEXTS[int(u_text * len(QUESTION_TEXTS))])
            else:
                sim.post(i, Kind.CHAT, CHAT_TEXTS[int(u_text * len(CHAT_TEXTS))], value_dim=_CONNECTIONS, value=0.02)
    except simpy.Interrupt:
        return


_CONNECTIONS = VALUE_DIMENSIONS.index("connections")
_INFORMATION = VALUE_DIMENSIONS.index("information")


# ---- operator ------------------------------------------------------------------
class Operator:
    """The owner/operator (群主, 社群运营): posts content, answers, enforces rules by hand."""

    def __init__(self, sim: Simulation, entry_idx: int, entry: OperatorRole, rng: np.random.Generator) -> None:
        self.sim, self.rng, self.params = sim, rng, entry.params
        self.id = sim.g.new_agent(entry_idx, STAFF, OWNER)
        start, end = entry.params.working_hours
        mask = np.array([1.0 if start <= h < end else 0.0 for h in range(24)])
        weights = np.asarray(sim.scenario.diurnal) * mask
        self.work_clock = DiurnalClock(weights if weights.sum() > 0 else mask)
        self.start_hour, self.end_hour = start, end
        mix = np.array([max(entry.params.content_mix.get(d, 0.0), 0.0) for d in VALUE_DIMENSIONS])
        self.mix = mix / mix.sum() if mix.sum() > 0 else np.full(len(VALUE_DIMENSIONS), 1 / len(VALUE_DIMENSIONS))
        self.answer_p = _one(entry.params.answer_probability, rng)
        rate = _one(entry.params.content_per_day, rng)
        times = self.work_clock.poisson_times(rng, rate, 0.0, sim.end)
        dims = rng.choice(len(VALUE_DIMENSIONS), size=len(times), p=self.mix)
        values = sample(entry.params.content_value, rng, len(times)) if len(times) else np.empty(0)
        sim.start(self.id, self.life(times.tolist(), dims.tolist(), values.tolist()))

    def life(self, times: list[float], dims: list[int], values: list[float]):  # noqa: ANN201
        env, sim = self.sim.env, self.sim
        sim.try_join(self.id)
        for t, d, v in zip(times, dims, values):
            yield env.timeout(t - env.now)
            sim.post(self.id, Kind.CONTENT, f"今日干货：{VALUE_DIMENSIONS[d]}", value_dim=d, value=v)

    def next_working_time(self, t: float) -> float:
        """``t`` if inside working hours, else the next start of work."""
        day, minute = divmod(t, 1440.0)
        start, end = self.start_hour * 60.0, self.end_hour * 60.0
        if start <= minute < end:
            return t
        return day * 1440.0 + start if minute < start else (day + 1) * 1440.0 + start

    def delay(self, t: float, param: object) -> float:
        """When a case raised at ``t`` gets handled, given a delay distribution."""
        return self.next_working_time(t + max(_one(param, self.rng), 0.0)) - t

    def maybe_answer(self, question_id: int, t: float) -> None:
        if self.rng.random() < self.answer_p:
            when = self.delay(t, self.params.answer_delay_minutes)
            self.sim.later(when, lambda: self.sim.answer(self.id, "已解答，请看公告", question_id=question_id, value=0.2))


# ---- ad spammers ---------------------------------------------------------------
def add_spammer(sim: Simulation, entry_idx: int, entry: AdSpammerRole, index: int, rng: np.random.Generator) -> int:
    """An ad poster (广告手) who joins, posts ads at a rate, and leaves or gets kicked."""
    p = entry.params
    pick: Callable[[object], float] = (
        lambda v: float(v[index]) if isinstance(v, list) else _one(v, rng)  # type: ignore[index]
    )
    join_t = max(pick(p.join_day), 0.0) * 1440.0
    stay = max(pick(p.stay_days), 0.0) * 1440.0
    rate = max(pick(p.ad_rate), 0.0)
    link_share = pick(p.link_share)
    i = sim.g.new_agent(entry_idx, ADVERSARY, MEMBER)
    end = min(join_t + stay, sim.end)
    times = sim.clock.poisson_times(rng, rate, join_t, end)
    draws = rng.random((len(times), 2))
    sim.start(i, spammer_life(sim, i, join_t, end, times.tolist(), draws.tolist(), link_share))
    return i


def spammer_life(sim: Simulation, i: int, join_t: float, end: float, times: list[float], draws: list[list[float]], link_share: float):  # noqa: ANN201
    env, g = sim.env, sim.g
    try:
        yield env.timeout(join_t - env.now)
        if not sim.try_join(i):
            return
        for t, (u_link, u_text) in zip(times, draws):
            yield env.timeout(t - env.now)
            if g.muted_until[i] > t:
                continue
            if u_link < link_share:
                sim.post(i, Kind.AD, AD_LINK_TEXTS[int(u_text * len(AD_LINK_TEXTS))], form=MessageForm.LINK, has_link=True)
            else:
                sim.post(i, Kind.AD, AD_TEXTS[int(u_text * len(AD_TEXTS))])
        yield env.timeout(max(end - env.now, 0.0))
        sim.leave(i)
    except simpy.Interrupt:
        return
