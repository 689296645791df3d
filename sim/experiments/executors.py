"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

Every executor runs the same module-level function, :func:`execute`, on the
same :class:`RunTask` values, and a run depends only on its scenario and seed,
so the results are identical run for run whichever executor ran them. The
executor only decides where and in which order runs happen; the caller writes
each result as it comes back (one writer, so the store needs no locks).

A run that raises is returned as a failed record with its error and seed. In
the local pool (:mod:`sim.run.pool`) a worker that dies is replaced and
only the run it held is retried, at most twice; the other runs are unaffected.
A lost Dask worker is retried by Dask itself. A run that still cannot finish is
a failed record, and a failed record is never a stored run: the next run of
the same command retries it.
"""

from __future__ import annotations

import hashlib
import json
import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyarrow as pa

from sim.run.pool import WorkerPool, prestart
from sim.experiments.store import ResultStore, StoredRun
from sim.run.runner import run_one
from sim.spec.scenario import Scenario


@dataclass(frozen=True, slots=True)
class RunTask:
    """One run to do: a design point's scenario (as plain data), a seed, and the tags to carry."""

    point: int
    seed: int
    scenario: dict[str, Any]
    tags: dict[str, Any] = field(default_factory=dict)
    experiment: str = ""

    @property
    def run_id(self) -> str:
        return f"{self.experiment}/p{self.point:05d}/s{self.seed}"

    @property
    def key(self) -> str:
        """What the run is: the hash of its resolved scenario, equal to :meth:`Scenario.content_hash`.

        ``scenario`` is ``Scenario.model_dump(mode="json", by_alias=True)``, and
        content_hash hashes exactly that dump, so no re-validation is needed.
        """
        blob = json.dumps(self.scenario, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _cell(value: Any) -> Any:
    """Tags must be Parquet scalars: anything else is stored as JSON text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def failed_record(task: RunTask, error: str) -> StoredRun:
    """The stored row of a run that did not finish."""
    row = {"run_id": task.run_id, "seed": task.seed, **{k: _cell(v) for k, v in task.tags.items()}}
    row.update(status="failed", error=error)
    return StoredRun(task.key, task.point, task.seed, row, None)


def execute(task: RunTask) -> StoredRun:
    """Run one task and tag its results; an exception becomes a failed record."""
    try:
        tables = run_one(Scenario.model_validate(task.scenario), task.seed)
    except Exception as exc:  # noqa: BLE001 - a failed run is data, not a crash
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return failed_record(task, last)
    tags = {k: _cell(v) for k, v in task.tags.items()}
    row: dict[str, Any] = {"run_id": task.run_id, "seed": task.seed, **tags, "status": "ok", "error": ""}
    row.update({k: v for k, v in tables.summary.items() if k not in ("run_id", "seed")})
    days = tables.days.set_column(0, "run_id", pa.array([task.run_id] * tables.days.num_rows, pa.string()))
    for i, (k, v) in enumerate(tags.items()):
        days = days.add_column(2 + i, k, pa.array([v] * days.num_rows))
    days = days.add_column(0, "point", pa.array([task.point] * days.num_rows, pa.int32()))
    return StoredRun(task.key, task.point, task.seed, row, days)


Outcome = StoredRun | BaseException


class RunExecutor(Protocol):
    """Runs ``fn`` on each task and yields ``(task, result or exception)`` as runs finish."""

    def map(self, fn: Callable[[RunTask], StoredRun], tasks: Iterable[RunTask]) -> Iterator[tuple[RunTask, Outcome]]: ...

    def close(self) -> None: ...


class InProcess:
    """Runs one after another in this process (``-j 1``): simplest to debug."""

    workers = 1

    def map(self, fn: Callable[[RunTask], StoredRun], tasks: Iterable[RunTask]) -> Iterator[tuple[RunTask, Outcome]]:
        for task in tasks:
            try:
                yield task, fn(task)
            except Exception as exc:  # noqa: BLE001
                yield task, exc

    def close(self) -> None:
        return None

    def __repr__(self) -> str:
        return "InProcess()"


class LocalPool:
    """Warm worker processes on this machine (forked from a forkserver that imported the engine once; they share nothing), each replaced if it dies.

    A worker that dies (killed, out of memory) takes down only the run it held,
    which is retried on a fresh worker up to ``retries`` times; workers exit
    when this process dies (see :mod:`sim.run.pool`).
    """

    def __init__(self, workers: int | None = None, *, retries: int = 2) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.pool: WorkerPool[RunTask] = WorkerPool(self.workers, retries=retries)
        prestart()  # the workers' imports overlap the command's own work (sim/run/pool.py)

    def map(self, fn: Callable[[RunTask], StoredRun], tasks: Iterable[RunTask]) -> Iterator[tuple[RunTask, Outcome]]:
        yield from self.pool.map(fn, tasks)

    def close(self) -> None:
        self.pool.close()

    def __repr__(self) -> str:
        return f"LocalPool(workers={self.workers})"


class DaskCluster:
    """A Dask distributed cluster: an address (``tcp://host:8786``) or ``local:N`` to start one here."""

    def __init__(self, address: str) -> None:
        from dask.distributed import Client, LocalCluster

        self.address = address
        self._cluster: Any = None
        if address.startswith("local:") or address == "local":
            n = int(address.split(":", 1)[1]) if ":" in address else (os.cpu_count() or 1)
            self._cluster = LocalCluster(
                n_workers=n, processes=True, threads_per_worker=1, dashboard_address=":0", silence_logs=40
            )
            self.client = Client(self._cluster)
        else:
            self.client = Client(address, timeout=30)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, fn: Callable[[RunTask], StoredRun], tasks: Iterable[RunTask]) -> Iterator[tuple[RunTask, Outcome]]:
        from dask.distributed import as_completed as dask_completed

        tasks = list(tasks)
        if not tasks:
            return
        futures = self.client.map(fn, tasks, pure=False)
        index = {f.key: t for f, t in zip(futures, tasks)}
        for fut in dask_completed(futures):
            task = index[fut.key]
            try:
                yield task, fut.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its runs only
                yield task, exc
            fut.release()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __repr__(self) -> str:
        return f"DaskCluster({self.address!r})"


def run_tasks(
    store: ResultStore,
    tasks: Iterable[RunTask],
    executor: RunExecutor,
    *,
    on_done: Callable[[StoredRun], None] | None = None,
) -> tuple[int, int]:
    """Run the tasks not yet stored as a success and store each result as it arrives.

    A task is stored by its scenario hash and seed (:attr:`RunTask.key`), so
    two tasks of the same scenario and seed run once. A stored failure is run
    again. Returns (runs already stored, runs done now).
    """
    tasks = list(tasks)
    todo: dict[tuple[str, int], RunTask] = {}
    for t in tasks:
        if (t.key, t.seed) not in todo and not store.has(t.key, t.seed):
            todo[(t.key, t.seed)] = t
    for task, out in executor.map(execute, list(todo.values())):
        record = out if isinstance(out, StoredRun) else failed_record(task, f"{type(out).__name__}: {out}")
        store.write(record)
        if on_done is not None:
            on_done(record)
    return len(tasks) - len(todo), len(todo)


def make_executor(workers: int | None = None, dask: str | None = None) -> RunExecutor:
    """The executor the command line asks for: Dask if ``dask``, else in-process for ``-j 1``, else a pool."""
    if dask:
        return DaskCluster(dask)
    if workers == 1:
        return InProcess()
    return LocalPool(workers)


__all__ = ["DaskCluster", "InProcess", "LocalPool", "RunExecutor", "RunTask", "execute", "failed_record", "make_executor", "run_tasks"]
