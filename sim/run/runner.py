"""Replications of one scenario: run them (in worker processes when there are several),
and write what they produced as files a program can read.

A replication is named by its seed: replication *k* of a run with base seed
``B`` uses seed ``B + k``, so any single run can be repeated exactly with
``groupsim run SCENARIO --seed B+k --seeds 1``.

Files written to the output folder (each written to a temporary name and moved
into place, so an interrupted run never leaves a half-written file):

* ``summary.parquet`` -- one row per run (outcome, lifetime, key metrics);
* ``days.parquet`` -- the per-day series of every run, with ``run_id`` and ``seed``;
* ``events.parquet`` -- the event log of every run;
* ``agents.parquet`` -- every agent: role, visible role, ground truth, when they joined and left;
* ``graph.parquet`` -- the friendship graph's edges;
* ``manifest.json`` -- scenario hash, seeds, package versions, event-log digests.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.base.files import atomic_write, package_versions
from sim.run.pool import shared_pool
from sim.spec.scenario import Scenario

if TYPE_CHECKING:  # the engine is imported by the run itself: a parent of workers never loads it
    from sim.run.engine import Simulation

POOL_PAYS_SECONDS = 2.0
"""With the default worker count, runs stay in this process until what is left would take this long on one core:
below it, starting the pool's workers (about a second: one import of the engine) costs more than it saves."""
TASK_SECONDS = 0.5
"""Short runs are sent to a worker in chunks of about this much work (fewer round trips, results still stream)."""


@dataclass(frozen=True, slots=True)
class RunTables:
    """One run's results as Arrow tables (what crosses a process boundary)."""

    summary: dict[str, Any]
    days: pa.Table
    events: pa.Table
    agents: pa.Table
    graph: pa.Table


def agents_table(sim: Simulation) -> pa.Table:
    """Every agent of a run: population entry, role, visible role, ground truth, when in the group."""
    g = sim.roster
    n = g.n
    entries = sim.scenario.population
    entry = g.entry[:n].tolist()
    kicked = {t for e, t in zip(sim.log.event, sim.log.target) if e == "kick"}
    return pa.table(
        {
            "agent": pa.array(range(n), pa.int64()),
            "entry": pa.array([entries[e].label if 0 <= e < len(entries) else "" for e in entry], pa.string()),
            "role": pa.array([entries[e].role if 0 <= e < len(entries) else "" for e in entry], pa.string()),
            "visible_role": pa.array([("owner", "admin", "member")[v] for v in g.visible[:n].tolist()], pa.string()),
            "truth": pa.array([("legitimate", "staff", "adversary")[t] for t in g.truth[:n].tolist()], pa.string()),
            "joined_at": pa.array(g.joined_at[:n], pa.float64()),
            "left_at": pa.array(g.left_at[:n], pa.float64()),
            "kicked": pa.array([i in kicked for i in range(n)], pa.bool_()),
            "posts": pa.array(np.asarray(g.posts[:n], dtype=np.int64)),
        }
    )


def graph_table(sim: Simulation) -> pa.Table:
    """The friendship graph's edges (a < b), in a fixed order."""
    edges = sorted((min(a, b), max(a, b)) for a, b in sim.graph.edges())
    return pa.table({"a": pa.array([e[0] for e in edges], pa.int64()), "b": pa.array([e[1] for e in edges], pa.int64())})


def run_one(scenario: Scenario, seed: int) -> RunTables:
    """Run one replication and turn its results into tables tagged with run id and seed."""
    from sim.run.engine import Simulation

    sim = Simulation(scenario, seed)
    result = sim.run()
    s = result.summary
    days = _tag(pa.Table.from_pylist(result.days) if result.days else pa.table({"day": pa.array([], pa.int64())}), s)
    return RunTables(s, days, _tag(result.log.table(), s), _tag(agents_table(sim), s), _tag(graph_table(sim), s))


def _tag(table: pa.Table, summary: dict[str, Any]) -> pa.Table:
    n = table.num_rows
    table = table.add_column(0, "seed", pa.array([summary["seed"]] * n, pa.int64()))
    return table.add_column(0, "run_id", pa.array([summary["run_id"]] * n, pa.string()))


@lru_cache(maxsize=8)
def _scenario(blob: str) -> Scenario:
    """A worker validates each scenario once, however many chunks of it it runs."""
    return Scenario.model_validate(json.loads(blob))


