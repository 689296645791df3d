"""Building members: their parameters, visits and candidate posts, and their lives as simpy processes.

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

from sim.base.clock import DiurnalClock, lexsort2
from sim.model.roster import LEGIT, MEMBER
from sim.base.params import sample
from sim.model.members.timing import priority_list_times, schedule_referrals
from sim.spec.scenario import VALUE_DIMENSIONS, MemberRole

if TYPE_CHECKING:
    from sim.model.world import World

# Members' texts are data: scenarios/texts/<language>.yaml, chosen by the scenario's `texts` (sim/spec/texts.py).


def _one(param: object, rng: np.random.Generator) -> float:
    return float(sample(param, rng, 1)[0])  # type: ignore[arg-type]


def _dirichlet(weights: dict[str, float], concentration: float, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` need profiles over the value dimensions, each summing to 1, spread around ``weights``."""
    base = np.array([max(weights.get(d, 0.0), 0.0) for d in VALUE_DIMENSIONS])
    out = np.zeros((n, len(VALUE_DIMENSIONS)))
    if base.sum() <= 0:
        return out
    alpha = base / base.sum() * concentration * len(VALUE_DIMENSIONS)
    pos = alpha > 0
    out[:, pos] = rng.dirichlet(alpha[pos], size=n)
    return out


StreamFor = Callable[[str], np.random.Generator]
_SKIP = ("needs", "needs_concentration", "tier")


def _member_columns(entry: MemberRole, first: int, n: int, stream: StreamFor) -> dict[str, np.ndarray]:
    """Draw ``n`` members' parameters, one stream per parameter (member j takes the j-th value).

    Keyed streams make member j's values independent of how many members come
    after it, so adding a member changes nobody else's draws.
    """
    out: dict[str, np.ndarray] = {}
    for key, value in entry.params:
        if key in _SKIP:
            continue
        if isinstance(value, (int, float)):
            out[key] = np.full(n, float(value))
        elif isinstance(value, list):
            out[key] = np.asarray(value[first : first + n], dtype=float)
        else:
            out[key] = sample(value, stream(key), n)
    return out


