"""The ``groupsim`` command: run scenarios, check files, print the scenario schema.

Every command prints something a person can read (rich tables) and, where it
produces results, files a program can read (Parquet, JSON). A bad file or
argument gives ``file:line: field: problem`` on stderr and exit code 2, never a
traceback. Other packages add commands through :func:`register` hooks listed in
``_EXTENSIONS``.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from rules import InputError
from sim.cli.console import err_console, fail, out_console, progress as _progress
from sim.model.outcomes import Outcome
from sim.spec.scenario import Scenario, load_scenario, scenario_json_schema
from sim.cli.tables import KEY_METRICS, results_table  # noqa: F401 - KEY_METRICS kept importable from here

app = typer.Typer(
    name="groupsim",
    help="Try a chat-group design against simulated members, staff and adversaries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Modules that add commands to `app` with a `register(app)` function, when present.
_EXTENSIONS = ("sim.cli.experiments", "sim.cli.rules", "sim.cli.report", "sim.cli.testing", "sim.cli.portfolio")

def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except InputError as exc:
        raise fail(exc) from None


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="A scenario file (YAML).", show_default=False)],
    seeds: Annotated[int, typer.Option("--seeds", "-n", min=1, max=100_000, help="Number of replications.")] = 8,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Base seed (default: the scenario's seed). Run k uses seed+k.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Result folder (default: results/<scenario file name>).")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1, help="Worker processes (default: all cores).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summaries as JSON instead of a table.")] = False,
    report: Annotated[bool, typer.Option("--report", help="Also write a report (HTML, Markdown, figures) to OUT/report.")] = False,
) -> None:
    """Run replications of a scenario; print how they ended and write result files.

    Writes summary.parquet, days.parquet, events.parquet and manifest.json
    (and with --report, OUT/report/report.html, summary.md and figures/).

    Example:

        groupsim run scenarios/new_customer_well_run.yaml --seeds 8 --out results/wellrun
    """
    from sim.run.runner import replicate, write_results

    sc = _load(scenario)
    base = sc.seed if seed is None else seed
    seed_list = [base + k for k in range(seeds)]
    if seed_list[-1] >= 2**63:
        raise fail(f"--seed {base} plus {seeds} replications passes the largest seed (2**63 - 1)")
    out = out or Path("results") / scenario.stem
    if out.exists() and not out.is_dir():
        raise fail(f"--out {out}: exists and is not a folder")
    with _progress(quiet or as_json) as progress:
        task = progress.add_task(f"running {sc.name}", total=len(seed_list))
        runs = replicate(sc, seed_list, workers=workers, on_done=lambda _r: progress.advance(task))
    write_results(out, sc, runs, source=str(scenario))
    summaries = [r.summary for r in runs]
    if as_json:
        sys.stdout.write(json.dumps(summaries, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    out_console.print(results_table(summaries, f"{sc.name} — {len(runs)} runs, seeds {seed_list[0]}..{seed_list[-1]}"))
    reasons = sorted({s["outcome_reason"] for s in summaries if s["outcome_reason"]})
    for reason in reasons[:5]:
        out_console.print(f"  · {reason}", highlight=False)
    out_console.print(f"results: {out}/ (summary.parquet, days.parquet, events.parquet, manifest.json)")
    if report:
        from sim.cli.report import report as write_report

        write_report([out], out=out / "report", title="")


def file_kind(path: Path) -> str:
    """What a groupsim YAML file is, from its top-level fields: scenario, ruleset, portfolio, sweep or search."""
    from rules import read_yaml

    data = read_yaml(path).data
    if not isinstance(data, dict):
        return "scenario"
    if "groups" in data:
        return "portfolio"
    if "factors" in data:
        return "sweep"
    if "objectives" in data:
        return "search"
    if "rules" in data and "population" not in data:
        return "ruleset"
    return "scenario"


def check_file(path: Path) -> str:
    """Validate any groupsim file by its kind; a one-line description, or an InputError."""
    kind = file_kind(path)
    if kind == "ruleset":
        from rules import load_ruleset

        spec = load_ruleset(path)
        return f"ruleset {spec.name} ({len(spec.rules)} rule{'' if len(spec.rules) == 1 else 's'})"
    if kind == "portfolio":
        from sim.run.portfolio import load_portfolio

        p, groups = load_portfolio(path)
        return f"portfolio {p.name} ({len(groups)} groups)"
    if kind == "sweep":
        from sim.experiments.design import plan_sweep

        plan = plan_sweep(path)
        return f"sweep {plan.spec.name} ({len(plan.points)} points x {len(plan.seeds)} seeds)"
    if kind == "search":
        from sim.experiments.optimize import load_search

        return f"search {load_search(path).spec.name}"
    return f"scenario {load_scenario(path).name}"


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Files to check: scenarios, rulesets, portfolios, sweeps, searches.", show_default=False)],
) -> None:
    """Check groupsim files (each kind by its fields); print file:line: field: problem for each error.

    Example:

        groupsim validate scenarios/*.yaml scenarios/rulesets/*.yaml scenarios/sweeps/*.yaml
    """
    bad = 0
    for path in files:
        try:
            what = check_file(path)
        except InputError as exc:
            bad += 1
            err_console.print(exc.render(), highlight=False, markup=False, soft_wrap=True)
            continue
        out_console.print(f"{path}: ok ({what})", highlight=False, markup=False)
    if bad:
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files, for editor completion.

    Example:

        groupsim schema > scenario.schema.json
    """
    sys.stdout.write(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n")


def _register_extensions() -> None:
    for name in _EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # that part is not built yet
            raise
        module.register(app)


_register_extensions()


def main() -> None:
    """Console entry point."""
    try:
        app()
    except InputError as exc:
        err_console.print(exc.render(), highlight=False, markup=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)


__all__ = ["app", "check_file", "fail", "file_kind", "main", "results_table"]


if __name__ == "__main__":
    main()
