"""``groupsim portfolio``: replications of a private-domain portfolio (several groups, one operator)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import pyarrow.parquet as pq
import typer
from rich.markup import escape
from rich.table import Table

from sim.base.metrics import metric, outcome_shares, portfolio_totals
from sim.base.stats import mean_interval, wilson

TOTALS = portfolio_totals()
"""The portfolio totals shown (labels, digits and intervals from the metrics catalogue)."""
MAX_GROUP_ROWS = 30
"""Past this many groups the table shows one row per design (group runs of it), not one per group."""


def _replicate(file: Path, seeds: list[int], quiet: bool, workers: int | None = None,
               dask: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every seed's portfolio run, and the seeds whose run raised (seed and error): a failed run is data.

    Each seed's operator teams are separate tasks (sim/run/teams.py): with one
    task in all it runs here, else in the warm pool (``workers``, default all
    cores) or on a Dask cluster; the results are the same either way.
    """
    import os

    from sim.cli.console import progress as _progress
    from sim.run.portfolio import load_portfolio
    from sim.run.teams import run_teams

    portfolio, scenarios = load_portfolio(file)
    tasks = len(seeds) * len(portfolio.teams())
    executor: Any = None
    if dask:
        from sim.experiments.executors import DaskCluster

        executor = DaskCluster(dask)
    else:
        n = min(tasks, workers or os.cpu_count() or 1)
        if n > 1:
            from sim.run.pool import shared_pool

            executor = shared_pool(n)
    out, failed = [], []
    try:
        with _progress(quiet) as progress:
            task = progress.add_task(f"running {escape(portfolio.name)}", total=len(seeds))
            for s, result in run_teams(portfolio, scenarios, seeds, executor=executor):
                if isinstance(result, BaseException):  # reported, listed in the manifest, and the exit code says so
                    failed.append({"seed": s, "error": f"{type(result).__name__}: {result}"})
                else:
                    out.append(result)
                progress.advance(task)
    finally:
        if dask and executor is not None:
            executor.close()
    return out, failed


def portfolio(
    file: Annotated[Path, typer.Argument(help="A portfolio file (YAML; see scenarios/portfolios/).", show_default=False)],
    seeds: Annotated[int, typer.Option("--seeds", "-n", min=1, max=10_000, help="Replications.")] = 8,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Base seed (default: the file's). Run k uses seed+k.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Result folder (default: results/<file name>).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1,
                                                help="Worker processes for seeds and teams (default: all cores).")] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="Run the teams on a Dask cluster (tcp://host:8786, or local:N).")] = None,
) -> None:
    """Run a private-domain portfolio: how each group ended, and the portfolio's business results.

    Writes portfolio.parquet (one row per run), groups.parquet (one row per group
    and run) and manifest.json.

    Example:

        groupsim portfolio scenarios/portfolios/private_domain.yaml --seeds 8
    """
    from rules import InputError
    from sim.base.files import atomic_write, package_versions
    from sim.base.records import skip_pandas_probe
    from sim.cli.console import err_console, fail, out_console
    from sim.run.portfolio import load_portfolio

    skip_pandas_probe()  # no pandas on the run path (sim/base/records.py)

    try:
        spec, _ = load_portfolio(file)
    except InputError as exc:
        raise fail(exc) from None
    base = spec.seed if seed is None else seed
    seed_list = [base + k for k in range(seeds)]
    runs, failed = _replicate(file, seed_list, quiet, workers, dask)
    out = out or Path("results") / file.stem
    out.mkdir(parents=True, exist_ok=True)
    totals = [{k: v for k, v in r.items() if k not in ("groups", "outcomes", "attention_skipped")} for r in runs]
    groups = [{"seed": r["seed"], "group": name, **g} for r in runs for name, g in zip(r["outcomes"], r["groups"])]
    atomic_write(out / "portfolio.parquet", lambda p: pq.write_table(pa.Table.from_pylist(totals), p))
    atomic_write(out / "groups.parquet", lambda p: pq.write_table(pa.Table.from_pylist(groups), p))
    manifest = {"kind": "portfolio", "name": spec.name, "file": str(file), "seeds": seed_list, "versions": package_versions(),
                "groups": [g.name for g in spec.groups], "expected_runs": len(seed_list), "ok_runs": len(runs),
                "failed_runs": len(failed), "failed": failed, "status": "incomplete" if failed else "complete"}
    atomic_write(out / "manifest.json", lambda p: p.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"))

    n = len(runs)
    for f in failed[:5]:
        err_console.print(f"failed: seed {f['seed']}: {f['error']}", highlight=False, markup=False)
    if not runs:
        err_console.print(f"incomplete: all {len(failed)} runs failed (listed in {out / 'manifest.json'})", markup=False)
        raise typer.Exit(1)
    table = Table(title=f"{escape(spec.name)} — {n} runs, seeds {seed_list[0]}..{seed_list[-1]}", title_justify="left")
    final = metric("final_members")
    table.add_column("group", justify="left")
    for col in (*(o.label for o in outcome_shares()), f"mean {final.label}"):
        table.add_column(col, justify="right")
    by_design = len(spec.groups) > MAX_GROUP_ROWS  # a large domain: one row per design
    if by_design:
        table.columns[0].header = "design (groups)"
    keys = list(dict.fromkeys(g.scenario for g in spec.groups)) if by_design else [g.name for g in spec.groups]
    design_of = {g.name: g.scenario for g in spec.groups}
    for key in keys:
        if by_design:
            rows = [g for g in groups if design_of[g["group"]] == key]
            label = f"{Path(key).stem} ({sum(1 for g in spec.groups if g.scenario == key)})"
        else:
            rows = [g for g in groups if g["group"] == key]
            label = key
        cells = []
        for outcome in outcome_shares():
            k = sum(g["outcome"] == outcome.name for g in rows)
            cells.append(f"{k}/{len(rows)}" if by_design else f"{k}/{n}")
        m, lo, hi = mean_interval([g["final_members"] for g in rows], final)
        table.add_row(escape(label), *cells, final.fmt(m))
    out_console.print(table)
    if n > 1:
        from collections import Counter

        ends = Counter((g["group"], g["outcome"]) for g in groups)
        worst = max(((name.name, o, ends[(name.name, o)])
                     for name in spec.groups for o in ("dead", "ad_group", "blown_up")), key=lambda x: x[2])
        if worst[2]:
            _, lo, hi = wilson(worst[2], n)
            out_console.print(f"most frequent failure: {worst[0]} -> {worst[1]} in {worst[2]}/{n} runs "
                              f"(95% interval {lo:.0%}–{hi:.0%})", highlight=False, markup=False)
    summary = Table(title="portfolio totals (mean, 95% interval)", title_justify="left")
    summary.add_column("measure")
    summary.add_column("mean", justify="right")
    summary.add_column("95% interval", justify="right")
    summary.add_column("unit")
    for total in TOTALS:
        m, lo, hi = mean_interval([float(t[total.name]) for t in totals], total)
        summary.add_row(total.label, total.fmt(m), f"{total.fmt(lo)} – {total.fmt(hi)}", total.unit)
    out_console.print(summary)
    out_console.print(f"results: {out}/ (portfolio.parquet, groups.parquet, manifest.json)", highlight=False, markup=False)
    if failed:
        err_console.print(f"incomplete: {len(failed)} of {len(seed_list)} runs failed (listed in {out / 'manifest.json'})",
                          highlight=False, markup=False)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``portfolio`` to the ``groupsim`` command."""
    app.command("portfolio")(portfolio)


__all__ = ["portfolio", "register"]
