"""Strategy search: optuna over rule and design parameters.

A search file names a base scenario, the parameters to search (the same
``path``/``low``/``high``/``values`` entries as a sweep's factors), one or more
objectives, the number of trials and the seeds each trial runs::

    name: kick threshold and content
    base: ../new_customer_well_run.yaml
    params:
      - {path: ruleset.rules.0.params.kick_after, low: 1, high: 5, integer: true}
    objectives: [{metric: survival, direction: maximize}]
    trials: 12
    seeds: 2

With one objective the best trial is reported; with several (say minimise
``ad_exposure`` and ``rule_actions_on_legitimate``) the Pareto front is.

Reproducible: the sampler is optuna's TPE with a fixed seed, trials are asked
in fixed batches (``batch``) whose runs go to the executor together, and every
trial runs the same seeds. So the same file gives the same trials on any
executor. Runs are stored by their scenario's hash and seed, never by trial
number: a re-run finds each trial's runs in the store only if they are the runs
of the parameters that trial asks for now (after an interrupted session the
sampler may ask trial 7 for other values than before; those then run).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rules import InputError, read_mapping, validate_document
from sim.base.metrics import find
from sim.experiments.design import Factor, _reason, build_variant
from sim.experiments.executors import RunExecutor, RunTask, run_tasks
from sim.experiments.measures import available, mean_of
from sim.experiments.store import ResultStore, StoredRun
from sim.spec.scenario import Scenario, load_scenario


class Objective(BaseModel):
    """A measure to maximise or minimise (see :mod:`sim.experiments.measures`).

    Without a ``direction`` the metrics catalogue's says which way is better
    (ad_exposure: minimise; survival: maximise); a metric with no better
    direction needs one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    metric: str = Field(min_length=1, description="survival, activity, return_on_effort, or a summary field.")
    direction: Literal["maximize", "minimize"] | None = Field(
        default=None, description="Default: the direction the metrics catalogue calls better.")


class SearchSpec(BaseModel):
    """A search file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1)
    description: str = ""
    base: str
    fixed: dict[str, Any] = Field(default_factory=dict)
    params: list[Factor] = Field(min_length=1)
    objectives: list[Objective] = Field(min_length=1, max_length=4)
    trials: int = Field(default=20, ge=1, le=100_000)
    batch: int = Field(default=4, ge=1, le=1000, description="Trials asked and run together.")
    seeds: int = Field(default=3, ge=1, le=10_000, description="Seeds each trial runs (the same for every trial).")
    seed: int = Field(default=0, ge=0, description="Seed of the TPE sampler.")
    run_seed: int | None = Field(default=None, ge=0, description="First run seed (default: the base scenario's).")

    @field_validator("params")
    @classmethod
    def _scalars(cls, v: list[Factor]) -> list[Factor]:
        for f in v:
            if f.values is not None and not all(x is None or isinstance(x, (bool, int, float, str)) for x in f.values):
                raise ValueError(f"{f.path}: search values must be plain numbers or strings")
        return v


@dataclass(frozen=True, slots=True)
class Search:
    """A search file read and checked: the spec, the base data and the run seeds."""

    spec: SearchSpec
    source: str
    base: dict[str, Any]
    seeds: list[int]
    line_of: Callable[[tuple[str | int, ...]], int | None]

    @property
    def key(self) -> str:
        blob = json.dumps([self.spec.model_dump(mode="json", exclude={"trials"}), self.base], sort_keys=True)
        return "optimize:" + hashlib.sha256(blob.encode()).hexdigest()

    @property
    def multi(self) -> bool:
        return len(self.spec.objectives) > 1


def load_search(path: str | Path) -> Search:
    """Read and check a search file; errors name file, line and field."""
    p = Path(path)
    doc = read_mapping(p, "a search file", "name:, base:, params:, objectives:, ...")
    spec = validate_document(SearchSpec, doc)
    spec = spec.model_copy(update={"objectives": [_directed(o, p, doc.line_of(("objectives", i)), i)
                                                  for i, o in enumerate(spec.objectives)]})
    base = load_scenario(p.parent / spec.base if not Path(spec.base).is_absolute() else Path(spec.base))
    try:
        data = build_variant(base.model_dump(mode="json", by_alias=True), spec.fixed).model_dump(mode="json", by_alias=True)
    except (KeyError, ValidationError) as exc:
        raise InputError.single(p, doc.line_of(("fixed",)), "fixed", _reason(exc)) from None
    for i, f in enumerate(spec.params):
        try:
            build_variant(data, {f.path: f.values[0] if f.values is not None else _mid(f)})
        except (KeyError, ValidationError) as exc:
            raise InputError.single(p, doc.line_of(("params", i, "path")), f"params[{i}].path", _reason(exc)) from None
    start = base.seed if spec.run_seed is None else spec.run_seed
    return Search(spec, str(p), data, [start + k for k in range(spec.seeds)], doc.line_of)


def _directed(o: Objective, path: Path, line: int | None, i: int) -> Objective:
    """``o`` with its direction: as written, or the catalogue's direction of better."""
    if o.direction is not None:
        return o
    m = find(o.metric)
    if m is None:  # not a declared metric: the runs' check names it, with what is available
        return o.model_copy(update={"direction": "maximize"})
    if m.better == "neither":
        raise InputError.single(path, line, f"objectives[{i}].direction",
                                f"for {o.metric!r} neither higher nor lower is better: say direction: maximize or minimize")
    return o.model_copy(update={"direction": "maximize" if m.better == "higher" else "minimize"})