def run_chunk(task: tuple[str, tuple[int, ...]]) -> list[RunTables]:
    """A worker's task: one scenario (as JSON) and a few seeds, run one after another."""
    blob, seeds = task
    scenario = _scenario(blob)
    return [run_one(scenario, s) for s in seeds]


def chunks(seeds: Sequence[int], workers: int, seconds_per_run: float | None = None) -> list[tuple[int, ...]]:
    """Seeds grouped into tasks: about :data:`TASK_SECONDS` each when the time of a run is known, else
    four tasks a worker at least (so the last tasks balance), and one seed a task when there are few."""
    n = len(seeds)
    size = max(1, n // (4 * workers))
    if seconds_per_run is not None and seconds_per_run > 0:
        size = min(size, max(1, math.floor(TASK_SECONDS / seconds_per_run)))
    return [tuple(seeds[k:k + size]) for k in range(0, n, size)]


def replicate(
    scenario: Scenario,
    seeds: Sequence[int],
    *,
    workers: int | None = None,
    on_done: Callable[[RunTables], None] | None = None,
) -> list[RunTables]:
    """Run ``scenario`` once per seed; results come back in seed order.

    With ``workers`` > 1, runs go in chunks to this process's warm pool
    (:func:`sim.run.pool.shared_pool`: started once, engine imported once,
    reused by later calls), and each result comes back as soon as its chunk is
    done. With ``workers=None`` (the default) runs start here, and the pool (all
    cores) takes the rest only once what is left would take more than
    :data:`POOL_PAYS_SECONDS` on one core, so the default is never the slower
    choice by more than one run. Results are identical either way: each run
    depends only on the scenario and its seed.
    """
    seeds = list(seeds)
    out: dict[int, RunTables] = {}

    def done(r: RunTables) -> None:
        out[int(r.summary["seed"])] = r
        if on_done:
            on_done(r)

    rest, per_run = seeds, None
    if workers is None:
        cpus, start = os.cpu_count() or 1, time.perf_counter()
        for k, s in enumerate(seeds):
            done(run_one(scenario, s))
            per_run = (time.perf_counter() - start) / (k + 1)
            rest = seeds[k + 1:]
            if cpus > 1 and len(rest) >= 2 and len(rest) * per_run > POOL_PAYS_SECONDS:
                break
        workers = cpus
    workers = min(len(rest), workers)
    if workers <= 1:
        for s in rest:
            done(run_one(scenario, s))
    elif rest:
        blob = json.dumps(scenario.model_dump(mode="json", by_alias=True), ensure_ascii=False)
        tasks = [(blob, c) for c in chunks(rest, workers, per_run)]
        for _task, result in shared_pool(workers).map(run_chunk, tasks):
            if isinstance(result, BaseException):
                raise result
            for r in result:
                done(r)
    return [out[s] for s in seeds]


def write_results(out: Path, scenario: Scenario, runs: Sequence[RunTables], *, source: str = "") -> dict[str, Any]:
    """Write the Parquet files and the manifest for ``runs``; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    summary = pa.Table.from_pylist([r.summary for r in runs])
    days = pa.concat_tables([r.days for r in runs], promote_options="default")
    events = pa.concat_tables([r.events for r in runs], promote_options="default")
    agents = pa.concat_tables([r.agents for r in runs], promote_options="default")
    graph = pa.concat_tables([r.graph for r in runs], promote_options="default")
    tables = (("summary", summary), ("days", days), ("events", events), ("agents", agents), ("graph", graph))
    for name, table in tables:
        atomic_write(out / f"{name}.parquet", lambda p, t=table: pq.write_table(t, p))
    manifest = {
        "scenario": scenario.name,
        "scenario_file": source,
        "scenario_hash": scenario.content_hash(),
        "seeds": [r.summary["seed"] for r in runs],
        "runs": [
            {"run_id": r.summary["run_id"], "seed": r.summary["seed"], "event_log_digest": r.summary["event_log_digest"]}
            for r in runs
        ],
        "versions": package_versions(),
        "files": [f"{name}.parquet" for name, _ in tables],
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    atomic_write(out / "manifest.json", lambda p: p.write_text(text, encoding="utf-8"))
    return manifest


__all__ = [
    "POOL_PAYS_SECONDS", "RunTables", "agents_table", "atomic_write", "chunks", "graph_table", "package_versions",
    "replicate", "run_chunk", "run_one", "write_results",
]
