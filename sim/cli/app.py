"""The ``groupsim`` command: run scenarios, check files, print the scenario schema.

Every command prints something a person can read (rich tables) and, where it
produces results, files a program can read (Parquet, JSON). A bad file or
argument gives ``file:line: field: problem`` on stderr and exit code 2, never a
traceback. Other modules add commands through ``register(app)`` hooks listed in
:data:`sim.cli.commands.EXTENSIONS`; each is imported only when one of its
commands runs, and this module imports nothing heavy at the top, so
``groupsim --help`` loads neither the engine nor matplotlib, scipy or hypothesis.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.commands import LazyGroup
from sim.cli.console import err_console, fail, out_console, progress as _progress

if TYPE_CHECKING:
    from sim.spec.scenario import Scenario

app = typer.Typer(
    name="groupsim",
    cls=LazyGroup,
    help="Try a chat-group design against simulated members, staff and adversaries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

def _load(path: Path) -> Scenario:
    from rules import InputError
    from sim.spec.scenario import load_scenario

    try:
        return load_scenario(path)
    except InputError as exc:
        raise fail(exc) from None


@app.command()
def run(
    scenario: Annotated[
        str, typer.Argument(help="A scenario file (YAML), or the name of a bundled scenario.", show_default=False)
    ],
    seeds: Annotated[int, typer.Option("--seeds", "-n", min=1, max=100_000, help="Number of replications.")] = 8,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Base seed (default: the scenario's seed). Run k uses seed+k.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Result folder (default: results/<scenario name>).")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1, help=(
        "Worker processes (default: this process until the runs left would take 2 s, then all cores)."))] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summaries as JSON instead of a table.")] = False,
    report: Annotated[bool, typer.Option("--report", help="Also write a report (HTML, Markdown, figures) to OUT/report.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace OUT even if it holds files and is not a groupsim results folder.")
    ] = False,
) -> None:
    """Run replications of a scenario; print how they ended and write result files.

    SCENARIO is a path, or the name of a scenario that ships with groupsim
    (new_customer_well_run, unmoderated_spam, no_value_dead, ...; an unknown
    name lists them). Writes summary.parquet, days.parquet, events.parquet and
    manifest.json (and with --report, OUT/report/report.html, summary.md and figures/).
    OUT is checked before the runs start, and replaced as a whole once they
    are done: a folder that holds other files is refused unless --force.

    Example:

        groupsim run new_customer_well_run --seeds 8 --out results/wellrun
    """
    from rules import InputError
    from sim.base.records import skip_pandas_probe
    from sim.base.results_dir import ResultsFolderError, check_target, replace_folder
    from sim.run.runner import replicate, write_results
    from sim.spec.bundled import locate_scenario

    skip_pandas_probe()  # no pandas on the run path (sim/base/records.py)
    if (workers or 0) > 1 and seeds > 1 or workers is None and seeds >= 4:
        from sim.run.pool import prestart

        prestart()  # the workers' forkserver imports the engine while this process reads the scenario
    try:
        path = locate_scenario(scenario)
    except InputError as exc:
        raise fail(exc) from None
    sc = _load(path)
    base = sc.seed if seed is None else seed
    seed_list = [base + k for k in range(seeds)]
    if seed_list[-1] >= 2**63:
        raise fail(f"--seed {base} plus {seeds} replications passes the largest seed (2**63 - 1)")
    out = out or Path("results") / path.stem
    try:
        check_target(out, force=force)
    except ResultsFolderError as exc:
        raise fail(str(exc)) from None
    with _progress(quiet or as_json) as progress:
        task = progress.add_task(f"running {sc.name}", total=len(seed_list))
        runs = replicate(sc, seed_list, workers=workers, on_done=lambda _r: progress.advance(task))
    with replace_folder(out) as staging:
        write_results(staging, sc, runs, source=str(path))
    summaries = [r.summary for r in runs]
    if as_json:
        sys.stdout.write(json.dumps(summaries, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    from rich.markup import escape

    title = f"{escape(sc.name)} — {len(runs)} runs, seeds {seed_list[0]}..{seed_list[-1]}"  # a table title is markup
    from sim.cli.tables import results_table

    out_console.print(results_table(summaries, title))
    reasons = sorted({s["outcome_reason"] for s in summaries if s["outcome_reason"]})
    for reason in reasons[:5]:
        out_console.print(f"  · {reason}", highlight=False, markup=False)
    out_console.print(f"results: {out}/ (summary.parquet, days.parquet, events.parquet, manifest.json)", markup=False)
    if report:
        from sim.cli.report import report as write_report

        write_report([out], out=out / "report", title="")


def file_kind(path: Path) -> str:
    """What a groupsim YAML file is, from its top-level fields: scenario, ruleset, portfolio, sweep, search or texts."""
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
    if "pools" in data and "population" not in data:
        return "texts"
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
    if kind == "texts":
        from sim.spec.texts import read_text_file

        texts = read_text_file(path)
        return f"texts {texts.language or path.stem} ({len(texts.pools)} pools, {sum(map(len, texts.pools.values()))} texts)"
    from sim.spec.scenario import load_scenario

    return f"scenario {load_scenario(path).name}"


def _scenario_warnings(path: Path) -> list[str]:
    """Rules of a valid scenario that are dormant over its horizon or double-warn (sim/cli/rules.py)."""
    from sim.cli.rules import scenario_rule_warnings
    from sim.spec.scenario import load_scenario

    return scenario_rule_warnings(load_scenario(path))


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Files to check: scenarios, rulesets, portfolios, sweeps, searches.", show_default=False)],
) -> None:
    """Check groupsim files (each kind by its fields); print file:line: field: problem for each error.

    Example:

        groupsim validate scenarios/*.yaml scenarios/rulesets/*.yaml scenarios/sweeps/*.yaml
    """
    from rules import InputError

    bad = 0
    for path in files:
        try:
            what = check_file(path)
        except InputError as exc:
            bad += 1
            err_console.print(exc.render(), highlight=False, markup=False, soft_wrap=True)
            continue
        out_console.print(f"{path}: ok ({what})", highlight=False, markup=False)
        if what.startswith("scenario "):
            for warning in _scenario_warnings(path):
                out_console.print(f"{path}: warning: {warning}", highlight=False, markup=False, soft_wrap=True)
    if bad:
        raise typer.Exit(2)


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="scenario, ruleset, portfolio, sweep, search or texts.")] = "scenario",
) -> None:
    """Print the JSON Schema (draft 2020-12) of one kind of groupsim file, for editors and CI checks.

    Example:

        groupsim schema > scenario.schema.json

        groupsim schema ruleset > ruleset.schema.json
    """
    from sim.cli.schemas import KINDS, json_schema

    if kind not in KINDS:
        raise fail(f"schema: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    sys.stdout.write(json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n")


def main() -> None:
    """Console entry point."""
    try:
        app()
    except Exception as exc:
        from rules import InputError  # imported here: `--help` need not load the rule engine

        if not isinstance(exc, InputError):
            raise
        err_console.print(exc.render(), highlight=False, markup=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)


__all__ = ["app", "check_file", "fail", "file_kind", "main"]


if __name__ == "__main__":
    main()
