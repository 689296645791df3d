"""Statistical assertions about designs: pass or fail on an interval, never on one run.

* :func:`assert_survival` -- "at least 90% of groups of this design are alive on
  day 30": passes when the one-sided lower Wilson bound at ``confidence`` is at
  least ``at_least``.
* :func:`assert_better` -- "design A beats design B on a metric": both run on the
  same seeds (common random numbers), and it passes when the interval of the
  paired difference lies wholly on A's side of ``margin``.

Either way the figures are printed and recorded in :data:`RESULTS`, which the
groupsim pytest plugin lists at the end of the run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.spec.scenario import Scenario, load_scenario
from sim.base.metrics import find
from sim.base.stats import paired_mean_diff, paired_proportion_diff, wilson


@dataclass(frozen=True)
class StatResult:
    """One statistical assertion: what was claimed, whether it held, and the figures."""

    claim: str
    passed: bool
    figures: str


RESULTS: list[StatResult] = []
SEEDS_OVERRIDE: list[int | None] = [None]  # set by the pytest plugin's --groupsim-seeds


class StatisticalAssertionError(AssertionError):
    """A statistical claim about a design did not hold at the requested confidence."""


def _scenario(s: Scenario | str | Path) -> Scenario:
    return s if isinstance(s, Scenario) else load_scenario(s)


def _seeds(scenario: Scenario, seeds: int | Sequence[int]) -> list[int]:
    if SEEDS_OVERRIDE[0] is not None and isinstance(seeds, int):
        seeds = SEEDS_OVERRIDE[0]
    if isinstance(seeds, int):
        if seeds < 2:
            raise ValueError("a statistical assertion needs at least 2 seeds")
        return [scenario.seed + k for k in range(seeds)]
    return list(seeds)


def _summaries(scenario: Scenario, seeds: list[int], workers: int | None) -> list[dict[str, Any]]:
    from sim.run.runner import replicate

    return [r.summary for r in replicate(scenario, seeds, workers=workers)]


def survived(summary: dict[str, Any], day: float | None) -> bool:
    """Alive (or dissolved as planned) at the end, or ended only after ``day``."""
    if summary["outcome"] in ("alive", "dissolved"):
        return True
    return day is not None and summary["lifetime_days"] > day


def _record(claim: str, passed: bool, figures: str) -> None:
    RESULTS.append(StatResult(claim, passed, figures))
    print(f"[groupsim] {'PASS' if passed else 'FAIL'} {claim}: {figures}")
    if not passed:
        raise StatisticalAssertionError(f"{claim}: {figures}")


def assert_survival(
    scenario: Scenario | str | Path, *, at_least: float, day: float | None = None, seeds: int | Sequence[int] = 200,
    confidence: float = 0.95, workers: int | None = None,
) -> dict[str, float]:
    """Assert that at least ``at_least`` of groups survive to ``day`` (default: the end), with ``confidence``.

    Returns the figures (share, lower bound, runs). Raises
    :class:`StatisticalAssertionError` when the one-sided lower bound falls short.
    """
    sc = _scenario(scenario)
    seed_list = _seeds(sc, seeds)
    alive = sum(survived(s, day) for s in _summaries(sc, seed_list, workers))
    n = len(seed_list)
    share, lower, _ = wilson(alive, n, level=2 * confidence - 1)  # its lower bound is one-sided at `confidence`
    when = f"day {day:g}" if day is not None else "the end"
    claim = f"survival of {sc.name!r} to {when} >= {at_least:.0%}"
    figures = f"{alive}/{n} survived ({share:.1%}); one-sided {confidence:.0%} lower bound {lower:.1%}"
    _record(claim, lower >= at_least, figures)
    return {"share": share, "lower": lower, "runs": n}


def assert_better(
    a: Scenario | str | Path, b: Scenario | str | Path, metric: str, *, seeds: int | Sequence[int] = 100,
    confidence: float = 0.95, higher_is_better: bool = True, margin: float = 0.0, day: float | None = None,
    workers: int | None = None,
) -> dict[str, float]:
    """Assert that design ``a`` beats ``b`` on ``metric`` (a run-summary column, or ``"survival"``).

    Both designs run on the same seeds (``a``'s seed + k). With ``survival`` the
    difference of shares gets Newcombe's paired interval; otherwise the mean
    paired difference gets a bootstrap interval. ``a`` wins when the whole
    interval of ``a - b`` is above ``margin`` (below ``-margin`` when lower is
    better) and the exact test (McNemar, or sign-flip for means) gives
    p < 1 - ``confidence`` -- with few seeds the bootstrap interval alone is too narrow.
    """
    sa, sb = _scenario(a), _scenario(b)
    seed_list = _seeds(sa, seeds)
    ra, rb = _summaries(sa, seed_list, workers), _summaries(sb, seed_list, workers)
    if metric == "survival":
        d, lo, hi, p = paired_proportion_diff([survived(s, day) for s in rb], [survived(s, day) for s in ra], level=confidence)
    else:
        missing = [k for k in (metric,) if k not in ra[0]]
        if missing:
            raise KeyError(f"run summaries have no {metric!r}; choose one of: {', '.join(sorted(ra[0]))}")
        d, lo, hi, p = paired_mean_diff([float(s[metric]) for s in rb], [float(s[metric]) for s in ra], find(metric),
                                        level=confidence)
    better = (lo > margin) if higher_is_better else (hi < -margin)
    # The bootstrap interval is narrow with few seeds; the exact test keeps it honest.
    better = better and p < 1.0 - confidence
    direction = "higher" if higher_is_better else "lower"
    claim = f"{sa.name!r} has {direction} {metric} than {sb.name!r}" + (f" by more than {margin:g}" if margin else "")
    if any(math.isnan(x) for x in (lo, hi)):
        better = False
    figures = (f"paired difference (a - b) {d:+.4g}, {confidence:.0%} CI [{lo:+.4g}, {hi:+.4g}], "
               f"p = {p:.3g}, {len(seed_list)} seeds")
    _record(claim, better, figures)
    return {"diff": d, "lo": lo, "hi": hi, "p": p, "runs": len(seed_list)}


__all__ = ["RESULTS", "StatResult", "StatisticalAssertionError", "assert_better", "assert_survival", "survived"]
