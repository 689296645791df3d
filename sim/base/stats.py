"""The one statistics module: intervals and tests for replicated runs, built on ``scipy.stats``.

Every table, comparison, report and statistical assertion calls these
functions, so the same data gives the same interval everywhere. The method of
an interval comes from the metric's kind in the catalogue
(:mod:`sim.base.metrics`), and no interval leaves its metric's range: a count's
interval never goes below 0, a share's stays in [0, 1].

* a share of runs (0/1 per run): Wilson score interval
  (``binomtest(k, n).proportion_ci(method="wilson")``);
* a mean over runs: BCa bootstrap (``scipy.stats.bootstrap``, fixed seed) for
  shares, counts, rates, minutes, money and ratios (skewed, bounded below),
  a t interval above 5000 runs (where resampling costs more than it tells);
  Student-t (``ttest_1samp(...).confidence_interval``) for unbounded scores;
* lifetime: Kaplan-Meier with censoring (``ecdf`` of ``CensoredData``), a
  log(-log) Greenwood band, and the median's interval where that band crosses
  one half (Brookmeyer-Crowley); designs are compared by the log-rank test
  (``scipy.stats.logrank``).

Paired comparisons of two designs run on common random numbers (the same seeds):

* a share: Newcombe's hybrid-score interval for a paired difference of
  proportions (method 10 of Newcombe 1998, on Wilson intervals) and the exact
  McNemar test (a binomial test on the discordant pairs);
* a mean: BCa bootstrap interval of the mean paired difference and a sign-flip
  permutation test (``permutation_test``, exact up to 16 pairs, Monte Carlo
  with a fixed seed above).

Unpaired (designs that ran different seeds): Newcombe's interval for
independent shares with Fisher's exact test, and Welch's t for means.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.base.lazy import LazyModule
from sim.base.metrics import Metric

_st = LazyModule("scipy.stats")  # imported on first use: a run's summary needs no scipy (see _km_sf)

LEVEL = 0.95
_BCA_MAX_N = 5000  # above this many values a mean gets a t interval (still clipped to the metric's range)
_EXACT_SIGN_FLIP_N = 16
_RNG_KW: list[str] = []


def _rng_kw() -> str:
    """scipy >= 1.15 takes ``rng``; older releases (pyproject allows >= 1.11) take ``random_state``."""
    if not _RNG_KW:
        _RNG_KW.append("rng" if "rng" in inspect.signature(_st.bootstrap).parameters else "random_state")
    return _RNG_KW[0]
Interval = tuple[float, float, float]
NAN3: Interval = (math.nan, math.nan, math.nan)


def clip(lo: float, hi: float, bounds: tuple[float, float]) -> tuple[float, float]:
    """``(lo, hi)`` kept inside ``bounds`` (NaN stays NaN)."""
    a, b = bounds
    return (lo if math.isnan(lo) else min(max(lo, a), b), hi if math.isnan(hi) else min(max(hi, a), b))


def wilson(k: int, n: int, level: float = LEVEL) -> Interval:
    """Share ``k/n`` and its Wilson score interval (NaN for ``n = 0``)."""
    if n <= 0:
        return NAN3
    ci = _st.binomtest(int(k), int(n)).proportion_ci(confidence_level=level, method="wilson")
    lo, hi = clip(float(ci.low), float(ci.high), (0.0, 1.0))
    return k / n, lo, hi


def _finite(values: Sequence[float] | np.ndarray) -> np.ndarray:
    x = np.asarray([v for v in values if v is not None], dtype=float)
    return x[np.isfinite(x)]


def _bootstrap_mean(x: np.ndarray, level: float, seed: int, n_boot: int) -> tuple[float, float]:
    """BCa bootstrap interval of the mean of ``x`` (percentile when BCa is undefined; t when ``x`` is large)."""
    if len(x) > _BCA_MAX_N:  # the mean of thousands of runs is normal enough, and resampling them costs gigabytes
        ci = _st.ttest_1samp(x, 0.0).confidence_interval(level)
        return float(ci.low), float(ci.high)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate resamples: BCa gives NaN and we fall back
        res = _st.bootstrap((x,), np.mean, n_resamples=n_boot, confidence_level=level, method="BCa",
                            vectorized=True, batch=500, **{_rng_kw(): np.random.default_rng(seed)})
        lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            res = _st.bootstrap((x,), np.mean, n_resamples=0, confidence_level=level, method="percentile",  # same draws
                                vectorized=True, bootstrap_result=res, **{_rng_kw(): np.random.default_rng(seed)})
            lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    return lo, hi


def mean_interval(
    values: Sequence[float] | np.ndarray, metric: Metric | None = None, level: float = LEVEL, seed: int = 0,
    n_boot: int = 2000,
) -> Interval:
    """Mean of the finite values and its interval, by the metric's kind, inside the metric's range.

    With no metric the values are treated as an unbounded score (t interval).
    With fewer than two values the bounds are NaN; equal values give a zero-width interval.
    """
    x = _finite(values)
    if len(x) == 0:
        return NAN3
    m = float(x.mean())
    if len(x) < 2:
        return m, math.nan, math.nan
    if float(x.min()) == float(x.max()):
        return m, m, m
    method = metric.interval if metric is not None else "t"
    if method == "wilson":
        k = int((x > 0).sum())
        return wilson(k, len(x), level)
    if method == "t":
        ci = _st.ttest_1samp(x, 0.0).confidence_interval(level)
        lo, hi = float(ci.low), float(ci.high)
    else:  # bca, and kaplan-meier when only the values (no censoring flags) are given
        lo, hi = _bootstrap_mean(x, level, seed, n_boot)
    lo, hi = clip(lo, hi, metric.range if metric is not None else (-math.inf, math.inf))
    return m, lo, hi


def _km(times: Sequence[float], events: Sequence[bool]) -> tuple[np.ndarray, np.ndarray, Any]:
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=bool)
    res = _st.ecdf(_st.CensoredData(uncensored=t[e], right=t[~e]))
    return t, e, res


def _km_sf(t: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct times and S(t) after each, computed as ``scipy.stats.ecdf`` does, to the bit.

    The product-limit estimate ``S = cumprod((n - d) / n)`` over the distinct
    times (``n`` at risk, ``d`` events), or ``1 - events / n`` when nothing is
    censored: the same arithmetic, in the same order, as scipy 1.11-1.17's
    ``_ecdf_right_censored`` and ``_ecdf_uncensored`` (tests/test_base_stats.py
    compares them), so a run's summary needs no scipy import.
    """
    if e.all():
        x, counts = np.unique(np.sort(t), return_counts=True)
        return x, 1 - np.cumsum(counts) / t.size
    times = np.concatenate((t[e], t[~e]))
    died = np.asarray([1] * int(e.sum()) + [0] * int((~e).sum()))
    i = np.argsort(times)
    times, died = times[i], died[i]
    at_risk = np.arange(times.size, 0, -1)
    j = np.diff(times, prepend=-np.inf, append=np.inf) > 0
    n = at_risk[j[:-1]]
    d = np.diff(np.cumsum(died)[j[1:]], prepend=0)
    return times[j[:-1]], np.cumprod((n - d) / n)


