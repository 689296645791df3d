"""The verdict of a comparison: which design wins, by a declared decision rule, and why.

An :class:`Objective` orders the criteria a strategist cares about (metrics of
the catalogue; which direction is better comes from the catalogue), adds
guard-rails (a design may not be worse than the baseline by more than a
tolerance on a metric) and optional weights (a weighted composite, tested as one
more criterion before the ordered ones). Without a declared objective,
:data:`DEFAULT_OBJECTIVE` applies: survival first, then members at the end,
then harm exposure (ad views), with a guard-rail that the alive share may not
fall more than 5 points below the baseline's.

The rule, for each design against the baseline (the first design):

1. every row of the paired comparison (every metric, every design) is one test
   of a family, and the family's p-values are Holm-corrected
   (:func:`sim.base.decisions.holm`);
2. the design's deciding criterion is the first criterion, in the objective's
   order, whose Holm-adjusted p is below ``alpha``; the design beats or loses
   to the baseline by that criterion's direction;
3. a design that beats the baseline but breaks a guard-rail (point estimate
   worse than the tolerance) does not win.

The winner is the baseline when every other design loses to it, a design when
it beats the baseline and keeps the guard-rails (among several such designs,
the one decided by the earliest criterion, then the larger estimate; they are
not tested against each other), otherwise there is no detectable difference.
The verdict lists every metric that moved significantly after the correction,
harm and cost included, and for undecided criteria how many paired seeds would
detect a given difference (:mod:`sim.experiments.power`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sim.base.decisions import holm
from sim.base.metrics import find, metric
from sim.base.stats import paired_mean_diff
from sim.experiments.compare import CompareArm, pairs_of
from sim.experiments.measures import value
from sim.experiments.power import power_rows
from sim.spec.objective import ObjectiveSpec

COMPOSITE = "weighted score"


@dataclass(frozen=True, slots=True)
class Guard:
    """A guard-rail: ``metric`` may be worse than the baseline's by at most ``tolerance`` (its unit)."""

    metric: str
    tolerance: float


@dataclass(frozen=True, slots=True)
class Objective:
    """What a comparison is decided by.

    Attributes:
        order: Criteria, most important first (catalogue metric names).
        guards: Guard-rails every winner must keep.
        weights: Optional weights of a composite criterion tested before ``order``.
        alpha: Family-wise error rate of the verdict (Holm across all rows).
        detect: Differences worth detecting, per metric, for the power statement.
        declared: Whether a user declared it (False for the default).
        source: Where it was declared (a scenario file, an objective file, options), for the verdict to say.
    """

    order: tuple[str, ...]
    guards: tuple[Guard, ...] = ()
    weights: tuple[tuple[str, float], ...] = ()
    alpha: float = 0.05
    detect: tuple[tuple[str, float], ...] = ()
    declared: bool = False
    source: str = "default"

    @property
    def metrics(self) -> list[str]:
        """Every metric the objective reads (criteria, guards, weights)."""
        names = [*self.order, *(g.metric for g in self.guards), *(n for n, _ in self.weights)]
        return list(dict.fromkeys(names))


DEFAULT_OBJECTIVE = Objective(order=("survival", "final_members", "ad_exposure"), guards=(Guard("alive", 0.05),))
"""Survival first, then members at the end, then harm exposure (ad views); alive share at most 5 points lower."""


def objective_from(data: Mapping[str, Any], source: str = "declared") -> Objective:
    """An objective from a mapping (a compare file's or a scenario's ``objective:`` block); ValueError naming what is wrong.

    Keys (:class:`sim.spec.objective.ObjectiveSpec` checks them against the
    metrics catalogue): ``primary`` (a metric) and its optional ``direction``,
    ``order`` (metrics, most important first), ``guards`` (list of ``{metric,
    tolerance}``), ``weights`` (metric: weight), ``alpha``, ``detect`` (metric:
    difference worth detecting).
    """
    from pydantic import ValidationError

    data = dict(data.get("objective", data))
    unknown = set(data) - set(ObjectiveSpec.model_fields)
    if unknown:
        raise ValueError(f"objective: unknown keys {sorted(unknown)}")
    try:
        spec = ObjectiveSpec.model_validate(data)
    except ValidationError as exc:
        raise ValueError("; ".join(_problem(e) for e in exc.errors(include_url=False))) from None
    return objective_of_spec(spec, source)


def _problem(err: Mapping[str, Any]) -> str:
    error = (err.get("ctx") or {}).get("error")
    loc = [*err["loc"], *getattr(error, "field_path", ())]
    where = ".".join(str(x) for x in loc if not str(x).startswith(("function-", "[")))
    return f"objective{'.' + where if where else ''}: {str(err['msg']).removeprefix('Value error, ')}"


def objective_of_spec(spec: ObjectiveSpec, source: str) -> Objective:
    """The decision rule of a validated objective section, saying where it was declared."""
    return Objective(
        order=tuple(spec.criteria), guards=tuple(Guard(g.metric, g.tolerance) for g in spec.guards),
        weights=tuple(spec.weights.items()), alpha=spec.alpha, detect=tuple(spec.detect.items()), declared=True,
        source=source)


