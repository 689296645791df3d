"""``groupsim report``: turn result folders into a report a strategist can hand on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def report(
    results: Annotated[list[Path], typer.Argument(help="Result folders (one per design).", show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Report folder (default: FIRST_RESULTS/report).")] = None,
    title: Annotated[str, typer.Option("--title", help="Report title.")] = "",
    graph_days: Annotated[
        str | None, typer.Option("--graph-days", help="Days to draw the social graph on, e.g. 0,7,14 (default: start, middle, end).")
    ] = None,
) -> None:
    """Write report.html (self-contained), summary.md and figures (PNG, SVG) from result folders.

    RESULTS are `groupsim run` folders (one design each; the first is the
    baseline the others are compared with), or one folder of `groupsim compare`,
    `sweep` (adds sensitivity indices) or `optimize` (adds the Pareto front).

    Example:

        groupsim report results/new_customer_well_run results/unmoderated_spam --out reports/today

        groupsim report results/sweeps/spam_pressure
    """
    from reports.build import build_report, experiment_extras  # matplotlib: loaded only when a report is drawn
    from reports.results import ResultsError, is_experiment, load_designs, load_experiment
    from sim.cli.console import err_console, fail, out_console
    from rich.markup import escape

    days: list[float] | None = None
    if graph_days:
        try:
            days = [float(x) for x in graph_days.split(",") if x.strip()]
        except ValueError:
            raise fail(f"--graph-days {graph_days!r}: give days as numbers separated by commas, e.g. 0,7,14") from None
        if any(d < 0 for d in days):
            raise fail(f"--graph-days {graph_days!r}: days cannot be negative")
    extra_figures: list = []
    extra_text: list[str] = []
    try:
        if len(results) == 1 and is_experiment(results[0]):
            exp = load_experiment(results[0])
            designs = exp.designs
            extra_figures, extra_text = experiment_extras(exp)
            title = title or f"groupsim {exp.kind}: {exp.name}"
        else:
            designs = load_designs(results)
    except ResultsError as exc:
        raise fail(str(exc)) from None
    target = out or results[0] / "report"
    with err_console.status("drawing figures"):
        rep = build_report(designs, target, title=title, extra_figures=extra_figures, extra_text=extra_text, graph_days=days)
    for w in rep.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(w)}")
    out_console.print(f"report: {rep.html}", highlight=False, markup=False)
    out_console.print(f"summary: {rep.markdown}; figures: {target / 'figures'} ({len(rep.figures)} as PNG and SVG)",
                      highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add ``report`` to the ``groupsim`` command."""
    app.command("report")(report)


__all__ = ["register", "report"]
