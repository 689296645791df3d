"""Comparisons started from the web app: run on the CLI's executors in a background thread, state on disk.

A job is a folder ``results/<id>/`` in the workspace holding ``job.json``
(status, runs done, error) and, in ``compare/``, the same result store as
``groupsim compare`` (runs/, days/, manifest.json, comparison.json,
verdict.json, report/), which ``groupsim report`` and ``query`` read too. Every page
reads the state from these files, so a second browser tab, or the server after
a restart, sees the same results.
"""

from __future__ import annotations

import json
import threading
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sim.base.files import atomic_write

_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="groupsim-job")  # one comparison at a time, queued
_LOCK = threading.Lock()
STORE = "compare"
"""The job's result store, a subfolder (a store refuses a folder holding other files)."""


def _write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def job_state(root: Path) -> dict[str, Any]:
    """``job.json`` of a job folder, with the runs stored so far counted from the store."""
    state = json.loads((root / "job.json").read_text(encoding="utf-8"))
    runs = root / STORE / "runs"
    state["done"] = sum(1 for _ in runs.rglob("seed=*.parquet")) if runs.exists() else 0
    return state


def _update(root: Path, **fields: Any) -> None:
    with _LOCK:
        state = json.loads((root / "job.json").read_text(encoding="utf-8"))
        state.update(fields)
        _write_json(root / "job.json", state)


def start_compare(results: Path, files: list[Path], labels: list[str], seeds: int, workers: int | None) -> str:
    """Create a job folder and queue the comparison; returns the job id at once."""
    job = uuid.uuid4().hex[:12]
    root = results / job
    root.mkdir(parents=True)
    _write_json(root / "job.json", {"id": job, "kind": "compare", "status": "queued", "labels": labels,
                                    "files": [str(f) for f in files], "seeds": seeds, "total": seeds * len(files), "error": ""})
    _POOL.submit(_run_compare, root, files, labels, seeds, workers)
    return job


def _run_compare(root: Path, files: list[Path], labels: list[str], seeds: int, workers: int | None) -> None:
    try:
        _update(root, status="running")
        _compare(root, files, labels, seeds, workers)
        _update(root, status="done")
    except Exception as exc:  # noqa: BLE001 - shown on the job's page, never lost
        _update(root, status="failed", error=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc()[-4000:])


def _compare(job: Path, files: list[Path], labels: list[str], seeds: int, workers: int | None) -> None:
    from reports.build import build_report
    from reports.results import load_experiment
    from sim.cli.verdicts import decide_runs, write
    from sim.experiments.compare import CompareArm, compare_key, compare_tasks
    from sim.experiments.executors import make_executor, run_tasks
    from sim.experiments.store import ResultStore
    from sim.experiments.verdict import DEFAULT_OBJECTIVE, scenario_objective
    from sim.spec.scenario import load_scenario

    root = job / STORE
    loaded = [CompareArm(label, load_scenario(f)) for label, f in zip(labels, files)]
    first = loaded[0].scenario.seed
    seed_list = [first + k for k in range(seeds)]
    store = ResultStore(root)
    store.open({"kind": "compare", "name": " vs ".join(labels), "seeds": seed_list, "designs": [
        {"point": i, "label": d.label, "file": str(f), "scenario": d.scenario.name, "scenario_hash": d.scenario.content_hash(),
         "duration_days": d.scenario.duration_days} for i, (d, f) in enumerate(zip(loaded, files))],
        "expected_runs": len(loaded) * seeds}, key=compare_key(loaded))
    executor = make_executor(workers, None)  # the CLI's executors: a process pool, or this thread with one worker

    tasks: list[Any] = []  # the runs of the seeds used so far

    def run_seeds(used: list[int]) -> None:
        tasks[:] = compare_tasks(loaded, used, root.name)
        run_tasks(store, tasks, executor)

    try:
        objective = scenario_objective([(f.name, d.scenario.objective) for f, d in zip(files, loaded)]) or DEFAULT_OBJECTIVE
        rows, verdict, used = decide_runs(loaded, lambda: store.rows_for(tasks), run_seeds, seed_list, [], objective, None)
    finally:
        executor.close()
    _write_json(root / "comparison.json", rows)
    write(root, verdict)
    store.finish(tasks, {"seeds": used})
    exp = load_experiment(root)
    build_report(exp.designs, root / "report", title=f"groupsim compare: {exp.name}")


__all__ = ["STORE", "job_state", "start_compare"]
