"""Small statistics for replicated runs: intervals for shares, means and lifetimes.

* a share of runs (e.g. how many ended as ad groups): Wilson score interval;
* a mean of a metric over runs: Student-t interval;
* lifetime: runs still alive at the end are censored, so the median lifetime is
  the Kaplan-Meier median, with a percentile-bootstrap interval drawn from a
  fixed seed (so the table is reproducible).

Paired comparisons of two designs run on common random numbers (the same seeds):

* a share: Newcombe's hybrid-score interval for a paired difference of
  proportions (Wilson-based, method 10 of Newcombe 1998) and the exact McNemar
  test (a binomial test on the discordant pairs);
* a mean: percentile-bootstrap interval of the mean paired difference (seeds
  resampled jointly, fixed bootstrap seed) and a sign-flip permutation test
  (exact up to 16 pairs, Monte Carlo with a fixed seed above);
* lifetimes: the log-rank test (chi-square, one degree of freedom) with censoring at the end of the run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats as _st

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Share ``k/n`` and its Wilson score interval."""
    if n <= 0:
        return math.nan, math.nan, math.nan
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return p, max(0.0, centre - half), min(1.0, centre + half)


def mean_ci(values: Sequence[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean of the finite values and its Student-t interval (NaN bounds with fewer than 2)."""
    x = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if len(x) < 2:
        return m, math.nan, math.nan
    sd = float(x.std(ddof=1))
    if sd == 0:
        return m, m, m
    half = float(_st.t.ppf(0.5 + level / 2, len(x) - 1)) * sd / math.sqrt(len(x))
    return m, m - half, m + half


def km_curve(times: Sequence[float], events: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier survival: distinct event times and S(t) just after each."""
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=bool)
    at = np.unique(t[e])
    surv, s = [], 1.0
    for u in at:
        at_risk = int((t >= u).sum())
        died = int(((t == u) & e).sum())
        s *= 1.0 - died / at_risk
        surv.append(s)
    return at, np.asarray(surv)


def km_median(times: Sequence[float], events: Sequence[bool]) -> float:
    """The Kaplan-Meier median lifetime, or +inf if survival never falls to one half."""
    at, surv = km_curve(times, events)
    below = np.flatnonzero(surv <= 0.5)
    return float(at[below[0]]) if len(below) else math.inf


def km_median_ci(
    times: Sequence[float], events: Sequence[bool], n_boot: int = 400, seed: int = 0
) -> tuple[float, float, float]:
    """KM median with a percentile-bootstrap 95% interval (bounds may be +inf)."""
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=bool)
    med = km_median(t, e)
    if len(t) < 2:
        return med, math.nan, math.nan
    rng = np.random.default_rng(seed)
    boot = []
    for _ in range(n_boot):
        k = rng.integers(0, len(t), len(t))
        boot.append(km_median(t[k], e[k]))
    lo, hi = np.quantile(np.asarray(boot), [0.025, 0.975], method="inverted_cdf")
    return med, float(lo), float(hi)


def paired_proportion_diff(a: Sequence[bool], b: Sequence[bool], z: float = Z95) -> tuple[float, float, float, float]:
    """Paired difference of shares ``mean(b) - mean(a)``: estimate, Newcombe interval, exact McNemar p.

    ``a[i]`` and ``b[i]`` are the same seed under two designs.
    """
    x = np.asarray(a, dtype=bool)
    y = np.asarray(b, dtype=bool)
    if len(x) != len(y):
        raise ValueError("paired samples need the same length")
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, math.nan
    n11 = int((x & y).sum())
    n10 = int((x & ~y).sum())  # yes under a only
    n01 = int((~x & y).sum())  # yes under b only
    n00 = n - n11 - n10 - n01
    p1, l1, u1 = wilson(n11 + n01, n, z)  # b
    p2, l2, u2 = wilson(n11 + n10, n, z)  # a
    d = p1 - p2
    denom = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00)
    phi = (n11 * n00 - n10 * n01) / math.sqrt(denom) if denom > 0 else 0.0
    dl = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    du = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    discordant = n10 + n01
    p_value = float(_st.binomtest(n01, discordant, 0.5).pvalue) if discordant else 1.0
    return d, max(-1.0, d - dl), min(1.0, d + du), p_value


