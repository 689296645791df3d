"""The experiment commands of ``groupsim``: compare, sweep, optimize, query.

Registered on the main app by :func:`register` (``sim.cli`` calls it when this
module exists). Every command that runs simulations stores each run in an
experiment folder as it finishes (see :mod:`sim.experiments.store`), so the
same command run again resumes where it stopped; shows a progress bar with runs
done, failures and ETA (``--quiet`` turns it off); and runs on this process
(``-j 1``), a local process pool (the default) or a Dask cluster (``--dask``).
A command some of whose runs failed exits 1 (:data:`INCOMPLETE`) after writing
what it could, and its manifest says ``incomplete`` and lists the failed runs;
the same command run again retries them.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import pyarrow.parquet as pq
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.markup import escape
from rich.table import Table

from rules import InputError
from sim.spec.scenario import load_scenario

Workers = Annotated[int | None, typer.Option("--workers", "-j", min=1, help="Local worker processes (default: all cores; 1 runs in this process).")]
DaskOpt = Annotated[str | None, typer.Option("--dask", help="Run on a Dask cluster: its address (tcp://host:8786) or local:N to start N workers here.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar (for CI).")]
Retry = Annotated[bool, typer.Option(
    "--retry-failed", hidden=True, help="Kept for old scripts: failed runs are always run again.")]
INCOMPLETE = 1
"""Exit code of a command some of whose runs failed (the manifest says ``incomplete`` and lists them)."""
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Experiment folder (default: results/<kind>/<name>).")]


def _cli() -> Any:
    import sim.cli.console as cli

    return cli


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        if math.isnan(x):
            return "-"
        if math.isinf(x):
            return "∞" if x > 0 else "-∞"
        return f"{x:,.{digits}f}"
    return str(x)


@contextmanager
def _running(total: int, label: str, quiet: bool) -> Iterator[Callable[[Any], None]]:
    """A progress bar of runs done, failures and ETA; yields the per-run callback."""
    cli = _cli()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=cli.real(cli.err_console),
        disable=quiet,
    )
    with progress:
        task = progress.add_task(label, total=total, failed=0)
        failed = 0

        def done(record: Any) -> None:
            nonlocal failed
            failed += int(record.failed)
            progress.update(task, advance=1, failed=failed)

        yield done


def _executor(workers: int | None, dask: str | None) -> Any:
    from sim.experiments.executors import make_executor

    try:
        return make_executor(workers, dask)
    except Exception as exc:  # noqa: BLE001 - a bad address or cluster start is a user error
        raise _cli().fail(f"--dask {dask}: cannot reach or start the cluster ({type(exc).__name__}: {exc})") from None


def _open_store(out: Path, manifest: dict[str, Any], key: str) -> Any:
    from sim.experiments.store import ResultStore

    store = ResultStore(out)
    if out.exists() and not out.is_dir():
        raise _cli().fail(f"--out {out}: exists and is not a folder")
    try:
        store.open(manifest, key=key)
    except ValueError as exc:
        raise _cli().fail(str(exc)) from None
    return store


def _write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    from sim.base.files import atomic_write

    text = json.dumps(rows, indent=2, ensure_ascii=False, default=str) + "\n"
    atomic_write(path.with_suffix(".json"), lambda p: p.write_text(text, encoding="utf-8"))
    if rows:
        table = pa.Table.from_pylist(rows)
        atomic_write(path.with_suffix(".parquet"), lambda p: pq.write_table(table, p))


def _run(store: Any, tasks: list[Any], workers: int | None, dask: str | None, quiet: bool, label: str) -> tuple[int, int]:
    """Run the tasks not stored as a success (a stored failure is retried); (already stored, run now)."""
    from sim.experiments.executors import run_tasks
    from sim.experiments.store import pending

    todo = pending(store, tasks)
    if not todo:
        return len(tasks), 0
    executor = _executor(1 if len(todo) == 1 else workers, dask)
    try:
        with _running(len({(t.key, t.seed) for t in todo}), label, quiet) as done:
            _, ran = run_tasks(store, todo, executor, on_done=done)
            return len(tasks) - len(todo), ran
    finally:
        executor.close()


def _finish(store: Any, tasks: list[Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the manifest's final status; ``incomplete`` unless every run of ``tasks`` succeeded."""
    return store.finish(tasks, extra)