def _mid(f: Factor) -> float | int:
    return f.at(0.5)


def suggest(trial: Any, spec: SearchSpec) -> dict[str, Any]:
    """The trial's parameter values, by column name."""
    values: dict[str, Any] = {}
    for f in spec.params:
        if f.values is not None:
            values[f.column] = trial.suggest_categorical(f.column, list(f.values))
        elif f.integer:
            values[f.column] = trial.suggest_int(f.column, int(f.low), int(f.high), log=f.log)  # type: ignore[arg-type]
        else:
            values[f.column] = trial.suggest_float(f.column, float(f.low), float(f.high), log=f.log)  # type: ignore[arg-type]
    return values


def trial_scenario(search: Search, values: dict[str, Any]) -> Scenario:
    """The validated scenario of one trial (ValidationError if the values make an invalid one)."""
    paths = {f.column: f.path for f in search.spec.params}
    return build_variant(search.base, {paths[c]: v for c, v in values.items()})


def trial_tasks(search: Search, number: int, scenario: Scenario, values: dict[str, Any], experiment: str) -> list[RunTask]:
    data = scenario.model_dump(mode="json", by_alias=True)
    return [RunTask(number, s, data, {"trial": number, **values}, experiment) for s in search.seeds]


def objective_values(search: Search, rows: Sequence[dict[str, Any]]) -> list[float] | None:
    """The trial's objective values (means over its successful runs), or None if none succeeded."""
    vals = [mean_of(rows, o.metric) for o in search.spec.objectives]
    return None if any(math.isnan(v) for v in vals) else vals


def run_search(
    search: Search,
    store: ResultStore,
    executor: RunExecutor,
    *,
    experiment: str,
    on_done: Callable[[StoredRun], None] | None = None,
) -> tuple[Any, list[RunTask]]:
    """Run the search: ask a batch of trials, run their seeds together, tell the results.

    Returns the optuna study and every run task of its trials. A trial whose values make an invalid scenario, or
    whose runs all failed, is told as failed; an objective that is not a
    measure of the runs is an InputError naming the search file.
    """
    import optuna

    st = study(search)
    every: list[RunTask] = []
    n = search.spec.trials
    for start in range(0, n, search.spec.batch):
        batch = [st.ask() for _ in range(min(search.spec.batch, n - start))]
        tasks: list[RunTask] = []
        live: list[tuple[Any, list[RunTask]]] = []
        for trial in batch:
            values = suggest(trial, search.spec)
            try:
                scenario = trial_scenario(search, values)
            except (KeyError, ValidationError) as exc:
                trial.set_user_attr("error", _reason(exc))
                st.tell(trial, state=optuna.trial.TrialState.FAIL)
                continue
            mine = trial_tasks(search, trial.number, scenario, values, experiment)
            tasks += mine
            live.append((trial, mine))
        run_tasks(store, tasks, executor, on_done=on_done)
        every += tasks
        for trial, mine in live:
            rows = [r for r in store.rows_for(mine) if r.get("status") == "ok"]
            try:
                values_ = objective_values(search, rows)
            except KeyError as exc:
                ok = next((r for r in rows if r.get("status") == "ok"), {})
                raise InputError.single(
                    search.source, search.line_of(("objectives",)), "objectives",
                    f"{exc.args[0]!r} is not a measure of the runs (available: {', '.join(available(ok))})",
                ) from None
            if values_ is None:
                st.tell(trial, state=optuna.trial.TrialState.FAIL)
            else:
                st.tell(trial, values_)
    return st, every


def study(search: Search) -> Any:
    """A fresh optuna study with a seeded TPE sampler (in memory: the store holds the runs)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=search.spec.seed)
    return optuna.create_study(directions=[o.direction for o in search.spec.objectives], sampler=sampler)


def front(search: Search, st: Any) -> list[dict[str, Any]]:
    """The best trial (one objective) or the Pareto front (several), as rows."""
    import optuna

    done = [t for t in st.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not done:
        return []
    best = st.best_trials if search.multi else [st.best_trial]
    rows = []
    for t in sorted(best, key=lambda t: t.number):
        row: dict[str, Any] = {"trial": t.number, **t.params}
        row.update({o.metric: v for o, v in zip(search.spec.objectives, t.values)})
        rows.append(row)
    return rows


def trials_table(search: Search, st: Any) -> list[dict[str, Any]]:
    """Every trial: number, state, parameters and objective values."""
    rows = []
    for t in st.trials:
        row: dict[str, Any] = {"trial": t.number, "state": t.state.name, **t.params}
        values = t.values or [math.nan] * len(search.spec.objectives)
        row.update({o.metric: v for o, v in zip(search.spec.objectives, values)})
        rows.append(row)
    return rows


__all__ = [
    "Objective",
    "Search",
    "SearchSpec",
    "front",
    "load_search",
    "objective_values",
    "run_search",
    "study",
    "suggest",
    "trial_scenario",
    "trial_tasks",
    "trials_table",
]