def km_curve(times: Sequence[float], events: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier survival: distinct event times and S(t) just after each."""
    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=bool)
    if len(t) == 0:
        return np.empty(0), np.empty(0)
    if e.any() and np.isfinite(t).all():
        quantiles, probabilities = _km_sf(t, e)
    else:  # nothing observed, or values scipy refuses: scipy says what it makes of them
        _, _, res = _km(t, e)
        quantiles, probabilities = res.sf.quantiles, res.sf.probabilities
    keep = np.isin(quantiles, np.unique(t[e]))
    return quantiles[keep], probabilities[keep]


def km_band(
    times: Sequence[float], events: Sequence[bool], until: float | None = None, level: float = LEVEL,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step points from 0 (to ``until`` if later), survival, and its log(-log) Greenwood band in [0, 1]."""
    t, e, res = _km(times, events)
    xs, s, lo, hi = [0.0], [1.0], [1.0], [1.0]
    if len(t) and e.any():
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # undefined where S is 0 or 1: those points take S itself
            ci = res.sf.confidence_interval(level, method="log-log")
            for q, p, a, b in zip(res.sf.quantiles, res.sf.probabilities, ci.low.probabilities, ci.high.probabilities):
                if q not in t[e]:
                    continue
                xs.append(float(q))
                s.append(float(p))
                lo.append(float(a) if math.isfinite(a) else float(p))
                hi.append(float(b) if math.isfinite(b) else float(p))
    end = max(float(np.max(t)) if len(t) else 0.0, until or 0.0)
    if end > xs[-1]:
        xs.append(end)
        s.append(s[-1])
        lo.append(lo[-1])
        hi.append(hi[-1])
    return np.asarray(xs), np.asarray(s), np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)


def _first_below_half(xs: np.ndarray, s: np.ndarray) -> float:
    below = np.flatnonzero(s <= 0.5)
    return float(xs[below[0]]) if len(below) else math.inf


def km_median(times: Sequence[float], events: Sequence[bool]) -> float:
    """The Kaplan-Meier median lifetime, or +inf if survival never falls to one half."""
    at, surv = km_curve(times, events)
    return _first_below_half(at, surv)


def km_median_ci(times: Sequence[float], events: Sequence[bool], level: float = LEVEL) -> Interval:
    """KM median and its interval: where the log(-log) band crosses one half (bounds may be +inf)."""
    if len(times) == 0:
        return NAN3
    xs, s, lo, hi = km_band(times, events, level=level)
    return _first_below_half(xs, s), _first_below_half(xs, lo), _first_below_half(xs, hi)


def logrank_p(
    times_a: Sequence[float], events_a: Sequence[bool], times_b: Sequence[float], events_b: Sequence[bool]
) -> float:
    """Two-sided log-rank p-value comparing two lifetime samples (``events`` false = censored)."""
    ta, ea = np.asarray(times_a, dtype=float), np.asarray(events_a, dtype=bool)
    tb, eb = np.asarray(times_b, dtype=float), np.asarray(events_b, dtype=bool)
    if len(ta) == 0 or len(tb) == 0 or not (ea.any() or eb.any()):
        return 1.0  # no ends in either design: nothing distinguishes them
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        p = float(_st.logrank(_st.CensoredData(uncensored=ta[ea], right=ta[~ea]),
                              _st.CensoredData(uncensored=tb[eb], right=tb[~eb])).pvalue)
    return p if math.isfinite(p) else 1.0