def _exit_if_incomplete(manifest: dict[str, Any], out: Path) -> None:
    """Exit with :data:`INCOMPLETE` when some runs failed or are missing: results built on fewer runs."""
    if manifest.get("status") == "complete":
        return
    cli = _cli()
    cli.err_console.print(
        f"incomplete: {manifest.get('failed_runs', 0)} of {manifest.get('expected_runs', 0)} runs failed "
        f"and {manifest.get('missing_runs', 0)} are missing (listed in {out / 'manifest.json'}); "
        "run the same command again to retry them", highlight=False, markup=False)
    raise typer.Exit(INCOMPLETE)


def compare(
    designs: Annotated[list[Path], typer.Argument(help="Two or more scenario files; the first is the baseline.", show_default=False)],
    seeds: Annotated[int, typer.Option("--seeds", "-n", min=2, max=100_000, help="Common seeds per design.")] = 20,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="First seed (default: the first design's seed).")] = None,
    out: OutOpt = None,
    workers: Workers = None,
    dask: DaskOpt = None,
    quiet: Quiet = False,
    retry_failed: Retry = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    report: Annotated[bool, typer.Option("--report", help="Also write a report (HTML, Markdown, figures) to OUT/report.")] = False,
    metric: Annotated[list[str] | None, typer.Option(
        "--metric", "-m", help="Also compare this run-summary column (repeatable), e.g. -m msgs_complaint -m moderator_minutes.",
        show_default=False)] = None,
    objective: Annotated[Path | None, typer.Option("--objective", help="A YAML file with the objective (primary/order, guards, weights, alpha, detect); default: the scenarios' objective: section, else survival, members, ad views.")] = None,
    primary: Annotated[list[str] | None, typer.Option("--primary", help="Objective criterion, most important first (repeatable); direction from the catalogue.", show_default=False)] = None,
    guard: Annotated[list[str] | None, typer.Option("--guard", help="Guard-rail METRIC:TOLERANCE (repeatable), e.g. alive:0.05.", show_default=False)] = None,
    seeds_for_power: Annotated[float | None, typer.Option("--seeds-for-power", help="Say how many paired seeds detect this difference in the primary metric.")] = None,
    until_decided: Annotated[int | None, typer.Option("--until-decided", min=2, help="Add --seeds seeds at a time until decided, up to this many (O'Brien-Fleming alpha spending).")] = None,
    ruleset_a: Annotated[str | None, typer.Option("--ruleset-a", help="Judge the first design by this ruleset (a file or a bundled name) instead of its own.")] = None,
    ruleset_b: Annotated[str | None, typer.Option("--ruleset-b", help="Judge every other design by this ruleset, e.g. a calibrated group twice: my_group.yaml my_group.yaml --ruleset-b stricter.yaml.")] = None,
) -> None:
    """Compare designs on common random numbers: paired differences with 95% intervals and tests.

    Every design runs the same seeds, so a seed gives the same members and
    arrivals under each design. Each design is compared with the first: outcome
    shares (Newcombe interval, exact McNemar test), lifetime (bootstrap interval,
    log-rank test) and summary metrics (bootstrap interval, sign-flip test).
    Writes runs/, days/, manifest.json and comparison.json/.parquet.

    Example:

        groupsim compare scenarios/new_customer_well_run.yaml scenarios/no_value_dead.yaml --seeds 20

        groupsim compare scenarios/presets/complaint_wave_token.yaml scenarios/presets/complaint_wave_private.yaml -m msgs_complaint -m leaves -m moderator_minutes

        groupsim compare my_group.yaml my_group.yaml --ruleset-b stricter.yaml
    """
    from sim.cli import verdicts
    from sim.cli.tables import comparison_table
    from sim.experiments.compare import CompareArm, compare_key, compare_tasks
    from sim.experiments.measures import available, check_names

    cli = _cli()
    if len(designs) < 2:
        raise cli.fail("compare needs at least two scenario files")
    try:
        loaded = [CompareArm(p.stem, load_scenario(p)) for p in designs]
        if ruleset_a is not None or ruleset_b is not None:
            from sim.cli.arms import apply

            loaded = apply(loaded, designs, ruleset_a, ruleset_b)
    except InputError as exc:
        raise cli.fail(exc) from None
    labels = [d.label for d in loaded]
    if len(set(labels)) != len(labels):
        loaded = [CompareArm(f"{i}:{d.label}", d.scenario) for i, d in enumerate(loaded)]
    base = loaded[0].scenario.seed if seed is None else seed
    seed_list = [base + k for k in range(seeds)]
    try:
        goal = verdicts.objective_of(objective, primary or [], guard or [], seeds_for_power,
                                     [(str(p), d.scenario.objective) for p, d in zip(designs, loaded)])
    except (InputError, ValueError) as exc:
        raise cli.fail(str(exc)) from None
    if until_decided is not None and until_decided < seeds:
        raise cli.fail("--until-decided: the cap must be at least --seeds")
    out = out or Path("results") / "compare" / "-vs-".join(p.stem for p in designs)
    manifest = {"kind": "compare", "name": " vs ".join(labels), "designs": [
        {"point": i, "label": d.label, "file": str(p), "scenario": d.scenario.name, "scenario_hash": d.scenario.content_hash(),
         "duration_days": d.scenario.duration_days,
         "ruleset": d.scenario.ruleset if isinstance(d.scenario.ruleset, str) else d.scenario.ruleset.name}
        for i, (d, p) in enumerate(zip(loaded, designs))], "seeds": seed_list, "expected_runs": len(loaded) * len(seed_list)}
    store = _open_store(out, manifest, compare_key(loaded))
    counts: list[int] = []  # what the first call skipped, then the runs each call ran
    used_tasks: list[Any] = []  # every task run so far (the seeds grow with --until-decided)

    def run_seeds(used: list[int]) -> None:
        tasks = compare_tasks(loaded, used, out.name)
        used_tasks[:] = tasks
        s, r = _run(store, tasks, workers, dask, quiet or as_json, "comparing")
        counts.extend([s, r] if not counts else [r])

    run_seeds(seed_list)
    rows = store.rows_for(used_tasks)
    extra = list(metric or [])
    ok = next((r for r in rows if r.get("status") == "ok"), None)
    if ok is not None and (bad := check_names(extra, ok)):
        _finish(store, used_tasks, {"skipped_runs": counts[0]})  # the runs are stored: a corrected --metric reuses them
        raise cli.fail(f"--metric: {', '.join(bad)} not measures of the runs (available: {', '.join(available(ok))})")
    compared, verdict, seed_list = verdicts.decide_runs(
        loaded, lambda: store.rows_for(used_tasks), run_seeds, seed_list, extra, goal, until_decided)
    skipped, ran = counts[0], sum(counts[1:])
    rows = store.rows_for(used_tasks)
    _write_rows(out / "comparison", compared)
    verdicts.write(out, verdict)
    final = _finish(store, used_tasks, {"skipped_runs": skipped, "metrics": extra, "seeds": seed_list})  # reports read these
    if as_json:
        sys.stdout.write(json.dumps(compared, indent=2, ensure_ascii=False, default=str) + "\n")
        _exit_if_incomplete(final, out)
        return
    for j in range(1, len(loaded)):
        part = [r for r in compared if r["design"] == loaded[j].label]
        pairs = part[0]["pairs"] if part else 0
        table = comparison_table(part, f"B = {escape(loaded[j].label)} vs A = {escape(loaded[0].label)}: {pairs} paired seeds")
        cli.out_console.print(table)
    verdicts.show(cli.out_console, verdict)
    _report_failures(rows, seed_list)
    cli.out_console.print(f"results: {out}/ ({ran} runs now, {skipped} already stored)", highlight=False, markup=False)
    if report:
        from sim.cli.report import report as write_report

        write_report([out], out=out / "report", title="")
    _exit_if_incomplete(final, out)


