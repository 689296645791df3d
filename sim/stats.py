"""Small statistics for replicated runs: intervals for shares, means and lifetimes.

* a share of runs (e.g. how many ended as ad groups): Wilson score interval;
* a mean of a metric over runs: Student-t interval;
* lifetime: runs still alive at the end are censored, so the median lifetime is
  the Kaplan-Meier median, with a percentile-bootstrap interval drawn from a
  fixed seed (so the table is reproducible).
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


__all__ = ["Z95", "km_curve", "km_median", "km_median_ci", "mean_ci", "wilson"]
