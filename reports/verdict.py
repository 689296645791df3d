"""The report's opening screen: the verdict of a comparison, the three numbers that decide it, one figure.

``groupsim compare`` writes ``verdict.json`` into the experiment folder
(:mod:`sim.experiments.verdict`); a report of that folder opens with it. Reports
read the file only: the decision itself is made in the experiment layer.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reports.results import DesignResults


def load_verdict(designs: Sequence[DesignResults]) -> dict[str, Any] | None:
    """The verdict stored beside the designs' runs (one experiment folder), or None."""
    folders = {d.folder for d in designs}
    if len(folders) != 1:
        return None
    path = Path(next(iter(folders))) / "verdict.json"
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "summary" in data else None


def _n(x: Any) -> str:
    if not isinstance(x, (int, float)) or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:,.4g}"


def key_numbers(v: dict[str, Any]) -> list[str]:
    """Three lines: the deciding (or first) criterion's values, its difference with interval, its Holm p and seeds."""
    r = v.get("deciding")
    undecided = r is None
    if undecided:  # the criterion closest to deciding
        rows = [c for c in v.get("criteria", []) if isinstance(c.get("p_holm"), (int, float))]
        r = min(rows, key=lambda c: (c["p_holm"], not c.get("difference"))) if rows else None
    if r is None:
        return ["no criterion of the objective could be compared", f"{v.get('tests', 0)} tests, Holm-corrected", ""]
    unit = f" {r['unit']}" if r.get("unit") else ""
    if undecided:
        p = next((x for x in v.get("power", []) if x["metric"] == r["metric"] and x.get("seeds")
                  and x.get("size") == "observed"), None) or next(
            (x for x in v.get("power", []) if x["metric"] == r["metric"] and x.get("seeds")), None)
        need = (f"{p['seeds']} paired seeds would detect {_n(p['delta'])}{unit} ({p['size']}) with 80% power" if p
                else "the paired runs did not vary, so no seed count can be given")
        return [f"{r.get('label') or r['metric']}: {_n(r['b'])} ({r['design']}) against {_n(r['a'])} ({r['baseline']}){unit}",
                f"difference {_n(r['difference'])}{unit}, 95% interval {_n(r['low'])} to {_n(r['high'])}; "
                f"Holm-adjusted p = {r['p_holm']:.2g}, not significant", need]
    name = r.get("label") or r.get("metric")
    return [
        f"{name}: {_n(r['b'])} ({r['design']}) against {_n(r['a'])} ({r['baseline']}){unit}",
        f"difference {_n(r['difference'])}{unit}, 95% interval {_n(r['low'])} to {_n(r['high'])}, {r.get('pairs', '?')} paired seeds",
        f"Holm-adjusted p = {r['p_holm']:.2g} ({r['test']}; {v.get('tests', 0)} tests corrected together)",
    ]


def detail_lines(v: dict[str, Any]) -> list[str]:
    """Every significant move (harm and cost included), the power statements and the method."""
    out = []
    for r in v.get("moved", []):
        unit = f" {r['unit']}" if r.get("unit") else ""
        out.append(f"{r['design']} against {r['baseline']}: {r.get('label') or r['metric']} {_n(r['difference'])}{unit} "
                   f"(95% interval {_n(r['low'])} to {_n(r['high'])}; {r['verdict']}; Holm p = {r['p_holm']:.2g}).")
    if not v.get("moved"):
        out.append("No metric moved significantly after the Holm correction.")
    for p in v.get("power", []):
        if p.get("seeds"):
            out.append(f"To detect a difference of {_n(p['delta'])} {p['unit']} ({p.get('size', 'default')}) in {p['label']} for "
                       f"{p['design']}: {p['seeds']} paired seeds (80% power, level {p['level']:.2g}).")
    for look in v.get("looks", []):
        out.append(f"Look at {look['seeds']} seeds (alpha spent {look['alpha']:.2g}): {look['summary']}")
    obj = v.get("objective", {})
    source = (f"objective declared in {obj.get('source') or 'the command'}" if obj.get("declared")
              else "default objective (survival, then members at the end, then ad views)")
    guards = "; ".join(f"{g['metric']} at most {g['tolerance']:g} worse" for g in obj.get("guards", []))
    out.append(f"Decided by the {source}: {', '.join(obj.get('order', []))}"
               f"{'; guard-rails: ' + guards if guards else ''}. p-values are Holm-corrected: {v.get('correction', '')}; "
               f"level {v.get('alpha', 0.05):.3g}.")
    return out


SUMMARY_METRICS = ("survival", "final_members", "ad_exposure")
"""The default objective's criteria (:data:`sim.experiments.verdict.DEFAULT_OBJECTIVE`): a summary without a verdict shows them."""


def unjudged_summary(designs: Sequence[DesignResults]) -> tuple[str, list[str]]:
    """The opening of a report without a verdict: a plain statement and three numbers per design.

    A single design gets its survival; several designs that were not run as one
    paired comparison (no ``verdict.json``) are not ranked, and the line says
    how to get a verdict. The numbers are the default objective's criteria
    (survival, members at the end, ad views) with the intervals of
    :mod:`sim.base.stats`, as in the report's table.
    """
    from sim.base.metrics import metric
    from sim.base.stats import mean_interval, wilson

    def share_alive(d: DesignResults) -> tuple[float, float, float, int]:
        n = len(d.runs)
        return (*wilson(sum(r["outcome"] in ("alive", "dissolved") for r in d.runs), n), n)

    if len(designs) == 1:
        d = designs[0]
        p, _, _, n = share_alive(d)
        head = f"{d.name}: {p:.0%} of {n} runs survived (alive, or dissolved as planned). One design, so no verdict."
    else:
        head = ("No verdict: these results are not one paired comparison, so no design is declared better "
                "(groupsim compare runs the scenario files on common seeds and decides).")
    lines = []
    for key in SUMMARY_METRICS:
        m = metric(key)
        parts = []
        for d in designs:
            if key == "survival":
                p, lo, hi, _ = share_alive(d)
                parts.append(f"{d.name} {p:.0%} ({lo:.0%} to {hi:.0%})")
            else:
                mean, lo, hi = mean_interval(d.column(key), m)
                parts.append(f"{d.name} {m.fmt(mean)}" + ("" if lo != lo else f" ({m.fmt(lo)} to {m.fmt(hi)})"))
        lines.append(f"{m.label} ({m.unit}, 95% interval): " + "; ".join(parts))
    return head, lines


__all__ = ["SUMMARY_METRICS", "detail_lines", "key_numbers", "load_verdict", "unjudged_summary"]