def _report_failures(rows: list[dict[str, Any]], seeds: list[int]) -> None:
    failed = [r for r in rows if r.get("status") == "failed" and r["seed"] in set(seeds)]
    for r in failed[:5]:
        _cli().err_console.print(f"failed: {r['run_id']} (seed {r['seed']}): {r['error']}", highlight=False, markup=False)
    if len(failed) > 5:
        _cli().err_console.print(f"... and {len(failed) - 5} more failed runs (query: status = 'failed')", markup=False)


def sweep(
    file: Annotated[Path, typer.Argument(help="A sweep file (YAML).", show_default=False)],
    out: OutOpt = None,
    seeds: Annotated[int | None, typer.Option("--seeds", "-n", min=1, help="Seeds per point (default: the file's).")] = None,
    workers: Workers = None,
    dask: DaskOpt = None,
    quiet: Quiet = False,
    retry_failed: Retry = False,
) -> None:
    """Run a sweep file: every design point with common seeds; Sobol or Morris indices.

    Writes runs/, days/ (Hive-partitioned Parquet), manifest.json, points.json
    /.parquet (mean outcomes per point) and, for sobol and morris designs,
    sensitivity.json/.parquet. Running it again skips the runs already stored.

    Example:

        groupsim sweep scenarios/sweeps/spam_pressure.yaml --out results/sweeps/spam
    """
    from sim.experiments.design import plan_sweep
    from sim.experiments.measures import available, check_names
    from sim.experiments.sweep import point_means, sensitivity, sweep_key, sweep_tasks

    cli = _cli()
    try:
        plan = plan_sweep(file)
    except InputError as exc:
        raise cli.fail(exc) from None
    if seeds is not None:
        plan = replace(plan, seeds=[plan.seeds[0] + k for k in range(seeds)])
    out = out or Path("results") / "sweeps" / file.stem
    spec = plan.spec
    manifest = {"kind": "sweep", "name": spec.name, "file": str(file), "base": plan.base.name,
                "base_hash": plan.base.content_hash(), "factors": [f.model_dump(mode="json") for f in spec.factors],
                "design": spec.design.model_dump(mode="json"), "seeds": plan.seeds, "outcomes": spec.outcomes,
                "points": [{"point": p.index, "values": p.values, "scenario_hash": p.scenario.content_hash()} for p in plan.points],
                "expected_runs": len(plan.points) * len(plan.seeds)}
    store = _open_store(out, manifest, sweep_key(plan))
    tasks = sweep_tasks(plan, out.name)
    skipped, ran = _run(store, tasks, workers, dask, quiet, f"sweep {escape(spec.name)}")
    rows = store.rows_for(tasks)
    ok = next((r for r in rows if r.get("status") == "ok"), None)
    if ok is not None and (bad := check_names(spec.outcomes, ok)):
        raise cli.fail(f"{file}: outcomes: {', '.join(bad)} not measures of the runs (available: {', '.join(available(ok))})")
    means = point_means(plan, rows, spec.outcomes)
    indices = sensitivity(plan, means, spec.outcomes)
    _write_rows(out / "points", means)
    if indices:
        _write_rows(out / "sensitivity", indices)
    final = _finish(store, tasks, {"skipped_runs": skipped})
    n_failed = sum(m["failed"] for m in means)
    cli.out_console.print(
        f"{spec.name}: {len(plan.points)} points × {len(plan.seeds)} seeds ({spec.design.method}); "
        f"{ran} runs now, {skipped} already stored, {n_failed} failed", highlight=False, markup=False)
    if indices:
        cli.out_console.print(_indices_table(indices, spec.design.method))
    _report_failures(rows, plan.seeds)
    cli.out_console.print(f"results: {out}/ (query with: groupsim query {out} \"SELECT ...\")", highlight=False, markup=False)
    _exit_if_incomplete(final, out)


