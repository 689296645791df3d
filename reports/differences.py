"""Differences between two designs' result files, computed by the one statistics module.

This module only pairs the rows of two :class:`~reports.results.DesignResults`
by seed and hands them to :mod:`sim.base.stats`: the same functions that
``groupsim compare``, the run table and the testing toolkit call, so the same
runs give the same interval in a report as in a comparison table.

* a metric: when both designs ran the same seeds (common random numbers: a seed
  gives the same members and arrivals), the mean paired difference with its BCa
  bootstrap interval and sign-flip test (:func:`sim.base.stats.paired_mean_diff`);
  otherwise Welch's t (:func:`sim.base.stats.mean_diff`);
* survival: Newcombe's paired interval with the exact McNemar test, or for
  unpaired runs Newcombe's independent interval with Fisher's exact test.

Intervals stay inside the range of a difference of the metric (catalogue).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from reports.results import DesignResults
from sim.base.metrics import find
from sim.base.stats import mean_diff, paired_mean_diff, paired_proportion_diff, proportion_diff

PAIRED_SHARE = 0.8
"""Designs count as paired when at least this share of the smaller one's seeds ran under both."""


def metric_difference(base: DesignResults, other: DesignResults, key: str) -> dict[str, Any] | None:
    """``other`` minus ``base`` on summary column ``key``: difference, 95% interval, p-value (None if no data)."""
    a_by_seed = dict(zip(base.seeds, base.column(key)))
    b_by_seed = dict(zip(other.seeds, other.column(key)))
    common = sorted(s for s in a_by_seed if s in b_by_seed and math.isfinite(a_by_seed[s]) and math.isfinite(b_by_seed[s]))
    a_all = np.asarray([v for v in a_by_seed.values() if math.isfinite(v)])
    b_all = np.asarray([v for v in b_by_seed.values() if math.isfinite(v)])
    if len(a_all) == 0 or len(b_all) == 0:
        return None
    metric = find(key)
    if len(common) >= 2 and len(common) >= PAIRED_SHARE * min(len(a_all), len(b_all)):
        a = [a_by_seed[s] for s in common]
        b = [b_by_seed[s] for s in common]
        d, lo, hi, p = paired_mean_diff(a, b, metric)
        return {"diff": d, "lo": lo, "hi": hi, "p": p, "paired": True, "n": len(common), "base_mean": float(np.mean(a))}
    d, lo, hi, p = mean_diff(a_all, b_all, metric)
    if math.isnan(d):
        return None
    return {"diff": d, "lo": lo, "hi": hi, "p": p, "paired": False, "n": min(len(a_all), len(b_all)),
            "base_mean": float(a_all.mean())}


def survived(design: DesignResults) -> dict[int, bool]:
    """Per seed: did the group survive (alive at the end, or dissolved as planned)?"""
    return {int(r["seed"]): r["outcome"] in ("alive", "dissolved") for r in design.runs}


def survival_difference(base: DesignResults, other: DesignResults) -> dict[str, Any]:
    """Survival share of ``other`` minus ``base``: Newcombe's 95% interval and an exact p-value."""
    a, b = survived(base), survived(other)
    ka, na, kb, nb = sum(a.values()), len(a), sum(b.values()), len(b)
    common = [s for s in a if s in b]
    paired = len(common) >= PAIRED_SHARE * min(na, nb) and len(common) > 0
    if paired:
        d, lo, hi, p = paired_proportion_diff([a[s] for s in common], [b[s] for s in common])
    else:
        d, lo, hi, p = proportion_diff(ka, na, kb, nb)
    return {"base": ka / na if na else math.nan, "other": kb / nb if nb else math.nan, "diff": d, "lo": lo, "hi": hi,
            "p": p, "paired": paired, "n": len(common) if paired else min(na, nb)}


__all__ = ["PAIRED_SHARE", "metric_difference", "survival_difference", "survived"]
