"""Bursty timing for everyone (issue 16 item 2): the priority-list process, its population B, and the Poisson switch."""

from __future__ import annotations

import numpy as np
import pytest

from sim.base.stats import mean_interval
from sim.model.members.timing import mean_steps, population_burstiness
from sim.run.engine import Simulation
from sim.spec.scenario import Scenario

BAND = (0.2, 0.5)


def _built(seed: int, greed: float | None = None, days: float = 30.0, n: int = 150) -> Simulation:
    """A group of default members, built but not run: their visits and candidate posts are drawn."""
    params = {} if greed is None else {"priority_greed": greed, "visit_greed": greed}
    return Simulation(Scenario.model_validate({
        "name": "timing", "duration_days": days, "group": {"initial_members": n},
        "population": [{"role": "member", "share": 1.0, "params": params}],
    }), seed)


def _visits_and_posts(sim: Simulation) -> tuple[float, float]:
    """Population B of the members' visits (hours merged, as they read) and of their candidate posts, in diurnal time."""
    visits = list(sim.review.visits.values())
    ids = np.concatenate([v[0] for v in visits])
    minutes = np.concatenate([v[2] for v in visits])
    times, senders = np.asarray(sim.posting._posts[0]), np.asarray(sim.posting._posts[1])
    eff = sim.clock.effective
    return population_burstiness(ids, eff(minutes)), population_burstiness(senders, eff(times))


def test_population_burstiness_by_hand() -> None:
    # member 0: gaps 1, 1, 1, 1, 1 (regular); member 1 has too few gaps and is left out
    owner = np.array([0] * 6 + [1] * 3)
    times = np.array([0, 1, 2, 3, 4, 5, 0, 10, 11], dtype=float)
    assert population_burstiness(owner, times) == -1.0
    rng = np.random.default_rng(1)
    poisson = np.cumsum(rng.exponential(3.0, 20_000))
    assert abs(population_burstiness(np.zeros(len(poisson), np.int64), poisson)) < 0.02
    # rates differ between members: rescaling by each one's mean keeps that from reading as bursts
    slow = np.cumsum(rng.exponential(100.0, 5_000))
    both = population_burstiness(np.r_[np.zeros(20_000, np.int64), np.ones(5_000, np.int64)], np.r_[poisson, slow])
    assert abs(both) < 0.02


def test_mean_steps_keeps_the_rate() -> None:
    """E[steps between posts] is 2 as p -> 0 and grows as ln(2/(1-p)): the step rate is scaled so posts keep their rate."""
    assert mean_steps(np.array([0.0]))[0] == pytest.approx(2.0, rel=1e-6)
    assert mean_steps(np.array([0.95]))[0] == pytest.approx(np.log(39.0) / 0.95)
    sim = _built(1, days=30.0, n=150)
    rates = np.array([t["post_rate"] for t in sim.traits.values()])
    per_day = len(sim.posting._posts[0]) / 30.0
    assert per_day == pytest.approx(rates.sum(), rel=0.25)  # candidate posts at the drawn rates (diurnal start aside)


@pytest.mark.slow
def test_default_members_are_bursty_and_the_switch_gives_poisson() -> None:
    """Over 30 seeds: visits and posts of default members have population B in [0.2, 0.5]; greed 0 gives B ≈ 0."""
    bursty = np.array([_visits_and_posts(_built(s)) for s in range(30)])
    poisson = np.array([_visits_and_posts(_built(s, greed=0.0)) for s in range(30)])
    for col, what in enumerate(("visits", "posts")):
        m, lo, hi = mean_interval(bursty[:, col])
        assert BAND[0] < lo and hi < BAND[1], (what, m, lo, hi)
        m0, lo0, hi0 = mean_interval(poisson[:, col])
        assert -0.08 < lo0 and hi0 < 0.05, (what, m0, lo0, hi0)  # visits merged within an hour are a little regular
        assert m - m0 > 0.15