def _indices_table(indices: list[dict[str, Any]], method: str) -> Table:
    cols = ["S1", "S1_conf", "ST", "ST_conf"] if method == "sobol" else ["mu_star", "mu_star_conf", "sigma", "mu"]
    title = "Sobol indices (first order S1, total ST, ± 95% conf.)" if method == "sobol" else "Morris elementary effects"
    table = Table(title=title, title_justify="left")
    for c in ["outcome", "factor", *cols]:
        table.add_column(c, justify="left" if c in ("outcome", "factor") else "right")
    for r in indices:
        if "note" in r:
            table.add_row(escape(r["outcome"]), escape(r["note"]), *[""] * len(cols))
        else:
            table.add_row(escape(r["outcome"]), escape(r["factor"]), *[_fmt(r.get(c)) for c in cols])
    return table


def optimize(
    file: Annotated[Path, typer.Argument(help="A search file (YAML).", show_default=False)],
    out: OutOpt = None,
    trials: Annotated[int | None, typer.Option("--trials", min=1, help="Trials (default: the file's).")] = None,
    workers: Workers = None,
    dask: DaskOpt = None,
    quiet: Quiet = False,
    retry_failed: Retry = False,
) -> None:
    """Search rule and design parameters with optuna (seeded TPE); one objective or a Pareto front.

    Each trial runs the same seeds; objectives are means over them (survival,
    activity = messages_per_day, or any summary metric). Writes runs/, days/,
    manifest.json, trials.json/.parquet and best.json (one objective) or
    pareto.json/.parquet (several).

    Example:

        groupsim optimize scenarios/sweeps/moderation_search.yaml --out results/search
    """
    from sim.experiments.optimize import front, load_search, run_search, trials_table

    cli = _cli()
    try:
        search = load_search(file)
    except InputError as exc:
        raise cli.fail(exc) from None
    if trials is not None:
        search = replace(search, spec=search.spec.model_copy(update={"trials": trials}))
    spec = search.spec
    out = out or Path("results") / "search" / file.stem
    manifest = {"kind": "optimize", "name": spec.name, "file": str(file), "spec": spec.model_dump(mode="json"),
                "seeds": search.seeds, "expected_runs": spec.trials * len(search.seeds)}
    store = _open_store(out, manifest, search.key)
    executor = _executor(workers, dask)
    try:
        with _running(spec.trials * len(search.seeds), f"search {escape(spec.name)}", quiet) as done:
            st, tasks = run_search(search, store, executor, experiment=out.name, on_done=done)
    except InputError as exc:
        raise cli.fail(exc) from None
    finally:
        executor.close()
    rows = trials_table(search, st)
    best = front(search, st)
    _write_rows(out / "trials", rows)
    _write_rows(out / ("pareto" if search.multi else "best"), best)
    final = _finish(store, tasks, {"best" if not search.multi else "pareto": best})
    title = "Pareto front" if search.multi else "best trial"
    table = Table(title=f"{escape(spec.name)}: {title} of {len(rows)} trials × {len(search.seeds)} seeds", title_justify="left")
    cols = list(best[0]) if best else ["trial"]
    for c in cols:
        table.add_column(escape(c), justify="right")
    for r in best:
        table.add_row(*[escape(_fmt(r[c])) for c in cols])
    cli.out_console.print(table)
    cli.out_console.print(f"results: {out}/ (trials.json, {'pareto' if search.multi else 'best'}.json)", highlight=False, markup=False)
    _exit_if_incomplete(final, out)


