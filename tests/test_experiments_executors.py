"""Executors: the same sweep gives the same runs in-process, in a local pool and on a Dask cluster."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.experiments.design import plan_sweep
from sim.experiments.executors import DaskCluster, InProcess, LocalPool, RunTask, execute, make_executor, run_tasks
from sim.experiments.store import ResultStore
from sim.experiments.sweep import sweep_tasks
from tests.experiments_helpers import sweep_file


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[DaskCluster]:
    cluster = DaskCluster("local:2")  # slow to start: one per module
    yield cluster
    cluster.close()


@pytest.fixture(scope="module")
def tasks(tmp_path_factory: pytest.TempPathFactory) -> list[RunTask]:
    plan = plan_sweep(sweep_file(tmp_path_factory.mktemp("sweep")))
    return sweep_tasks(plan, "exec")


def _runs(tasks: list[RunTask], executor, root: Path) -> dict[tuple[int, int], dict]:
    store = ResultStore(root)
    run_tasks(store, tasks, executor)
    return {(r["point"], r["seed"]): r for r in store.read_runs()}


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        ra, rb = a[key], b[key]
        assert ra["event_log_digest"] == rb["event_log_digest"], key
        # whole rows, NaN-safe (a metric with no cases, e.g. answered share with no questions, is NaN)
        assert json.dumps(ra, sort_keys=True, default=str) == json.dumps(rb, sort_keys=True, default=str), key


def test_in_process_pool_and_dask_give_identical_runs(tasks: list[RunTask], dask_cluster: DaskCluster, tmp_path: Path) -> None:
    assert len(tasks) == 8
    here = _runs(tasks, InProcess(), tmp_path / "here")
    pool = LocalPool(2)
    try:
        pooled = _runs(tasks, pool, tmp_path / "pool")
    finally:
        pool.close()
    dasked = _runs(tasks, dask_cluster, tmp_path / "dask")
    assert all(r["status"] == "ok" for r in here.values())
    _same(here, pooled)
    _same(here, dasked)
    # common random numbers: seeds differ from each other, and every run is reproducible on its own
    assert here[(0, 5)]["event_log_digest"] != here[(0, 6)]["event_log_digest"]


def test_a_failing_run_is_recorded_and_the_rest_go_on(tasks: list[RunTask], dask_cluster: DaskCluster, tmp_path: Path) -> None:
    bad = RunTask(99, 1, {"name": "broken", "population": []}, {"ad_rate": -1}, "exec")
    for name, executor in (("here", InProcess()), ("dask", dask_cluster)):
        store = ResultStore(tmp_path / name)
        run_tasks(store, [bad, *tasks[:2]], executor)
        rows = store.read_runs()
        assert len(rows) == 3
        failed = [r for r in rows if r["status"] == "failed"]
        assert len(failed) == 1 and failed[0]["seed"] == 1 and failed[0]["point"] == 99
        assert "ValidationError" in failed[0]["error"] and failed[0]["ad_rate"] == -1


def test_execute_tags_days_with_run_id_seed_and_parameters(tasks: list[RunTask]) -> None:
    record = execute(tasks[0])
    assert record.row["run_id"] == tasks[0].run_id and record.row["seed"] == tasks[0].seed
    assert record.days is not None and record.days.column_names[:5] == ["point", "run_id", "seed", "ad_rate", "kick_after"]
    assert set(record.days.column("run_id").to_pylist()) == {tasks[0].run_id}


def test_make_executor_picks_by_arguments() -> None:
    assert isinstance(make_executor(1), InProcess)
    assert isinstance(make_executor(2), LocalPool) and make_executor(2).workers == 2


def test_portfolio_teams_on_dask_match_the_run_together(dask_cluster: DaskCluster, tmp_path: Path) -> None:
    """A team-partitioned portfolio on a Dask cluster: every group's digest equals the whole run's."""
    from sim.run.portfolio import PortfolioRun, load_portfolio
    from sim.run.teams import run_teams
    from tests.test_portfolio_teams import COMPACT

    path = tmp_path / "p.yaml"
    path.write_text(COMPACT, encoding="utf-8")
    portfolio, scenarios = load_portfolio(path)
    together = PortfolioRun(portfolio, scenarios, 5).run()
    on_dask = next(run_teams(portfolio, scenarios, [5], executor=dask_cluster))[1]
    assert [g["event_log_digest"] for g in on_dask["groups"]] == [g["event_log_digest"] for g in together["groups"]]
