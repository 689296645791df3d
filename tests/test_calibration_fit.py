"""Calibration's estimators: intervals that cover the truth at their stated rate, checked on data with a known truth."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.calibration import burstiness, fit_rates, gini, poisson_rate, profile, top_shares


@pytest.mark.parametrize("truncated", [False, True])
def test_poisson_lognormal_intervals_cover_the_true_rates(truncated: bool) -> None:
    """20 groups of 300 members with lognormal rates (median 0.05 a day, sigma 1.5) over 30 days."""
    rng = np.random.default_rng(7)
    hits = [0, 0]
    for _ in range(20):
        rates = np.exp(math.log(0.05) + 1.5 * rng.standard_normal(300))
        fit = fit_rates(rng.poisson(rates * 30), 30, truncated=truncated)
        hits[0] += fit.median.low <= 0.05 <= fit.median.high
        hits[1] += fit.sigma.low <= 1.5 <= fit.sigma.high
    assert min(hits) >= 16, hits  # 95% intervals: 16 or fewer of 20 happens with probability < 0.02


def test_a_fit_moves_with_the_truth() -> None:
    rng = np.random.default_rng(3)
    low = fit_rates(rng.poisson(np.exp(math.log(0.02) + rng.standard_normal(400)) * 30), 30, truncated=False)
    high = fit_rates(rng.poisson(np.exp(math.log(0.5) + rng.standard_normal(400)) * 30), 30, truncated=False)
    assert low.median.high < high.median.low


def test_garwood_interval_matches_the_textbook() -> None:
    zero = poisson_rate(0, 1.0)
    assert zero.low == 0 and zero.high == pytest.approx(3.689, abs=1e-3)  # exact upper limit for 0 events
    ten = poisson_rate(10, 2.0)
    assert ten.value == 5 and ten.low == pytest.approx(4.7954 / 2, abs=1e-3) and ten.high == pytest.approx(18.3904 / 2, abs=1e-3)


def test_profile_shares_and_their_intervals() -> None:
    shares = profile(np.array([10, 30, 60]), "messages")
    assert sum(s.value for s in shares) == pytest.approx(1.0)
    assert all(s.low <= s.value <= s.high for s in shares)


def test_inequality_and_burstiness_measures() -> None:
    assert gini([1, 1, 1, 1]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)
    top1, next9, rest = top_shares([100] + [1] * 99)
    assert top1 == pytest.approx(100 / 199) and next9 + rest == pytest.approx(99 / 199)
    rng = np.random.default_rng(0)
    assert abs(burstiness(rng.exponential(1.0, 20_000))) < 0.03  # Poisson: B = 0
    assert burstiness(np.concatenate([np.full(900, 0.01), np.full(100, 50.0)])) > 0.45
