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


@pytest.mark.parametrize(("k", "days", "sigma"), [(0, 30.0, 2.2), (1309, 30.0, 2.2), (5, 0.2, 8.0), (50, 30.0, 8.0), (3, 1.0, 0.3)])
def test_the_mixture_is_integrated_exactly_for_busy_members_and_wide_spreads(k: int, days: float, sigma: float) -> None:
    """Adaptive Gauss-Hermite against adaptive quadrature on the log rate, centred where the integrand lives."""
    from scipy import integrate, special, stats

    from sim.calibration.fit import _pln_logpmf

    mu = math.log(0.02)
    peak = math.log(max(k, 0.5) / days)

    def f(u: float) -> float:
        return math.exp(k * (u + math.log(days)) - days * math.exp(u) - special.gammaln(k + 1) + stats.norm.logpdf(u, mu, sigma))

    exact = sum(integrate.quad(f, a, b, limit=400)[0] for a, b in
                [(mu - 12 * sigma, peak - 1), (peak - 1, peak + 1), (peak + 1, mu + 12 * sigma)] if a < b)
    assert _pln_logpmf(np.array([float(k)]), mu, sigma, days)[0] == pytest.approx(math.log(exact), abs=1e-6)


def test_one_very_busy_member_does_not_derail_the_fit() -> None:
    """Regression: a member with 1,309 messages in 30 days made the fixed-grid fit end at sigma 8 (seed 116)."""
    rng = np.random.default_rng(116)
    counts = rng.poisson(np.exp(math.log(0.02) + 2.2 * rng.standard_normal(420)) * 30)
    counts[0] = 1309
    fit = fit_rates(counts, 30.0, truncated=False)
    assert 1.8 < fit.sigma.value < 2.8 and 0.01 < fit.median.value < 0.04


def test_the_robust_interval_widens_when_members_post_in_bursts() -> None:
    """Ablation of the sandwich: Poisson counts give robust = model standard errors; bursts of 8 widen only the robust one."""
    rng = np.random.default_rng(5)
    rates = np.exp(math.log(0.5) + 0.8 * rng.standard_normal(400))
    poisson = fit_rates(rng.poisson(rates * 30), 30, truncated=False)
    bursts = fit_rates(8 * rng.poisson(rates * 30 / 8), 30, truncated=False)  # the same mean, 8 messages a burst

    def robust_se(fit: object) -> float:
        return (math.log(fit.median.high) - math.log(fit.median.low)) / (2 * 1.959964)  # type: ignore[attr-defined]

    assert robust_se(poisson) == pytest.approx(poisson.model_se[0], rel=0.2)
    assert robust_se(bursts) > 1.15 * bursts.model_se[0]  # 40 replicates: sampling sd 0.094, robust 0.103, model 0.083


def test_shares_clustered_by_day_are_wider_than_independent_ones() -> None:
    from sim.calibration.clustered import clustered_share

    even = clustered_share([10] * 30, [100] * 30)
    lumpy = clustered_share([0, 20] * 15, [100] * 30)  # the same share, all of it on every other day
    assert even.value == lumpy.value == 0.1 and even.n == lumpy.n == 3000
    assert (lumpy.high - lumpy.low) > 3 * (even.high - even.low)
    lo, hi = profile(np.array([300, 2700]), "m")[0].low, profile(np.array([300, 2700]), "m")[0].high
    assert (even.low, even.high) == pytest.approx((lo, hi))  # no clustering: Wilson's interval


def test_weekday_shares_of_a_flat_week_cover_one_seventh() -> None:
    from sim.calibration.clustered import weekly_profile

    rng = np.random.default_rng(2)
    hits = []
    for _ in range(40):
        by_day = {d: rng.poisson(rng.gamma(4.0, 25.0) / 24, 24).astype(float) for d in range(20515, 20545)}
        hits += [w.low <= 1 / 7 <= w.high for w in weekly_profile(by_day, 20515, 20544)]
    assert np.mean(hits) >= 0.9


def test_kicked_members_are_fitted_apart_whatever_names_them() -> None:
    """Regression: groupsim's CSV names a kicked member as the sender; the fit read the (empty) target."""
    from sim.base.chatlog.events import ChatEvent
    from sim.calibration import observe

    events = [ChatEvent(0.0, "join", "spam", 1), ChatEvent(60.0, "message", "spam", 2), ChatEvent(90.0, "kick", "spam", 3),
              ChatEvent(100.0, "message", "a", 4), ChatEvent(86_400.0 * 3, "message", "b", 5)]
    obs = observe(events)
    assert obs.removed == {"spam"} and "" not in obs.leave_time
    counts, days = obs.exposure(10)
    assert len(counts) == 10 + 0 and counts.sum() == 2  # a, b and 8 silent members; the spammer left out