def _finite_pairs(a: Sequence[float], b: Sequence[float]) -> np.ndarray:
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if len(x) != len(y):
        raise ValueError("paired samples need the same length")
    keep = np.isfinite(x) & np.isfinite(y)
    return y[keep] - x[keep]


def paired_mean_diff(
    a: Sequence[float], b: Sequence[float], level: float = 0.95, n_boot: int = 2000, seed: int = 0
) -> tuple[float, float, float, float]:
    """Mean paired difference ``b - a``: estimate, percentile-bootstrap interval, sign-flip test p.

    Pairs where either value is not finite are dropped. With fewer than two pairs
    the interval and p-value are NaN.
    """
    d = _finite_pairs(a, b)
    if len(d) == 0:
        return math.nan, math.nan, math.nan, math.nan
    m = float(d.mean())
    if len(d) < 2:
        return m, math.nan, math.nan, math.nan
    rng = np.random.default_rng(seed)
    boot = d[rng.integers(0, len(d), (n_boot, len(d)))].mean(axis=1)
    lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return m, float(lo), float(hi), sign_flip_p(d, seed=seed)


def sign_flip_p(d: np.ndarray, n_perm: int = 20_000, seed: int = 0) -> float:
    """Two-sided permutation p-value of mean(d) = 0 by flipping signs (exact up to 16 values)."""
    d = np.asarray(d, dtype=float)
    n = len(d)
    observed = abs(d.sum())
    if observed == 0:
        return 1.0
    if n <= 16:
        signs = 1 - 2 * ((np.arange(2**n)[:, None] >> np.arange(n)) & 1)
        sums = np.abs(signs @ d)
        return float((sums >= observed - 1e-12 * max(1.0, observed)).mean())
    rng = np.random.default_rng(seed)
    signs = rng.choice(np.array([-1.0, 1.0]), size=(n_perm, n))
    sums = np.abs(signs @ d)
    return float((1 + (sums >= observed - 1e-12 * observed).sum()) / (n_perm + 1))


def logrank_p(
    times_a: Sequence[float], events_a: Sequence[bool], times_b: Sequence[float], events_b: Sequence[bool]
) -> float:
    """Two-sided log-rank p-value comparing two lifetime samples (``events`` false = censored)."""
    ta, ea = np.asarray(times_a, dtype=float), np.asarray(events_a, dtype=bool)
    tb, eb = np.asarray(times_b, dtype=float), np.asarray(events_b, dtype=bool)
    if len(ta) == 0 or len(tb) == 0 or not (ea.any() or eb.any()):
        return 1.0  # no ends in either design: nothing distinguishes them
    t = np.concatenate([ta, tb])
    e = np.concatenate([ea, eb])
    in_a = np.concatenate([np.ones(len(ta), bool), np.zeros(len(tb), bool)])
    observed = expected = variance = 0.0
    for u in np.unique(t[e]):
        risk = t >= u
        n, n_a = int(risk.sum()), int((risk & in_a).sum())
        died = (t == u) & e
        d, d_a = int(died.sum()), int((died & in_a).sum())
        observed += d_a
        expected += d * n_a / n
        if n > 1:
            variance += d * (n_a / n) * (1 - n_a / n) * (n - d) / (n - 1)
    if variance <= 0:
        return 1.0
    p = float(_st.chi2.sf((observed - expected) ** 2 / variance, 1))
    return p if math.isfinite(p) else 1.0


__all__ = [
    "Z95",
    "km_curve",
    "km_median",
    "km_median_ci",
    "logrank_p",
    "mean_ci",
    "paired_mean_diff",
    "paired_proportion_diff",
    "sign_flip_p",
    "wilson",
]
