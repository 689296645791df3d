"""Intervals for what a chat log measures when its messages come in clusters: by day, by conversation, by member.

Messages are not independent draws: a lively day brings many, a question
brings its answers, and a busy member writes hundreds. A Wilson interval that
counts every message as one independent trial is then too narrow. Here:

- a share of messages (an hour's share, the share of replies,
  of a form) is a ratio estimator over days; its variance is the
  linearised one with days as clusters, ``D/(D-1) * sum_d (y_d - p n_d)^2 /
  (sum_d n_d)^2`` (Cochran 1977, section 6.13). Kish's design effect ``deff =
  var / (p(1-p)/n)`` (never below 1) shrinks ``n`` to an effective sample
  size, and the interval is Wilson's at that size (:func:`sim.base.stats.wilson`).
- burstiness of inter-message times (Goh & Barabasi 2008) gets a percentile
  interval from a bootstrap that resamples whole days (a block bootstrap, so
  a day's run of quick replies stays together);
- participation inequality (the Gini coefficient of messages per member) a
  percentile interval from a bootstrap over members.

Every bootstrap has a fixed seed, so the same log gives the same interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import stats

from sim.base.stats import wilson
from sim.calibration.fit import Estimate

_BOOT = 400
_SEED = 20260302


def clustered_share(hits: Sequence[float], totals: Sequence[float], what: str = "messages") -> Estimate:
    """The share ``sum(hits) / sum(totals)`` over clusters (days), with a Wilson interval at the effective size."""
    y, n = np.asarray(hits, dtype=float), np.asarray(totals, dtype=float)
    total = float(n.sum())
    if total <= 0:
        return Estimate(math.nan, math.nan, math.nan, 0, what)
    p = float(y.sum()) / total
    d = len(n)
    deff = 1.0
    if d > 1 and 0 < p < 1:
        var = d / (d - 1) * float(np.sum((y - p * n) ** 2)) / total**2
        deff = max(1.0, var / (p * (1 - p) / total))
    n_eff = max(1, round(total / deff))
    _, lo, hi = wilson(round(p * n_eff), n_eff)
    return Estimate(p, lo, hi, int(total), what)


def clustered_profile(by_day: Mapping[int, np.ndarray]) -> list[Estimate]:
    """Each hour's share of messages, days as clusters (every day has every hour)."""
    days = sorted(by_day)
    rows = np.array([by_day[d] for d in days]).reshape(len(days), 24)
    totals = rows.sum(axis=1)
    return [clustered_share(rows[:, j], totals) for j in range(24)]


def weekly_profile(by_day: Mapping[int, np.ndarray], first: int, last: int) -> list[Estimate]:
    """Each weekday's share of an average week (Monday first), from the mean messages of the days that fell on it.

    A weekday's days are fixed by the calendar, so its share is ``m_w / sum_v
    m_v`` with ``m_w`` the mean messages of its days (days without a message
    count as 0); the delta-method variance uses the spread of those days
    (``var(m_w) = s_w^2 / n_w``); with four or five days a weekday that
    variance is itself uncertain, so the interval takes Student's t at the
    Welch-Satterthwaite degrees of freedom, kept in [0, 1].
    """
    totals = {w: [] for w in range(7)}  # type: dict[int, list[float]]
    for day in range(first, last + 1):
        totals[(day + 3) % 7].append(float(by_day[day].sum()) if day in by_day else 0.0)  # 1970-01-01: a Thursday
    if any(not v for v in totals.values()):
        return [Estimate(math.nan, math.nan, math.nan, 0, "days") for _ in range(7)]
    m = np.array([np.mean(totals[w]) for w in range(7)])
    n = np.array([len(totals[w]) for w in range(7)], dtype=float)
    var = np.array([np.var(totals[w], ddof=1) / len(totals[w]) if len(totals[w]) > 1 else m[w] for w in range(7)])
    total = float(m.sum())
    out = []
    for w in range(7):
        if total <= 0:
            out.append(Estimate(math.nan, math.nan, math.nan, int(n[w]), "days"))
            continue
        p = m[w] / total
        parts = np.where(np.arange(7) == w, (1 - p) ** 2, p**2) * var  # delta method: d share / d m_v, squared, times var
        se = math.sqrt(float(parts.sum())) / total
        dof = float(parts.sum() ** 2 / max(np.sum(parts**2 / np.maximum(n - 1, 1)), 1e-300))  # Welch-Satterthwaite
        half = float(stats.t.ppf(0.975, max(dof, 1.0))) * se
        out.append(Estimate(p, max(0.0, p - half), min(1.0, p + half), int(n[w]), "days"))
    return out


