"""Power and sequential testing for comparisons: how many seeds, and adding seeds until decided.

* :func:`power_rows`: for every criterion a comparison could not decide, the
  paired seeds that would detect a given difference, from the standard deviation
  of the paired differences observed (:func:`sim.base.decisions.seeds_needed`),
  at 80% power and the strictest level of the Holm family (``alpha / tests``, so
  the estimate holds whatever the other tests say). The difference to detect is
  the objective's ``detect`` value for the metric (``--seeds-for-power`` for the
  primary one), else 5 points for a share and 10% of the baseline's mean; the
  difference observed is reported beside it.
* :func:`until_decided`: runs paired seeds in batches until the verdict names a
  winner or a cap is reached. Look ``k`` with ``n_k`` seeds decides at the alpha
  the Lan-DeMets O'Brien-Fleming-type spending function releases between the
  previous look and this one (:func:`sim.base.decisions.look_alpha`), so the
  chance of a false decision over all looks stays at or below the objective's
  alpha (union bound). Each look Holm-corrects its tests at that look's alpha.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import numpy as np

from sim.base.decisions import POWER, look_alpha, seeds_needed
from sim.base.metrics import find
from sim.experiments.compare import CompareArm, pairs_of
from sim.experiments.measures import value



class Objective(Protocol):
    """What power needs of an objective (:class:`sim.experiments.verdict.Objective`): the sizes to detect."""

    @property
    def detect(self) -> tuple[tuple[str, float], ...]: ...


class Decision(Protocol):
    """What a sequential look needs of a verdict (:class:`sim.experiments.verdict.Verdict`)."""

    winner: str | None
    summary: str
    looks: list[dict[str, Any]]


V = TypeVar("V", bound=Decision)

SHARE_DELTA = 0.05
RELATIVE_DELTA = 0.10


def _delta(name: str, objective: Objective, baseline_mean: float) -> float | None:
    given = dict(objective.detect)
    if name in given:
        return given[name]
    m = find(name)
    if m is not None and m.kind == "share":
        return SHARE_DELTA
    if math.isfinite(baseline_mean) and baseline_mean != 0:
        return RELATIVE_DELTA * abs(baseline_mean)
    return None


def power_rows(
    designs: Sequence[CompareArm], rows: Sequence[dict[str, Any]], seeds: Sequence[int], report: Sequence[dict[str, Any]],
    criteria: Sequence[str], objective: Objective, level: float, judged: Sequence[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Seeds needed for each criterion not significant, for designs the verdict left undecided.

    A criterion the objective gives a ``detect`` size for is reported for every design.
    """
    out: list[dict[str, Any]] = []
    tests = max(1, len(report))
    strict = level / tests
    detect = dict(objective.detect)
    for j, verdict in zip(range(1, len(designs)), judged):
        pairs = pairs_of(rows, 0, j, seeds)
        for name in criteria:
            r = next((x for x in report if x["design"] == designs[j].label and x["metric"] == name), None)
            if r is None or (r["significant"] and name not in detect):
                continue
            if verdict["result"] != "no detectable difference" and name not in detect:
                continue
            m = find(name)
            if m is None:  # the weighted composite: its spread is in its own unit
                continue
            diffs = np.asarray([value(y, name) - value(x, name) for x, y in pairs], dtype=float)
            diffs = diffs[np.isfinite(diffs)]
            sd = float(np.std(diffs, ddof=1)) if len(diffs) > 1 else math.nan
            sizes = [(_delta(name, objective, r["a"]), "declared" if name in detect else "default")]
            if math.isfinite(r["difference"]) and r["difference"] != 0 and name not in detect:
                sizes.append((abs(r["difference"]), "observed"))
            for delta, source in sizes:
                need = seeds_needed(sd, delta, strict, POWER) if delta is not None else None
                why = ""
                if need is None:
                    why = ("the paired runs did not vary, so the spread of a difference is unknown" if not sd > 0
                           else "no difference size to detect (give one with --seeds-for-power)")
                out.append({"design": designs[j].label, "metric": name, "label": m.label, "unit": m.unit, "delta": delta,
                            "size": source, "sd": sd, "seeds": need, "level": strict, "power": POWER, "why": why})
                if not sd > 0:
                    break
    return out


def until_decided(
    decide_at: Callable[[list[int], float], V], first_seed: int, batch: int, cap: int, alpha: float,
) -> V:
    """Add paired seeds ``batch`` at a time until the verdict names a winner or ``cap`` seeds have run.

    Args:
        decide_at: Runs (or reuses) the seeds given and decides at the level given.
        first_seed: The first seed; look ``k`` uses ``first_seed .. first_seed + n_k - 1``.
        batch: Seeds per look (the first look has ``batch`` seeds too).
        cap: Most seeds in all.
        alpha: The family-wise error rate spent over all looks.

    Returns:
        The last look's verdict, with every look listed in ``looks``.
    """
    if batch < 2 or cap < batch:
        raise ValueError("until-decided needs a batch of at least 2 seeds and a cap of at least one batch")
    looks: list[dict[str, Any]] = []
    before = 0
    n = batch
    while True:
        spend = look_alpha(n, before, cap, alpha)
        verdict = decide_at([first_seed + k for k in range(n)], spend)
        looks.append({"seeds": n, "alpha": spend, "winner": verdict.winner, "summary": verdict.summary})
        if verdict.winner is not None or n >= cap:
            verdict.looks = looks
            return verdict
        before, n = n, min(cap, n + batch)


__all__ = ["RELATIVE_DELTA", "SHARE_DELTA", "Decision", "Objective", "power_rows", "until_decided"]