def scenario_objective(declared: Sequence[tuple[str, ObjectiveSpec | None]]) -> Objective | None:
    """The objective the compared scenario files declare (``objective:`` sections), or None if none does.

    Args:
        declared: (file, its objective section or None) of each design, the baseline first.

    Raises:
        ValueError: Two files declare different objectives (declare one with ``--objective`` instead).
    """
    given = [(f, o) for f, o in declared if o is not None]
    if not given:
        return None
    first_file, first = given[0]
    for f, o in given[1:]:
        if o != first:
            raise ValueError(f"{first_file} and {f} declare different objectives; give one with --objective FILE "
                             "(or --primary/--guard), or make their objective: sections agree")
    where = "the baseline" if first_file == declared[0][0] else "a compared design"
    return objective_of_spec(first, f"the objective: section of {first_file} ({where})")


@dataclass
class Verdict:
    """The decided comparison: a winner (or None), why, and every significant move."""

    winner: str | None
    summary: str
    deciding: dict[str, Any] | None
    designs: list[dict[str, Any]]
    moved: list[dict[str, Any]]
    objective: dict[str, Any]
    alpha: float
    correction: str
    tests: int
    power: list[dict[str, Any]] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)
    looks: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The verdict as plain data (verdict.json)."""
        return asdict(self)


def composite_rows(
    designs: Sequence[CompareArm], rows: Sequence[dict[str, Any]], seeds: Sequence[int], objective: Objective,
) -> list[dict[str, Any]]:
    """One row per later design for the weighted composite (none without weights).

    A run's score is ``sum(w * sign * x / scale)`` over the weighted metrics,
    ``sign`` +1 where higher is better and -1 where lower is, ``scale`` the
    standard deviation of the metric over the baseline's and the design's runs
    (metrics that do not vary are left out). The paired differences of scores
    get a bootstrap interval and a sign-flip test like any mean.
    """
    out: list[dict[str, Any]] = []
    if not objective.weights:
        return out
    for j in range(1, len(designs)):
        pairs = pairs_of(rows, 0, j, seeds)
        score_a, score_b = [0.0] * len(pairs), [0.0] * len(pairs)
        for name, w in objective.weights:
            m = metric(name)
            xa = [value(x, name) for x, _ in pairs]
            xb = [value(y, name) for _, y in pairs]
            both = [v for v in xa + xb if math.isfinite(v)]
            mu = sum(both) / len(both) if both else 0.0
            sd = math.sqrt(sum((v - mu) ** 2 for v in both) / max(1, len(both) - 1)) if len(both) > 1 else 0.0
            if sd == 0:
                continue
            sign = 1.0 if m.better == "higher" else -1.0
            for i in range(len(pairs)):
                score_a[i] += w * sign * xa[i] / sd
                score_b[i] += w * sign * xb[i] / sd
        d, lo, hi, p = paired_mean_diff(score_a, score_b)
        clear = lo > 0 or hi < 0
        out.append({"baseline": designs[0].label, "design": designs[j].label, "pairs": len(pairs), "metric": COMPOSITE,
                    "measure": COMPOSITE, "label": COMPOSITE, "unit": "weighted standard deviations",
                    "verdict": ("better" if d > 0 else "worse") if clear else "", "kind": "mean", "a": _avg(score_a),
                    "b": _avg(score_b), "difference": d, "low": lo, "high": hi, "p": p, "test": "sign-flip"})
    return out


def decide(
    designs: Sequence[CompareArm], rows: Sequence[dict[str, Any]], seeds: Sequence[int], report: list[dict[str, Any]],
    objective: Objective = DEFAULT_OBJECTIVE, alpha: float | None = None,
) -> Verdict:
    """Decide a comparison; adds ``p_holm`` and ``significant`` to every row of ``report`` in place.

    Args:
        designs: The compared designs, the baseline first.
        rows: The stored runs.
        seeds: The paired seeds.
        report: Rows of :func:`sim.experiments.compare.paired_report` (with the objective's metrics).
        objective: The decision rule.
        alpha: The level to decide at (a sequential look's spent alpha); the objective's by default.
    """


    level = objective.alpha if alpha is None else alpha
    report.extend(composite_rows(designs, rows, seeds, objective))
    adjusted = holm([r["p"] for r in report])
    for r, q in zip(report, adjusted):
        r["p_holm"] = q
        r["significant"] = bool(q < level and r.get("verdict"))
    criteria = ([COMPOSITE] if objective.weights else []) + list(objective.order)
    per_design = []
    for j in range(1, len(designs)):
        mine = {r["metric"]: r for r in report if r["design"] == designs[j].label}
        per_design.append(_judge(designs[j].label, mine, criteria, objective))
    winner, deciding, summary = _winner(designs[0].label, per_design, report)
    moved = [r for r in report if r["significant"]]
    return Verdict(
        winner=winner, summary=summary, deciding=deciding, designs=per_design, moved=moved,
        objective={"order": list(objective.order), "guards": [asdict(g) for g in objective.guards],
                   "weights": dict(objective.weights), "declared": objective.declared, "source": objective.source},
        alpha=level, correction=f"Holm across all {len(report)} tests (every metric and design)", tests=len(report),
        power=power_rows(designs, rows, seeds, report, criteria, objective, level, per_design),
        criteria=[r for r in report if r["metric"] in criteria],
    )


def _judge(label: str, rows: dict[str, dict[str, Any]], criteria: list[str], objective: Objective) -> dict[str, Any]:
    """One design against the baseline: its deciding criterion, result and broken guard-rails."""
    result, by = "no detectable difference", None
    for name in criteria:
        r = rows.get(name)
        if r is not None and r["significant"] and r["verdict"] in ("better", "worse"):
            result, by = ("beats" if r["verdict"] == "better" else "loses to"), name
            break
    broken = []
    for g in objective.guards:
        r = rows.get(g.metric)
        m = find(g.metric)
        if r is None or m is None or not math.isfinite(r["difference"]):
            continue
        worse_by = -r["difference"] if m.better == "higher" else r["difference"]
        if worse_by > g.tolerance:
            broken.append({"metric": g.metric, "label": m.label, "worse_by": worse_by, "tolerance": g.tolerance})
    return {"design": label, "result": result, "by": by, "guards_broken": broken,
            "rank": criteria.index(by) if by is not None else len(criteria)}


def _winner(baseline: str, judged: list[dict[str, Any]], report: list[dict[str, Any]]) -> tuple[str | None, dict[str, Any] | None, str]:
    def row(design: str, name: str | None) -> dict[str, Any] | None:
        return next((r for r in report if r["design"] == design and r["metric"] == name), None)

    winners = [d for d in judged if d["result"] == "beats" and not d["guards_broken"]]
    if winners:
        best = min(winners, key=lambda d: (d["rank"], -abs((row(d["design"], d["by"]) or {}).get("difference", 0.0))))
        r = row(best["design"], best["by"])
        return best["design"], r, f"{best['design']} wins: {_says(r, baseline)}."
    if judged and all(d["result"] == "loses to" for d in judged):
        first = min(judged, key=lambda d: d["rank"])
        r = row(first["design"], first["by"])
        others = ", ".join(d["design"] for d in judged)
        return baseline, r, f"{baseline} wins: {others} {'is' if len(judged) == 1 else 'are'} worse ({_says(r, baseline)})."
    blocked = [d for d in judged if d["result"] == "beats" and d["guards_broken"]]
    if blocked:
        b = blocked[0]
        g = b["guards_broken"][0]
        return None, row(b["design"], b["by"]), (
            f"No winner: {b['design']} is better on {_label(b['by'])} but breaks the guard-rail on {g['label']} "
            f"(worse by {g['worse_by']:.3g}, allowed {g['tolerance']:.3g}).")
    return None, None, "No detectable difference on the objective between the designs at these seeds."


def _says(r: dict[str, Any] | None, baseline: str) -> str:
    if r is None:
        return "no row"
    unit = f" {r['unit']}" if r.get("unit") else ""
    return (f"{r['label'] or r['metric']} {r['b']:.4g} against {r['a']:.4g}{unit} for {baseline} "
            f"(difference {r['difference']:+.4g}, 95% interval {r['low']:.4g} to {r['high']:.4g}, Holm p = {r['p_holm']:.2g})")


def _label(name: str | None) -> str:
    m = find(name) if name else None
    return m.label if m is not None else str(name)


def _avg(xs: Sequence[float]) -> float:
    vals = [x for x in xs if math.isfinite(x)]
    return sum(vals) / len(vals) if vals else math.nan


def verdict_text(v: Verdict) -> list[str]:
    """The verdict as plain lines: the decision, every significant move, power, and the method."""
    lines = [v.summary]
    if v.moved:
        lines.append("Moved significantly (after the Holm correction):")
        for r in v.moved:
            unit = f" {r['unit']}" if r.get("unit") else ""
            lines.append(f"  {r['design']} vs {r['baseline']}: {r['label'] or r['metric']} {r['difference']:+.4g}{unit} "
                         f"[{r['low']:.4g}, {r['high']:.4g}], {r['verdict']}, Holm p = {r['p_holm']:.2g}")
    else:
        lines.append("No metric moved significantly after the Holm correction.")
    for p in v.power:
        if p["seeds"] is not None:
            lines.append(f"  To detect a difference of {p['delta']:.4g} {p['unit']} ({p['size']}) in {p['label']} "
                         f"({p['design']}): {p['seeds']} paired seeds (80% power, level {p['level']:.2g}).")
        else:
            lines.append(f"  {p['label']} ({p['design']}): {p['why']}")
    source = (f"declared in {v.objective.get('source') or 'the command'}" if v.objective["declared"]
              else "default (survival, then members at the end, then ad views)")
    lines.append(f"Objective: {source}; order {', '.join(v.objective['order'])}; {v.correction}; level {v.alpha:.3g}.")
    return lines


__all__ = [
    "COMPOSITE", "DEFAULT_OBJECTIVE", "Guard", "Objective", "Verdict", "decide", "objective_from", "objective_of_spec",
    "scenario_objective", "verdict_text",
]