def query(
    experiment: Annotated[Path, typer.Argument(help="An experiment folder (from sweep, compare or optimize).", show_default=False)],
    sql: Annotated[str, typer.Argument(help="SQL over the views `runs` and `days`.", show_default=False)],
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the answer as CSV to this file ('-' for stdout).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Rows shown in the table.")] = 50,
) -> None:
    """Answer SQL over an experiment's results (DuckDB): tables `runs` and `days`; CSV export.

    `runs` has one row per run (point, run_id, seed, the varied parameters,
    status, error, outcome, lifetime_days, summary metrics); `days` the per-day
    series.

    Example:

        groupsim query results/sweeps/spam "SELECT outcome, count(*) FROM runs GROUP BY outcome"
    """
    from sim.experiments.query import query as run_query, write_csv

    cli = _cli()
    try:
        table = run_query(experiment, sql)
    except FileNotFoundError as exc:
        raise cli.fail(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - DuckDB errors (syntax, unknown column) are user errors
        raise cli.fail(f"query failed: {str(exc).splitlines()[0]}") from None
    if csv is not None:
        if str(csv) == "-":
            import io

            import pyarrow.csv as pacsv

            buf = io.BytesIO()
            pacsv.write_csv(table, buf)
            sys.stdout.write(buf.getvalue().decode("utf-8"))
        else:
            write_csv(table, csv)
            cli.err_console.print(f"{table.num_rows} rows written to {csv}", highlight=False, markup=False)
        return
    shown = Table(title=f"{table.num_rows} rows", title_justify="left")
    for name in table.column_names:
        shown.add_column(escape(name))
    for row in table.slice(0, limit).to_pylist():
        shown.add_row(*[escape(_fmt(v)) for v in row.values()])
    cli.out_console.print(shown)
    if table.num_rows > limit:
        cli.out_console.print(f"(first {limit} of {table.num_rows} rows; --limit or --csv for more)")


def register(app: typer.Typer) -> None:
    """Add compare, sweep, optimize and query to the ``groupsim`` app."""
    app.command()(compare)
    app.command()(sweep)
    app.command()(optimize)
    app.command()(query)


__all__ = ["compare", "optimize", "query", "register", "sweep"]
