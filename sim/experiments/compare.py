"""Paired comparisons of group designs on common random numbers.

Every design runs with the same seeds. Random streams are keyed by name per
agent and subsystem (:mod:`sim.streams`), so a seed gives the same members,
arrivals and intents under every design and the difference between two runs
with one seed comes from the design alone. Each design after the first is
compared with the first (the baseline), seed by seed:

* outcome shares: paired difference, Newcombe interval, exact McNemar test;
* lifetime: mean lifetime (restricted to the run length) with a paired
  bootstrap interval, and the log-rank test on the censored lifetimes;
* summary metrics: mean paired difference, bootstrap interval, sign-flip test.

The metrics compared are the catalogue's headline metrics (:mod:`sim.base.metrics`)
plus those asked for; each row carries the metric's label and unit, and a
``verdict`` (better / worse by the catalogue's direction, "different" for a
metric with no better direction) when the interval excludes zero.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.base.metrics import HEADLINE, Metric, find, metric
from sim.base.stats import logrank_p, paired_mean_diff, paired_proportion_diff
from sim.experiments.executors import RunTask
from sim.experiments.measures import OUTCOMES, value
from sim.spec.scenario import Scenario


@dataclass(frozen=True, slots=True)
class CompareArm:
    """One design in a comparison: a label (the file name) and its scenario."""

    label: str
    scenario: Scenario


def compare_key(designs: Sequence[CompareArm]) -> str:
    """What identifies a comparison in its store: the designs' contents (seeds may grow)."""
    blob = json.dumps([[d.label, d.scenario.content_hash()] for d in designs])
    return "compare:" + hashlib.sha256(blob.encode()).hexdigest()


def compare_tasks(designs: Sequence[CompareArm], seeds: Sequence[int], experiment: str) -> list[RunTask]:
    """One task per (design, seed); design ``i`` is point ``i``. Seeds vary fastest within a design."""
    tasks = []
    for i, d in enumerate(designs):
        data = d.scenario.model_dump(mode="json", by_alias=True)
        for s in seeds:
            tasks.append(RunTask(i, s, data, {"design": d.label}, experiment))
    return tasks


def pairs_of(rows: Sequence[dict[str, Any]], a: int, b: int, seeds: Sequence[int]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The successful runs of designs ``a`` and ``b`` on each seed both ran, in seed order."""
    wanted = set(seeds)
    by = {(r["point"], r["seed"]): r for r in rows if r.get("status") == "ok" and r["seed"] in wanted}
    return [(by[(a, s)], by[(b, s)]) for s in seeds if (a, s) in by and (b, s) in by]


def paired_report(
    designs: Sequence[CompareArm], rows: Sequence[dict[str, Any]], seeds: Sequence[int], metrics: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Rows of the comparison table: each later design against the first, for every measure.

    ``metrics`` adds run-summary columns to the usual ones (the catalogue's headline metrics).
    """
    names = list(dict.fromkeys([*HEADLINE, *metrics]))
    out: list[dict[str, Any]] = []
    for j in range(1, len(designs)):
        pairs = pairs_of(rows, 0, j, seeds)
        head = {"baseline": designs[0].label, "design": designs[j].label, "pairs": len(pairs)}
        for name in OUTCOMES:
            a = [value(x, name) > 0 for x, _ in pairs]
            b = [value(y, name) > 0 for _, y in pairs]
            d, lo, hi, p = paired_proportion_diff(a, b)
            out.append({**head, "metric": name, "measure": f"share {name}", **_about(metric(name), d, lo, hi), "kind": "share",
                        "a": _mean(a), "b": _mean(b), "difference": d, "low": lo, "high": hi, "p": p, "test": "exact McNemar"})
        ta = [x["lifetime_days"] for x, _ in pairs]
        tb = [y["lifetime_days"] for _, y in pairs]
        life = metric("lifetime_days")
        _d, lo, hi, _p = paired_mean_diff(ta, tb, life)
        p = logrank_p(ta, [not x["censored"] for x, _ in pairs], tb, [not y["censored"] for _, y in pairs])
        out.append({**head, "metric": "lifetime_days", "measure": "lifetime, mean days", **_about(life, _d, lo, hi), "kind": "lifetime", "a": _mean(ta),
                    "b": _mean(tb), "difference": _d, "low": lo, "high": hi, "p": p, "test": "log-rank"})
        for name in names:
            if name in OUTCOMES or name == "lifetime_days":
                continue  # already compared above
            if pairs and name not in pairs[0][0] and name not in metrics:
                continue
            a_vals = [value(x, name) for x, _ in pairs]
            b_vals = [value(y, name) for _, y in pairs]
            m = find(name)
            if m is not None and m.binary:  # a 0/1 measure (survival): the paired share test
                d, lo, hi, p = paired_proportion_diff([x > 0 for x in a_vals], [y > 0 for y in b_vals])
                out.append({**head, "metric": name, "measure": f"share {name}", **_about(m, d, lo, hi), "kind": "share",
                            "a": _mean(a_vals), "b": _mean(b_vals), "difference": d, "low": lo, "high": hi, "p": p,
                            "test": "exact McNemar"})
                continue
            d, lo, hi, p = paired_mean_diff(a_vals, b_vals, m)
            out.append({**head, "metric": name, "measure": name, **_about(m, d, lo, hi), "kind": "mean", "a": _mean(a_vals), "b": _mean(b_vals),
                        "difference": d, "low": lo, "high": hi, "p": p, "test": "sign-flip"})
    return out


def _about(m: Metric | None, d: float, lo: float, hi: float) -> dict[str, str]:
    """The catalogue's label and unit of a row's metric, and its verdict when the interval excludes zero."""
    clear = lo > 0 or hi < 0
    if m is None:  # an undeclared column asked for with --metric
        return {"label": "", "unit": "", "verdict": "different" if clear else ""}
    return {"label": m.label, "unit": m.unit, "verdict": m.direction(d) if clear else ""}


def _mean(xs: Sequence[float | bool]) -> float:
    vals = [float(x) for x in xs if math.isfinite(float(x))]
    return sum(vals) / len(vals) if vals else math.nan


__all__ = ["CompareArm", "compare_key", "compare_tasks", "paired_report", "pairs_of"]
