"""The one statistics module against independent reference values, and intervals that keep to their range.

References: Newcombe (1998, Stat Med 17:857, table I) for Wilson intervals;
the Freireich et al. 6-MP leukaemia data (Gehan 1965; every survival textbook,
e.g. Kleinbaum & Klein) for Kaplan-Meier and the log-rank test (R's
``survdiff``: chi-square 16.8 on 1 df, p = 4.17e-05); a Greenwood log(-log)
band and a sign-flip distribution computed here by hand.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.base.metrics import metric
from sim.base.stats import (
    km_band, km_curve, km_median, km_median_ci, logrank_p, mean_diff, mean_interval, paired_mean_diff,
    paired_proportion_diff, proportion_diff, sign_flip_p, wilson,
)

Z95 = 1.959963984540054
# 6-MP group (weeks; + = censored) and placebo group of the Freireich trial
SIX_MP = [(6, 1), (6, 1), (6, 1), (6, 0), (7, 1), (9, 0), (10, 1), (10, 0), (11, 0), (13, 1), (16, 1), (17, 0), (19, 0),
          (20, 0), (22, 1), (23, 1), (25, 0), (32, 0), (32, 0), (34, 0), (35, 0)]
PLACEBO = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


@pytest.mark.parametrize(("k", "n", "lo", "hi"), [
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombe_1998(k: int, n: int, lo: float, hi: float) -> None:
    p, a, b = wilson(k, n)
    assert p == pytest.approx(k / n)
    assert a == pytest.approx(lo, abs=1e-4) and b == pytest.approx(hi, abs=1e-4)


def test_wilson_closed_form_and_empty() -> None:
    k, n = 7, 19
    p = k / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    assert wilson(k, n)[1:] == pytest.approx((centre - half, centre + half), rel=1e-9)
    assert all(math.isnan(x) for x in wilson(0, 0))


def test_kaplan_meier_on_the_6mp_data() -> None:
    t, e = zip(*SIX_MP)
    at, s = km_curve(t, [bool(x) for x in e])
    assert list(at) == [6, 7, 10, 13, 16, 22, 23]
    assert s == pytest.approx([0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448], abs=5e-4)
    assert km_median(t, [bool(x) for x in e]) == 23.0


def test_greenwood_log_log_band_by_hand() -> None:
    times = [1.0, 2.0, 3.0, 4.0, 5.0]
    events = [True, True, False, True, False]
    xs, s, lo, hi = km_band(times, events, until=10.0)
    assert list(xs) == [0.0, 1.0, 2.0, 4.0, 10.0]
    assert s == pytest.approx([1.0, 0.8, 0.6, 0.3, 0.3])
    # by hand: Greenwood sum d/(n(n-d)) at each death, then S^exp(±z sqrt(V)/|log S|)
    sums = np.cumsum([1 / (5 * 4), 1 / (4 * 3), 1 / (2 * 1)])
    for k, (surv, v) in enumerate(zip([0.8, 0.6, 0.3], sums), start=1):
        se = math.sqrt(v) / abs(math.log(surv))
        assert lo[k] == pytest.approx(surv ** math.exp(Z95 * se), rel=1e-9)
        assert hi[k] == pytest.approx(surv ** math.exp(-Z95 * se), rel=1e-9)
    assert lo[-1] == lo[-2] and 0 <= lo.min() and hi.max() <= 1


def test_median_interval_is_where_the_band_crosses_one_half() -> None:
    t, e = zip(*SIX_MP)
    events = [bool(x) for x in e]
    med, lo, hi = km_median_ci(t, events)
    xs, s, band_lo, band_hi = km_band(t, events)
    assert med == 23.0
    assert lo == xs[np.flatnonzero(band_lo <= 0.5)[0]] and lo <= med
    assert hi == math.inf  # the upper band never reaches one half in this trial (R: upper limit NA)
    assert all(math.isinf(x) for x in km_median_ci([30.0] * 4, [False] * 4))


def test_logrank_matches_r_survdiff_on_the_6mp_trial() -> None:
    t, e = zip(*SIX_MP)
    p = logrank_p(t, [bool(x) for x in e], PLACEBO, [True] * len(PLACEBO))
    assert p == pytest.approx(4.17e-5, rel=0.01)


def test_sign_flip_matches_a_full_enumeration() -> None:
    d = np.asarray([0.3, -1.2, 2.5, 0.7, 1.1, -0.4, 0.9, 1.8])
    sums = [abs(sum(s * x for s, x in zip(signs, d))) for signs in itertools.product((1, -1), repeat=len(d))]
    expected = sum(v >= abs(d.sum()) - 1e-12 for v in sums) / len(sums)
    assert sign_flip_p(d) == pytest.approx(expected)


def test_independent_differences() -> None:
    d, lo, hi, p = proportion_diff(5, 10, 9, 10)
    assert d == pytest.approx(0.4) and -1 <= lo < d < hi <= 1
    # Newcombe (1998b) method 10 from the Wilson limits of each share, by hand
    _, la, ua = wilson(5, 10)
    _, lb, ub = wilson(9, 10)
    assert lo == pytest.approx(0.4 - math.sqrt((0.9 - lb) ** 2 + (ua - 0.5) ** 2))
    m, lo, hi, p = mean_diff([1.0, 2.0, 3.0, 4.0], [3.0, 4.0, 5.0, 6.0])
    assert m == 2.0 and lo < 2.0 < hi and 0 < p < 0.1


def test_a_count_interval_never_goes_below_zero() -> None:
    # one rare big value: a t interval would reach below 0; the catalogue's count interval (BCa) does not
    kicks = [0, 0, 0, 0, 0, 0, 0, 1, 40]
    m, lo, hi = mean_interval(kicks, metric("kicks"))
    assert lo >= 0 and lo <= m <= hi
    assert mean_interval([1.0, 1.0, 1.0], metric("kicks")) == (1.0, 1.0, 1.0)
    assert math.isnan(mean_interval([2.0], metric("kicks"))[1])
    again = mean_interval(kicks, metric("kicks"))
    assert again == (m, lo, hi)  # fixed bootstrap seed: reproducible


SHARES = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=2, max_size=30)
COUNTS = st.lists(st.integers(0, 500).map(float), min_size=2, max_size=30)


@settings(max_examples=40, deadline=None)
@given(SHARES)
def test_share_intervals_stay_in_zero_one(xs: list[float]) -> None:
    for name in ("ad_share", "poster_share"):
        m, lo, hi = mean_interval(xs, metric(name))
        assert 0.0 <= lo <= hi <= 1.0


@settings(max_examples=40, deadline=None)
@given(COUNTS, st.sampled_from(["kicks", "final_members", "ad_exposure", "moderator_minutes", "gmv"]))
def test_non_negative_metric_intervals_stay_non_negative(xs: list[float], name: str) -> None:
    m, lo, hi = mean_interval(xs, metric(name))
    assert 0.0 <= lo <= hi


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=2, max_size=20))
def test_paired_share_differences_stay_in_minus_one_one(pairs: list[tuple[float, float]]) -> None:
    a, b = zip(*pairs)
    d, lo, hi, p = paired_mean_diff(a, b, metric("ad_share"))
    assert -1.0 <= lo <= hi <= 1.0 and 0.0 <= p <= 1.0
    wa, wb = [x > 0.5 for x in a], [x > 0.5 for x in b]
    d, lo, hi, p = paired_proportion_diff(wa, wb)
    assert -1.0 <= lo <= hi <= 1.0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0.1, 60.0), st.booleans()), min_size=1, max_size=25))
def test_survival_band_stays_in_zero_one(rows: list[tuple[float, bool]]) -> None:
    t, e = zip(*rows)
    xs, s, lo, hi = km_band(t, e, until=60.0)
    assert xs[-1] >= 60.0 and np.all(np.diff(xs) >= 0)
    assert np.all((0 <= lo) & (lo <= s + 1e-12) & (s <= hi + 1e-12) & (hi <= 1))


def test_the_same_runs_give_the_same_interval_in_compare_the_report_and_the_table() -> None:
    from pathlib import Path

    from reports.build import _table_rows
    from reports.differences import metric_difference
    from reports.results import DesignResults
    from sim.experiments.compare import CompareArm, paired_report
    from sim.spec.scenario import load_scenario

    rng = np.random.default_rng(7)
    seeds = list(range(10))
    rows = [{"point": p, "seed": s, "status": "ok", "outcome": "alive", "censored": True, "lifetime_days": 30.0,
             "ad_exposure": float(rng.poisson(20 + 15 * p)), "messages_per_day": float(rng.gamma(2.0, 10.0)),
             "final_members": float(rng.integers(50, 60)), "mean_satisfaction": float(rng.normal(1, 0.2))}
            for p in (0, 1) for s in seeds]
    sc = load_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "new_customer_well_run.yaml")
    compared = paired_report([CompareArm("a", sc), CompareArm("b", sc)], rows, seeds, ["ad_exposure"])
    row = next(r for r in compared if r["measure"] == "ad_exposure")
    a = DesignResults("a", Path("."), {}, [r for r in rows if r["point"] == 0], [])
    b = DesignResults("b", Path("."), {}, [r for r in rows if r["point"] == 1], [])
    rep = metric_difference(a, b, "ad_exposure")
    assert rep is not None and (rep["diff"], rep["lo"], rep["hi"], rep["p"]) == (row["difference"], row["low"], row["high"], row["p"])
    m, lo, hi = mean_interval([r["ad_exposure"] for r in rows if r["point"] == 0], metric("ad_exposure"))
    ad = metric("ad_exposure")
    assert _table_rows([a])[0][-1] == f"{ad.fmt(m)} ({ad.fmt(lo)}–{ad.fmt(hi)})"


def test_many_runs_get_a_t_interval_clipped_to_the_range() -> None:
    from scipy import stats as sst

    x = np.r_[np.zeros(5990), np.full(11, 3.0)]  # 6001 runs, nearly all zero
    m, lo, hi = mean_interval(x, metric("kicks"))
    ref = sst.ttest_1samp(x, 0.0).confidence_interval(0.95)
    assert lo == max(0.0, ref.low) and hi == pytest.approx(ref.high)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40).map(float) | st.floats(0.0, 1e4, allow_nan=False), st.booleans()),
                min_size=1, max_size=60))
def test_km_curve_is_scipy_ecdf_to_the_bit(data: list[tuple[float, bool]]) -> None:
    """The numpy product-limit estimate (no scipy import on a run's path) equals scipy.stats.ecdf exactly."""
    from scipy import stats as sst

    t = np.asarray([x for x, _ in data])
    e = np.asarray([b for _, b in data])
    at, s = km_curve(t, e)
    if not e.any():
        assert len(at) == 0
        return
    res = sst.ecdf(sst.CensoredData(uncensored=t[e], right=t[~e]))
    keep = np.isin(res.sf.quantiles, np.unique(t[e]))
    assert at.tolist() == res.sf.quantiles[keep].tolist()
    assert s.tobytes() == res.sf.probabilities[keep].tobytes()


def test_a_run_summary_imports_no_scipy() -> None:
    """A run of a bundled scenario (no truncated normals) summarises without importing scipy.stats."""
    import subprocess
    import sys

    code = ("import sys; from sim.run.engine import run_scenario; from sim.spec.bundled import locate_scenario; "
            "from sim.spec.scenario import load_scenario; "
            "run_scenario(load_scenario(locate_scenario('unmoderated_spam')).with_values(duration_days=3), 1); "
            "print('scipy.stats' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
