"""Statistics the figures and texts need: survival bands and design differences.

* Kaplan-Meier survival with Greenwood's variance and a log(-log) 95% band
  (stays inside [0, 1]);
* the difference of a metric's mean between two designs: paired over common
  seeds when both designs ran the same seeds (common random numbers: the same
  seed gives the same members and arrivals), with a Student-t interval on the
  paired differences; Welch's interval otherwise.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats as st

from reports.results import Design
from sim.base.stats import paired_proportion_diff, wilson

Z95 = 1.959963984540054


def km_greenwood(times: np.ndarray, died: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step points (starting at 0), survival, and the lower and upper 95% band."""
    t = np.asarray(times, dtype=float)
    e = np.asarray(died, dtype=bool)
    xs, s_out, lo_out, hi_out = [0.0], [1.0], [1.0], [1.0]
    s, var_sum = 1.0, 0.0
    for u in np.unique(t[e]):
        n = int((t >= u).sum())
        d = int(((t == u) & e).sum())
        s *= 1.0 - d / n
        var_sum += d / (n * (n - d)) if n > d else math.inf
        xs.append(float(u))
        s_out.append(s)
        if 0.0 < s < 1.0 and math.isfinite(var_sum):
            # log(-log S) transform: the band never leaves [0, 1]
            se = math.sqrt(var_sum) / abs(math.log(s))
            lo_out.append(s ** math.exp(Z95 * se))
            hi_out.append(s ** math.exp(-Z95 * se))
        else:
            lo_out.append(s if s <= 0 else 0.0)
            hi_out.append(s)
    end = float(np.max(t)) if len(t) else 0.0
    if end > xs[-1]:
        xs.append(end)
        s_out.append(s_out[-1])
        lo_out.append(lo_out[-1])
        hi_out.append(hi_out[-1])
    return np.asarray(xs), np.asarray(s_out), np.asarray(lo_out), np.asarray(hi_out)


def paired_or_welch(base: Design, other: Design, key: str) -> dict[str, Any] | None:
    """``other`` minus ``base`` on summary column ``key``: difference, 95% CI, p-value."""
    a_by_seed = dict(zip(base.seeds, base.column(key)))
    b_by_seed = dict(zip(other.seeds, other.column(key)))
    common = sorted(s for s in a_by_seed if s in b_by_seed and math.isfinite(a_by_seed[s]) and math.isfinite(b_by_seed[s]))
    a_all = np.asarray([v for v in a_by_seed.values() if math.isfinite(v)])
    b_all = np.asarray([v for v in b_by_seed.values() if math.isfinite(v)])
    if len(a_all) == 0 or len(b_all) == 0:
        return None
    if len(common) >= 2 and len(common) >= 0.8 * min(len(a_all), len(b_all)):
        diffs = np.asarray([b_by_seed[s] - a_by_seed[s] for s in common])
        mean = float(diffs.mean())
        sd = float(diffs.std(ddof=1))
        n = len(diffs)
        if sd == 0:
            return {"diff": mean, "lo": mean, "hi": mean, "p": 0.0 if mean else 1.0, "paired": True,
                    "n": n, "base_mean": float(np.mean([a_by_seed[s] for s in common]))}
        half = float(st.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
        p = float(2 * st.t.sf(abs(mean) / (sd / math.sqrt(n)), n - 1))
        return {"diff": mean, "lo": mean - half, "hi": mean + half, "p": p, "paired": True, "n": n,
                "base_mean": float(np.mean([a_by_seed[s] for s in common]))}
    if len(a_all) < 2 or len(b_all) < 2:
        return None
    mean = float(b_all.mean() - a_all.mean())
    va, vb = a_all.var(ddof=1) / len(a_all), b_all.var(ddof=1) / len(b_all)
    se = math.sqrt(va + vb)
    if se == 0:
        return {"diff": mean, "lo": mean, "hi": mean, "p": 0.0 if mean else 1.0, "paired": False,
                "n": min(len(a_all), len(b_all)), "base_mean": float(a_all.mean())}
    dof = (va + vb) ** 2 / (va**2 / (len(a_all) - 1) + vb**2 / (len(b_all) - 1))
    half = float(st.t.ppf(0.975, dof)) * se
    p = float(2 * st.t.sf(abs(mean) / se, dof))
    return {"diff": mean, "lo": mean - half, "hi": mean + half, "p": p, "paired": False,
            "n": min(len(a_all), len(b_all)), "base_mean": float(a_all.mean())}


def survived(design: Design) -> dict[int, bool]:
    """Per seed: did the group survive (alive at the end, or dissolved as planned)?"""
    return {int(r["seed"]): r["outcome"] in ("alive", "dissolved") for r in design.runs}


def survival_difference(base: Design, other: Design) -> dict[str, Any]:
    """Survival share of ``other`` minus ``base``: Newcombe's 95% CI and an exact p-value.

    When both designs ran the same seeds: Newcombe's interval for paired shares
    and the exact McNemar test (:func:`sim.stats.paired_proportion_diff`);
    otherwise Newcombe's hybrid-score interval for independent shares (method 10)
    and Fisher's exact test.
    """
    a, b = survived(base), survived(other)
    ka, na, kb, nb = sum(a.values()), len(a), sum(b.values()), len(b)
    pa, la, ua = wilson(ka, na)
    pb, lb, ub = wilson(kb, nb)
    common = [s for s in a if s in b]
    paired = len(common) >= 0.8 * min(na, nb) and len(common) > 0
    if paired:
        d, lo, hi, p = paired_proportion_diff([a[s] for s in common], [b[s] for s in common])
    else:
        d = pb - pa
        lo = d - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2)
        hi = d + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)
        p = float(st.fisher_exact([[kb, nb - kb], [ka, na - ka]]).pvalue)
    return {"base": pa, "other": pb, "diff": d, "lo": lo, "hi": hi, "p": p, "paired": paired,
            "n": len(common) if paired else min(na, nb)}


__all__ = ["km_greenwood", "paired_or_welch", "survival_difference", "survived"]
