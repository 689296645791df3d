"""Members' timing: bursty visits and posts from a priority list (everyone, by default), and referral.

Bursty timing (Barabási 2005, "The origin of bursts and heavy tails in human
dynamics"; Vázquez et al. 2006): a member keeps a short priority list of two
things to do, "post in the group" and "something else". At each of their
action steps they do the task with the highest priority with probability
``p`` (``priority_greed``), a random one otherwise; the task done gets a new
uniform priority. Given the post task's priority ``x``, it is done at each step
with probability ``q(x) = p*x + (1-p)/2``, so the steps between two posts are
``Geometric(q(x))`` with ``x ~ U(0,1)`` fresh after each post: a mixture with
a power-law tail ~ tau^-2 as p -> 1. Steps come at a Poisson rate chosen so the
mean post rate stays ``post_rate``: ``lambda = post_rate * E[tau]`` with
``E[tau] = ln((1+p)/(1-p)) / p``. Whole vectors are drawn per population entry
(member j takes the j-th slice), so adding a member changes nobody's draws.
The same process times visits (``visit_greed``) and posts (``priority_greed``);
``0`` gives a Poisson process. :func:`population_burstiness` measures it
(docs/MODEL.md, "Bursty timing").
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.base.clock import DiurnalClock, lexsort2

if TYPE_CHECKING:
    from sim.model.world import World

StreamFor = Callable[[str], np.random.Generator]


def mean_steps(p: np.ndarray) -> np.ndarray:
    """E[steps between posts] of the two-task priority list with greed ``p`` (2 as p -> 0: a random pick, half the time)."""
    p = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
    return np.log((1 + p) / (1 - p)) / p


def _gaps(rng: np.random.Generator, p: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Effective minutes between posts: a Gamma(tau, 1/lambda) sum of tau exponential steps."""
    x = rng.random(len(p))
    tau = rng.geometric(p * x + (1 - p) / 2)
    return rng.gamma(tau, 1.0 / lam)


def priority_list_times(
    clock: DiurnalClock, stream: StreamFor, first: int, rates: np.ndarray, greed: np.ndarray, t0: float, end: float,
    purpose: str = "posts",
) -> tuple[np.ndarray, np.ndarray]:
    """Event times (posts, or visits with ``purpose="visits"``) of members with ``greed > 0``.

    Returns (owner index per event, times), sorted per owner; each purpose has its own streams.
    """
    n = len(rates)
    w0, w1 = float(clock.effective(t0)), float(clock.effective(end))
    span = max(w1 - w0, 0.0)
    p = np.clip(greed, 1e-6, 1 - 1e-6)
    rates = np.maximum(rates, 0.0)
    lam = np.maximum(rates * mean_steps(p) / 1440.0, 1e-12)  # steps per effective minute
    size = np.where(rates > 0, np.ceil(2.0 * rates * span / 1440.0 + 10.0), 0).astype(np.int64)
    rng = stream(f"bursty-{purpose}")
    owner = np.repeat(np.arange(n), size)
    gaps = _gaps(rng, p[owner], lam[owner])
    starts = np.r_[0, np.cumsum(size)[:-1]]
    has = size > 0
    # No cut of the first gap: the group task enters the member's list at their join with a fresh uniform
    # priority, the model's own state after any execution, so the first event follows an ordinary gap.
    cum = np.cumsum(gaps)
    offset = np.repeat(np.r_[0.0, cum][starts], size)
    w = cum - offset
    out_owner, out_w = [owner[w <= span]], [w[w <= span]]
    last = np.r_[0.0, cum][starts + size] - np.r_[0.0, cum][starts]
    for j in np.flatnonzero(has & (last <= span)).tolist():  # rare: drew too few, continue on its own stream
        more = stream(f"bursty-more:{first + j}" if purpose == "posts" else f"bursty-{purpose}-more:{first + j}")
        at = float(last[j])
        extra = []
        while at <= span:
            at += float(_gaps(more, p[j : j + 1], lam[j : j + 1])[0])
            if at <= span:
                extra.append(at)
        out_owner.append(np.full(len(extra), j))
        out_w.append(np.asarray(extra))
    owner, w = np.concatenate(out_owner), np.concatenate(out_w)
    order = lexsort2(w, owner)
    return owner[order], np.clip(clock.real(w0 + w[order]), t0, end)


def burstiness(times: np.ndarray) -> float:
    """Goh-Barabási burstiness (sigma - mu) / (sigma + mu) of inter-event times (-1 regular, 0 Poisson)."""
    gaps = np.diff(np.sort(np.asarray(times, dtype=float)))
    if len(gaps) < 2 or gaps.mean() <= 0:
        return float("nan")
    mu, sigma = gaps.mean(), gaps.std()
    return float((sigma - mu) / (sigma + mu))


def population_burstiness(owner: np.ndarray, times: np.ndarray, min_gaps: int = 5) -> float:
    """Population burstiness: each member's gaps over their own mean gap, pooled, then (sigma - mu) / (sigma + mu).

    Dividing by each member's mean (Karsai et al. 2012, rescaled inter-event
    times) keeps differences in rate between members from reading as bursts;
    members with fewer than ``min_gaps`` gaps are left out. NaN if none is left.
    """
    owner, times = np.asarray(owner), np.asarray(times, dtype=float)
    if len(owner) < 2:
        return float("nan")
    order = lexsort2(times, owner)
    owner, times = owner[order], times[order]
    same = owner[1:] == owner[:-1]
    gaps, who = np.diff(times)[same], owner[1:][same]
    if not len(gaps):
        return float("nan")
    ids, inverse, count = np.unique(who, return_inverse=True, return_counts=True)
    mean = np.bincount(inverse, weights=gaps) / count
    keep = (count >= min_gaps)[inverse] & (mean > 0)[inverse]
    if not keep.any():
        return float("nan")
    z = gaps[keep] / mean[inverse[keep]]
    mu, sigma = float(z.mean()), float(z.std())
    return (sigma - mu) / (sigma + mu)


def schedule_referrals(world: World, entry_idx: int, ids: list[int], rates: np.ndarray, t0: float, stream: StreamFor) -> None:
    """Members invite friends along the social graph (转介绍 / 裂变), each at their own rate."""
    if not (rates > 0).any():
        return
    owner, times = _poisson(world.clock, stream("referrals"), rates, t0, world.end)
    if len(times):
        order = np.argsort(times, kind="stable")
        invites = [(float(t), ids[int(o)]) for t, o in zip(times[order], owner[order])]
        world.env.process(_referrer(world, entry_idx, invites))


def _poisson(clock: DiurnalClock, rng: np.random.Generator, rates: np.ndarray, t0: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    w0, w1 = float(clock.effective(t0)), float(clock.effective(end))
    counts = rng.poisson(np.maximum(rates, 0.0) * max(w1 - w0, 0.0) / 1440.0)
    owner = np.repeat(np.arange(len(rates)), counts)
    return owner, clock.real(rng.uniform(w0, w1, int(counts.sum())))


def _referrer(world: World, entry_idx: int, invites: list[tuple[float, int]]) -> Generator[Any, Any, None]:
    """Invitations fire at their times; a member invites only while present and not muted."""
    g = world.roster
    for t, i in invites:
        yield world.env.timeout(max(t - world.env.now, 0.0))
        if g.present[i] and not g.muted[i] and not g.is_full():
            world.population.invite(entry_idx, i)


__all__ = ["burstiness", "mean_steps", "population_burstiness", "priority_list_times", "schedule_referrals"]
