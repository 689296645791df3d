"""Experiment throughput: runs per hour in-process, in a local pool, and on a local Dask cluster.

Run:  python bench/bench_experiments.py [--runs 16] [--workers 2 16] [--scenario bench/reference.yaml]

Runs the same tasks (the scenario with seeds 0..runs-1, each stored in a
temporary experiment folder exactly as `groupsim sweep` stores runs) three
ways, in one process invocation:

* in-process (one run after another, the baseline);
* a local process pool with each worker count given (default: 2 and all cores);
* a local Dask cluster (``local:N``) with the same worker counts.

Start-up of the pool and the cluster is timed separately and left out of the
throughput (both are started once per experiment, not per run); the printed
speed-up is runs/hour against in-process, and efficiency is speed-up / workers.
It also checks that every executor produced the same event-log digests.
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sim.experiments.executors import DaskCluster, InProcess, LocalPool, RunTask, execute, run_tasks
from sim.experiments.store import ResultStore
from sim.spec.scenario import load_scenario

HERE = Path(__file__).resolve().parent


def _timed(executor: object, tasks: list[RunTask]) -> tuple[float, dict[int, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        store = ResultStore(tmp)
        t = time.perf_counter()
        run_tasks(store, tasks, executor)  # type: ignore[arg-type]
        wall = time.perf_counter() - t
        digests = {r["seed"]: r["event_log_digest"] for r in store.read_runs()}
    return wall, digests


def _warm(executor: object, tasks: list[RunTask]) -> float:
    """Start the workers (imports included) with one short task each; returns the seconds it took."""
    t = time.perf_counter()
    short = RunTask(0, 0, {**tasks[0].scenario, "duration_days": 0.01}, {}, "warm-up")
    list(executor.map(execute, [short] * getattr(executor, "workers", 1)))  # type: ignore[attr-defined]
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=16)
    ap.add_argument("--workers", type=int, nargs="+", default=None, help="Worker counts (default: 2 and all cores).")
    ap.add_argument("--scenario", type=Path, default=HERE / "reference.yaml")
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    counts = args.workers or sorted({2, cores})
    scenario = load_scenario(args.scenario)
    data = scenario.model_dump(mode="json", by_alias=True)
    tasks = [RunTask(0, s, data, {}, "bench") for s in range(args.runs)]
    print(f"scenario: {scenario.name} ({args.scenario}), {args.runs} runs, {cores} cores")
    base_wall, reference = _timed(InProcess(), tasks)
    base_rate = 3600 * args.runs / base_wall
    print(f"{'executor':<22}{'workers':>8}{'start s':>9}{'wall s':>9}{'runs/hour':>12}{'speed-up':>10}{'efficiency':>12}")
    print(f"{'in-process':<22}{1:>8}{0:>9.1f}{base_wall:>9.1f}{base_rate:>12,.0f}{1:>10.2f}{1:>12.0%}")
    for n in counts:
        makers = [("local pool", lambda n=n: LocalPool(n))]
        if not args.no_dask:
            makers.append((f"dask local:{n}", lambda n=n: DaskCluster(f"local:{n}")))
        for label, make in makers:
            t = time.perf_counter()
            executor = make()
            start = time.perf_counter() - t + _warm(executor, tasks)
            try:
                wall, digests = _timed(executor, tasks)
            finally:
                executor.close()
            rate = 3600 * args.runs / wall
            same = "" if digests == reference else "  DIGESTS DIFFER"
            print(f"{label:<22}{n:>8}{start:>9.1f}{wall:>9.1f}{rate:>12,.0f}{rate / base_rate:>10.2f}{rate / base_rate / n:>12.0%}{same}")


if __name__ == "__main__":
    main()
