"""Decision arithmetic on top of :mod:`sim.base.stats`: multiplicity, power and sequential looks.

* :func:`holm` adjusts a family of p-values by Holm's step-down method (Holm
  1979), the same numbers as R's ``p.adjust(p, "holm")``: with ``m`` p-values
  sorted ascending, ``p_(i)`` becomes ``max_{j <= i} min(1, (m - j + 1) p_(j))``.
  It controls the family-wise error rate under any dependence between the tests.
* :func:`seeds_needed` says how many paired seeds a two-sided paired test needs
  to detect a mean difference ``delta`` with the given power, from the standard
  deviation of the paired differences observed: the smallest ``n`` whose power,
  by the noncentral t (:func:`paired_power`), reaches the target (R's
  ``power.t.test(type = "paired")``).
* :func:`obrien_fleming_spent` is the Lan-DeMets alpha-spending function of
  O'Brien-Fleming type, ``alpha*(t) = 2 (1 - Phi(z_{1-alpha/2} / sqrt(t)))`` for
  the information fraction ``t`` (seeds so far / the cap); :func:`look_alpha` is
  the share of alpha a look may spend, ``alpha*(t_k) - alpha*(t_{k-1})``. Testing
  each look at its increment keeps the chance of any false decision over all
  looks at or below ``alpha`` by the union bound (a conservative use of the
  spending function: the exact boundaries would use the correlation between looks
  and reject slightly more often, never less honestly).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy import stats as _st

POWER = 0.8


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values in the input order (NaN counts as 1: a test that could not run)."""
    p = [1.0 if (x is None or not math.isfinite(float(x))) else min(1.0, max(0.0, float(x))) for x in pvalues]
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def paired_power(n: int, sd: float, delta: float, alpha: float = 0.05) -> float:
    """Power of a two-sided paired t-test with ``n`` pairs to detect a mean difference ``delta``.

    The noncentral t, as R's ``power.t.test(type = "paired")`` computes it
    (``strict = FALSE``: the far tail is left out).
    """
    if n < 2 or sd <= 0:
        return math.nan
    df = n - 1
    crit = float(_st.t.ppf(1 - alpha / 2, df))
    return float(_st.nct.sf(crit, df, math.sqrt(n) * abs(delta) / sd))


def seeds_needed(sd: float, delta: float, alpha: float = 0.05, power: float = POWER, cap: int = 10**7) -> int | None:
    """The fewest paired seeds a two-sided paired t-test at ``alpha`` needs to detect a mean difference ``delta``.

    The same number as ``ceiling(power.t.test(delta=, sd=, sig.level=, power=, type="paired")$n)`` in R.

    Args:
        sd: Standard deviation of the paired differences (one per seed).
        delta: The difference to detect, in the metric's unit (its sign is ignored).
        alpha: The two-sided level the test will be run at (after any correction).
        power: The chance of detecting a true difference of ``delta``.
        cap: Answer None above this many seeds.

    Returns:
        The number of seeds (at least 2), or None when it cannot be said
        (no variation observed, a zero ``delta``, or more than ``cap``).
    """
    if not (math.isfinite(sd) and math.isfinite(delta)) or sd <= 0 or delta == 0:
        return None
    hi = 2
    while paired_power(hi, sd, delta, alpha) < power:
        if hi > cap:
            return None
        hi *= 2
    lo = max(2, hi // 2)
    if paired_power(lo, sd, delta, alpha) >= power:
        return lo
    while hi - lo > 1:  # power grows with n: the smallest n reaching it
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if paired_power(mid, sd, delta, alpha) >= power else (mid, hi)
    return hi if hi <= cap else None


def obrien_fleming_spent(t: float, alpha: float = 0.05) -> float:
    """Alpha spent by information fraction ``t`` (0 to 1), Lan-DeMets O'Brien-Fleming type."""
    if t <= 0:
        return 0.0
    t = min(1.0, t)
    return float(2.0 * (1.0 - _st.norm.cdf(_st.norm.ppf(1 - alpha / 2) / math.sqrt(t))))


def look_alpha(n_now: int, n_before: int, n_cap: int, alpha: float = 0.05) -> float:
    """The alpha a look with ``n_now`` seeds may spend, the previous look having had ``n_before`` (0 if none)."""
    if n_cap <= 0:
        raise ValueError("the cap must be positive")
    return obrien_fleming_spent(n_now / n_cap, alpha) - obrien_fleming_spent(n_before / n_cap, alpha)


__all__ = ["POWER", "holm", "look_alpha", "obrien_fleming_spent", "paired_power", "seeds_needed"]