def _burstiness(n: np.ndarray, s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    """B = (sd - mean) / (sd + mean) from per-resample sums (vectorised over the last axis)."""
    mean = s1 / np.maximum(n, 1)
    var = np.maximum(s2 / np.maximum(n, 1) - mean**2, 0.0) * n / np.maximum(n - 1, 1)
    sd = np.sqrt(var)
    return np.where(sd + mean > 0, (sd - mean) / np.maximum(sd + mean, 1e-300), np.nan)


def burstiness_estimate(day_gaps: Mapping[int, Sequence[float]]) -> Estimate:
    """Burstiness of inter-message times with a day-block bootstrap interval; ``day_gaps`` holds (n, sum, sum of squares)."""
    sums = np.array([day_gaps[d] for d in sorted(day_gaps)], dtype=float).reshape(-1, 3)
    n_gaps = int(sums[:, 0].sum())
    if n_gaps < 2:
        return Estimate(math.nan, math.nan, math.nan, n_gaps, "gaps between messages")
    b = float(_burstiness(*sums.sum(axis=0)))
    if len(sums) < 2:
        return Estimate(b, math.nan, math.nan, n_gaps, "gaps between messages")
    rng = np.random.default_rng(_SEED)
    pick = rng.integers(0, len(sums), size=(_BOOT, len(sums)))
    boot = sums[pick].sum(axis=1)  # (resamples, 3)
    reps = _burstiness(boot[:, 0], boot[:, 1], boot[:, 2])
    lo, hi = np.nanpercentile(reps, [2.5, 97.5])
    return Estimate(b, float(lo), float(hi), n_gaps, "gaps between messages")


def _gini_rows(x: np.ndarray) -> np.ndarray:
    x = np.sort(x, axis=-1)
    n = x.shape[-1]
    total = x.sum(axis=-1)
    g = ((2 * np.arange(1, n + 1) - n - 1) * x).sum(axis=-1) / (n * np.maximum(total, 1e-300))
    return np.where(total > 0, g, np.nan)


def gini_estimate(counts: Sequence[float], what: str = "members") -> Estimate:
    """The Gini coefficient of messages per member with a bootstrap (over members) percentile interval."""
    x = np.asarray(counts, dtype=float)
    if len(x) < 2 or x.sum() == 0:
        return Estimate(math.nan, math.nan, math.nan, len(x), what)
    g = float(_gini_rows(x))
    rng = np.random.default_rng(_SEED)
    reps = np.concatenate([_gini_rows(x[rng.integers(0, len(x), size=(100, len(x)))]) for _ in range(_BOOT // 100)])
    lo, hi = np.nanpercentile(reps, [2.5, 97.5])
    return Estimate(g, float(lo), float(hi), len(x), what)


def net_growth(day_joins: Mapping[int, int], day_leaves: Mapping[int, int], days: float) -> Estimate:
    """Members gained a day (joins minus leaves and kicks), normal interval on the two Poisson counts."""
    joins, leaves = sum(day_joins.values()), sum(day_leaves.values())
    rate = (joins - leaves) / days
    half = 1.959964 * math.sqrt(joins + leaves) / days
    return Estimate(rate, rate - half, rate + half, joins + leaves, "joins and leaves")


__all__ = ["burstiness_estimate", "clustered_profile", "clustered_share", "gini_estimate", "net_growth", "weekly_profile"]
