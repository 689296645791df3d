"""Running a sweep and its sensitivity analysis.

The points of a :class:`~sim.experiments.design.Plan` all run with the same
seeds (common random numbers), so differences between points come from the
factors. For ``sobol`` designs the Sobol first-order and total indices (SALib,
Saltelli estimator) of each chosen outcome are computed from the per-point
mean over seeds; for ``morris`` designs the Morris elementary-effect measures
(mu*, sigma). Other designs get a per-point table only.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.experiments.design import Plan, salib_problem
from sim.experiments.executors import RunTask
from sim.experiments.measures import mean_of


def sweep_key(plan: Plan) -> str:
    """What identifies a sweep in its store: its points' scenarios (seeds may grow)."""
    blob = json.dumps([[p.index, p.scenario.content_hash()] for p in plan.points])
    return "sweep:" + hashlib.sha256(blob.encode()).hexdigest()


def sweep_tasks(plan: Plan, experiment: str) -> list[RunTask]:
    """One task per (point, seed)."""
    tasks = []
    for p in plan.points:
        data = p.scenario.model_dump(mode="json", by_alias=True)
        tasks.extend(RunTask(p.index, s, data, dict(p.values), experiment) for s in plan.seeds)
    return tasks


def point_means(plan: Plan, rows: Sequence[dict[str, Any]], outcomes: Sequence[str]) -> list[dict[str, Any]]:
    """Per point: the factor values, runs ok / failed, and the mean of each outcome over seeds."""
    wanted = set(plan.seeds)
    by_point: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        if r["seed"] in wanted:
            by_point.setdefault(r["point"], []).append(r)
    table = []
    for p in plan.points:
        runs = by_point.get(p.index, [])
        ok = [r for r in runs if r.get("status") == "ok"]
        entry: dict[str, Any] = {"point": p.index, **p.values, "runs": len(ok), "failed": len(runs) - len(ok)}
        for name in outcomes:
            entry[name] = mean_of(ok, name)
        table.append(entry)
    return table


def sensitivity(plan: Plan, means: Sequence[dict[str, Any]], outcomes: Sequence[str]) -> list[dict[str, Any]]:
    """Sobol (S1, ST with confidence half-widths) or Morris (mu*, sigma) indices per factor and outcome.

    Returns an empty list for designs without an index, and a row with a ``note``
    for an outcome that cannot be analysed (a point without successful runs).
    """
    method = plan.spec.design.method
    if method not in ("sobol", "morris"):
        return []
    problem = salib_problem(plan.spec)
    out: list[dict[str, Any]] = []
    for name in outcomes:
        y = np.asarray([m[name] for m in means], dtype=float)
        if not np.isfinite(y).all():
            out.append({"outcome": name, "note": "some points have no successful run; no indices"})
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")  # a constant outcome divides by a zero variance
            if method == "sobol":
                from SALib.analyze import sobol

                res = sobol.analyze(problem, y, calc_second_order=plan.spec.design.second_order, seed=plan.spec.design.seed)
                cols = {"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]}
            else:
                from SALib.analyze import morris

                res = morris.analyze(problem, plan.matrix, y, num_levels=plan.spec.design.levels, seed=plan.spec.design.seed)
                cols = {"mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"], "mu": res["mu"]}
        for i, factor in enumerate(problem["names"]):
            row: dict[str, Any] = {"outcome": name, "factor": factor}
            row.update({k: _num(v[i]) for k, v in cols.items()})
            out.append(row)
    return out


def _num(x: Any) -> float | None:
    v = float(x)
    return v if math.isfinite(v) else None


__all__ = ["point_means", "sensitivity", "sweep_key", "sweep_tasks"]