def _event_times(clock: DiurnalClock, rng: np.random.Generator, rates: np.ndarray, t0: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    """Poisson event times for many agents at once: (owner index per event, times), sorted per owner."""
    w0, w1 = float(clock.effective(t0)), float(clock.effective(end))
    counts = rng.poisson(np.maximum(rates, 0.0) * max(w1 - w0, 0.0) / 1440.0)
    owner = np.repeat(np.arange(len(rates)), counts)
    w = rng.uniform(w0, w1, int(counts.sum()))
    order = lexsort2(w, owner)
    return owner[order], np.clip(clock.real(w[order]), t0, end)


def _timed_events(
    clock: DiurnalClock, stream: StreamFor, first: int, rates: np.ndarray, greed: np.ndarray, t0: float, end: float,
    purpose: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Members' event times at ``rates``: Poisson where ``greed`` is 0, bursty (a priority list) where it is above.

    Returns (owner index per event, times), grouped by owner with times sorted.
    """
    greed = np.clip(greed, 0.0, 1.0 - 1e-6)
    bursty = greed > 0
    owner, times = _event_times(clock, stream(purpose), np.where(bursty, 0.0, rates), t0, end)
    if bursty.any():  # bursty timing from a priority list (sim/model/members/timing.py)
        b_owner, b_times = priority_list_times(clock, stream, first, np.where(bursty, rates, 0.0), greed, t0, end, purpose)
        owner, times = np.concatenate([owner, b_owner]), np.concatenate([times, b_times])
        order = lexsort2(times, owner)
        owner, times = owner[order], times[order]
    return owner, times


def add_members(world: World, entry_idx: int, entry: MemberRole, first: int, n: int, t0: float, stream: StreamFor) -> list[int]:
    """Create ``n`` members of one population entry, joining at ``t0``; returns their ids."""
    if n <= 0:
        return []
    g = world.roster
    cols = _member_columns(entry, first, n, stream)
    ids = [g.new_agent(entry_idx, LEGIT, MEMBER) for _ in range(n)]
    sl = slice(ids[0], ids[-1] + 1)
    g.reader[sl] = True
    g.sat[sl] = cols["initial_satisfaction"]
    g.par[sl] = np.column_stack(
        (
            np.maximum(cols["memory_days"], 1e-3) * 1440.0,
            cols["mute_threshold"],
            np.minimum(cols["leave_threshold"], cols["mute_threshold"]),
            np.maximum(cols["read_cap"], 1.0),
            cols["ad_annoyance"],
            cols["conflict_annoyance"],
            cols["noise_tolerance"],
            cols["noise_annoyance"],
            np.clip(cols["muted_attention"], 0.0, 1.0),
            np.clip(cols["muted_post_factor"], 0.0, 1.0),
        )
    )
    g.needs[sl] = _dirichlet(entry.params.needs, entry.params.needs_concentration, stream("needs"), n)
    eng = np.clip(cols["initial_satisfaction"], 0.0, 1.0).tolist()
    traits = [dict(zip(cols, row)) for row in zip(*(c.tolist() for c in cols.values()))]
    # visits: Poisson looks, or bursty ones from the priority list (sim/model/members/timing.py);
    # several looks within one hour count as one visit
    owner, times = _timed_events(world.clock, stream, first, cols["check_rate"], cols["visit_greed"], t0, world.end, "visits")
    key = owner * 1_000_000 + (times // 60.0).astype(np.int64)
    # np.unique(key), without its sort: key comes grouped by owner with times sorted, so sorted already;
    # each visit keeps the minute of its first look in the hour (harmful messages are read at that minute)
    if len(key) and (key[1:] >= key[:-1]).all():
        new_hour = np.r_[True, key[1:] != key[:-1]]
        key, minute = key[new_hour], times[new_hour]
    else:
        key, at = np.unique(key, return_index=True)
        minute = times[at]
    v_owner, v_hour = np.divmod(key, 1_000_000)
    world.review.schedule_visits(np.asarray(ids)[v_owner], v_hour, stream("visit-thinning").random(len(key)), minute)
    owner, times = _timed_events(world.clock, stream, first, cols["post_rate"], cols["priority_greed"], t0, world.end, "posts")
    draws = stream("post-draws").random((len(times), 3))
    world.posting.add_posts(np.asarray(ids)[owner], times, draws)
    g.thr_leave[sl] = cols["leave_cascade_threshold"]
    g.thr_complain[sl] = cols["complain_cascade_threshold"]
    g.exposure_loss[sl] = cols["exposure_trust_loss"]
    g.imitation[sl] = cols["imitation"]
    g.chilling[sl] = cols["chilling"]
    g.report_p[sl] = np.clip(cols["report_propensity"], 0.0, 1.0)
    answer_p = cols["answer_propensity"].tolist()
    question_p = (cols["answer_propensity"] + cols["question_share"]).tolist()
    expert_p = (cols["answer_propensity"] + cols["question_share"] + cols["expert_share"]).tolist()
    for j, i in enumerate(ids):
        world.membership.join_eng[i] = eng[j]
        g.answer_p[i], g.question_p[i], g.expert_p[i] = answer_p[j], question_p[j], expert_p[j]
        world.traits[i] = traits[j]
        world.membership.start(i, member_life(world, i, t0))
    schedule_referrals(world, entry_idx, ids, cols["referral_rate"], t0, stream)
    return ids


def member_life(world: World, i: int, t0: float):  # noqa: ANN201
    """A member joins at ``t0``; their posts come from the merged posting process (Posting.chatter in sim/model/members/posting.py)."""
    env = world.env
    if t0 > env.now:
        yield env.timeout(t0 - env.now)
    world.join(i)


_CONNECTIONS = VALUE_DIMENSIONS.index("connections")
CHAT_VALUE = 0.005  # a chat line's value to readers (connections); small: chat alone keeps no group
ANSWER_VALUE = 0.05  # a member's answer, to readers other than the asker (information)
_INFORMATION = VALUE_DIMENSIONS.index("information")
