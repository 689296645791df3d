"""Console tables of run results: every row's label, digits and interval come from the metrics catalogue.

The run table (``groupsim run``) shows how the runs ended (Wilson intervals),
the Kaplan-Meier median lifetime (interval where the log(-log) band crosses
one half) and the catalogue's headline metrics, each with the interval its
kind calls for (:func:`sim.base.stats.mean_interval`), so the numbers agree
with ``groupsim compare`` and the report. The comparison table
(``groupsim compare``) labels each paired row by the catalogue and says
whether B is better or worse by the metric's direction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from rich.markup import escape
from rich.table import Table

from sim.base.metrics import Metric, find, headline, outcome_shares
from sim.base.stats import km_median_ci, mean_interval, wilson

KEY_METRICS: tuple[Metric, ...] = headline()
"""The metrics the run table shows (the catalogue's headline metrics)."""


def interval_cell(m: Metric, lo: float, hi: float) -> str:
    """``lo – hi`` in the metric's digits ("-" bounds when undefined)."""
    return f"{m.fmt(lo)} – {m.fmt(hi)}"


def _days(x: float) -> str:
    if math.isnan(x):
        return "-"
    return "∞" if math.isinf(x) else f"{x:,.1f}"


def results_table(summaries: Sequence[dict[str, Any]], title: str, metrics: Sequence[Metric] = KEY_METRICS) -> Table:
    """Outcome counts with Wilson intervals, KM median lifetime, and ``metrics`` with their catalogue intervals."""
    n = len(summaries)
    table = Table(title=title, title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("95% interval", justify="right")
    table.add_column("unit")
    for share in outcome_shares():
        k = sum(1 for s in summaries if s["outcome"] == share.name)
        p, lo, hi = wilson(k, n)
        table.add_row(share.label, f"{k}/{n} ({p:.0%})", f"{lo:.0%} – {hi:.0%}", "runs")
    times = [s["lifetime_days"] for s in summaries]
    events = [not s["censored"] for s in summaries]
    med, lo, hi = km_median_ci(times, events)
    note = "" if math.isfinite(med) else " (most runs alive at the end)"
    table.add_row("median lifetime, days" + note, _days(med), f"{_days(lo)} – {_days(hi)}", "days", end_section=True)
    for m in metrics:
        mean, lo, hi = mean_interval([s[m.name] for s in summaries if m.name in s], m)
        table.add_row(f"mean {m.label}", m.fmt(mean), interval_cell(m, lo, hi), m.unit)
    return table


def _num(x: Any, digits: int) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:,.{digits}f}"


def _digits(row: dict[str, Any]) -> int:
    """Digits for a comparison row: shares of runs 3, lifetimes 1, metrics by their catalogue kind."""
    if row["kind"] != "mean":
        return 1 if row["kind"] == "lifetime" else 3
    m = find(row["measure"])
    return m.digits if m is not None else 3


def comparison_table(rows: Sequence[dict[str, Any]], title: str) -> Table:
    """One design against the baseline: rows of :func:`sim.experiments.compare.paired_report`."""
    table = Table(title=title, title_justify="left")
    for col, justify in (("measure", "left"), ("A", "right"), ("B", "right"), ("B − A", "right"), ("95% interval", "right"),
                         ("p", "right"), ("B is", "left"), ("test", "left")):
        # a narrow terminal folds a long measure name rather than cutting it to an ambiguous stem
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in rows:
        d = _digits(r)
        # a --metric name is user text, never markup
        table.add_row(escape(str(r.get("label") or r["measure"])), _num(r["a"], d), _num(r["b"], d), _num(r["difference"], d),
                      f"{_num(r['low'], d)} – {_num(r['high'], d)}", _num(r["p"], 4), r.get("verdict", ""), r["test"],
                      end_section=r["kind"] == "lifetime")
    return table


__all__ = ["KEY_METRICS", "comparison_table", "interval_cell", "results_table"]