def paired_proportion_diff(a: Sequence[bool], b: Sequence[bool], level: float = LEVEL) -> tuple[float, float, float, float]:
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
    p1, l1, u1 = wilson(n11 + n01, n, level)  # b
    p2, l2, u2 = wilson(n11 + n10, n, level)  # a
    d = p1 - p2
    denom = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00)
    phi = (n11 * n00 - n10 * n01) / math.sqrt(denom) if denom > 0 else 0.0
    dl = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    du = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    discordant = n10 + n01
    p_value = float(_st.binomtest(n01, discordant, 0.5).pvalue) if discordant else 1.0
    return d, max(-1.0, d - dl), min(1.0, d + du), p_value


def proportion_diff(ka: int, na: int, kb: int, nb: int, level: float = LEVEL) -> tuple[float, float, float, float]:
    """Independent shares ``kb/nb - ka/na``: estimate, Newcombe's hybrid-score interval, Fisher's exact p."""
    if na <= 0 or nb <= 0:
        return math.nan, math.nan, math.nan, math.nan
    pa, la, ua = wilson(ka, na, level)
    pb, lb, ub = wilson(kb, nb, level)
    d = pb - pa
    lo = d - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2)
    hi = d + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)
    p = float(_st.fisher_exact([[kb, nb - kb], [ka, na - ka]]).pvalue)
    return d, max(-1.0, lo), min(1.0, hi), p


def _finite_pairs(a: Sequence[float], b: Sequence[float]) -> np.ndarray:
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if len(x) != len(y):
        raise ValueError("paired samples need the same length")
    keep = np.isfinite(x) & np.isfinite(y)
    return y[keep] - x[keep]


def paired_mean_diff(
    a: Sequence[float], b: Sequence[float], metric: Metric | None = None, level: float = LEVEL, n_boot: int = 2000,
    seed: int = 0,
) -> tuple[float, float, float, float]:
    """Mean paired difference ``b - a``: estimate, BCa bootstrap interval, sign-flip test p.

    Pairs where either value is not finite are dropped. With fewer than two pairs
    the interval and p-value are NaN. The interval stays inside the range of a
    difference of the metric's values.
    """
    d = _finite_pairs(a, b)
    if len(d) == 0:
        return math.nan, math.nan, math.nan, math.nan
    m = float(d.mean())
    if len(d) < 2:
        return m, math.nan, math.nan, math.nan
    if float(d.min()) == float(d.max()):
        return m, m, m, 1.0 if m == 0 else sign_flip_p(d, seed=seed)
    lo, hi = _bootstrap_mean(d, level, seed, n_boot)
    lo, hi = clip(lo, hi, metric.difference_range if metric is not None else (-math.inf, math.inf))
    return m, lo, hi, sign_flip_p(d, seed=seed)


def mean_diff(
    a: Sequence[float], b: Sequence[float], metric: Metric | None = None, level: float = LEVEL,
) -> tuple[float, float, float, float]:
    """Unpaired ``mean(b) - mean(a)``: estimate, Welch's t interval and p (NaN with fewer than 2 each)."""
    x, y = _finite(a), _finite(b)
    if len(x) < 2 or len(y) < 2:
        return math.nan, math.nan, math.nan, math.nan
    m = float(y.mean() - x.mean())
    if float(np.var(x)) == 0 and float(np.var(y)) == 0:
        return m, m, m, 0.0 if m else 1.0
    res = _st.ttest_ind(y, x, equal_var=False)
    ci = res.confidence_interval(level)
    lo, hi = clip(float(ci.low), float(ci.high), metric.difference_range if metric is not None else (-math.inf, math.inf))
    return m, lo, hi, float(res.pvalue)


def sign_flip_p(d: Sequence[float] | np.ndarray, n_perm: int = 20_000, seed: int = 0) -> float:
    """Two-sided permutation p-value of mean(d) = 0 by flipping signs (exact up to 16 values)."""
    x = np.asarray(d, dtype=float)
    if len(x) == 0 or float(np.abs(x.sum())) == 0:
        return 1.0
    n_resamples = 2**_EXACT_SIGN_FLIP_N if len(x) <= _EXACT_SIGN_FLIP_N else n_perm
    res = _st.permutation_test((x,), np.mean, permutation_type="samples", n_resamples=n_resamples,
                               alternative="two-sided", vectorized=True, **{_rng_kw(): np.random.default_rng(seed)})
    return float(min(1.0, res.pvalue))


__all__ = [
    "LEVEL", "clip", "km_band", "km_curve", "km_median", "km_median_ci", "logrank_p", "mean_diff", "mean_interval",
    "paired_mean_diff", "paired_proportion_diff", "proportion_diff", "sign_flip_p", "wilson",
]
