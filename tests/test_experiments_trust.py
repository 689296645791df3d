"""Honest experiments: a dead worker costs only its run, failures make the command fail, resume is keyed by content.

Regression tests of issue 17, items 4 and 5: before, one killed worker marked
every pending run of a sweep failed and the manifest still said "complete";
compare and sweep exited 0 with failed runs; a re-run skipped stored failures;
workers outlived a SIGKILLed parent; and a resumed optimize reused runs stored
under a trial number whose parameters had changed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import sim.experiments.executors as executors
from sim.cli.app import app
from sim.experiments.design import plan_sweep
from sim.experiments.executors import LocalPool, RunTask, run_tasks
from sim.experiments.optimize import load_search, run_search, trial_scenario
from sim.experiments.pool import WorkerDied, WorkerPool
from sim.experiments.store import KEY_DIGITS, ResultStore
from sim.experiments.sweep import sweep_tasks
from tests.experiments_helpers import ROOT, die_on_negative, small_scenario, sweep_file

runner = CliRunner()


def _kill_one_busy_worker(pool: WorkerPool[Any], killed: list[Any]) -> None:
    """SIGKILL one worker that holds a task (once); remember the task."""
    if killed:
        return
    busy = pool.running()
    if busy:
        pid, task = sorted(busy.items(), key=lambda kv: kv[0])[0]
        os.kill(pid, signal.SIGKILL)
        killed.append(task)


def test_a_killed_worker_is_replaced_and_only_its_run_is_retried(tmp_path: Path) -> None:
    small_scenario(tmp_path, days=12, members=150)  # runs long enough to be killed mid-run
    plan = plan_sweep(sweep_file(tmp_path))
    tasks = sweep_tasks(plan, "kill")
    store = ResultStore(tmp_path / "out")
    store.open({"kind": "sweep"}, key="k")
    pool = LocalPool(2)
    killed: list[RunTask] = []
    done: list[str] = []
    try:
        run_tasks(store, tasks, pool, on_done=lambda r: (done.append(r.row["run_id"]), _kill_one_busy_worker(pool.pool, killed)))
    finally:
        pool.close()
    assert killed, "no worker was busy to be killed"
    assert sorted(done) == sorted(t.run_id for t in tasks)  # every run reported once: none lost, none doubled
    assert pool.pool.started == 3  # the dead worker was replaced
    assert sum(pool.pool.deaths.values()) == 1  # one death, one retry: the other runs were not touched
    manifest = store.finish(tasks)
    assert manifest["status"] == "complete" and manifest["failed_runs"] == 0 and manifest["ok_runs"] == len(tasks)


def test_a_task_whose_worker_always_dies_fails_alone_after_bounded_retries() -> None:
    pool: WorkerPool[float] = WorkerPool(2, retries=2)
    try:
        seen = dict(pool.map(die_on_negative, [1.0, -1.0, 2.0, 3.0, 4.0]))
    finally:
        pool.close()
    assert {k: v for k, v in seen.items() if k > 0} == {1.0: 1.0, 2.0: 2.0, 3.0: 3.0, 4.0: 4.0}
    assert isinstance(seen[-1.0], WorkerDied) and pool.deaths == {1: 3}  # tried 1 + 2 times, then given up
    assert pool.started >= 2 + 2  # each death replaced by a fresh worker while tasks were left


REAL_RUN_ONE = executors.run_one


def _sweep_with_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad_seed: int | None) -> Any:
    real = REAL_RUN_ONE

    def crashing(scenario: Any, seed: int) -> Any:
        if seed == bad_seed:
            raise RuntimeError("the model crashed")
        return real(scenario, seed)

    monkeypatch.setattr(executors, "run_one", crashing)  # -j 1: runs in this process, so the patch holds
    return runner.invoke(app, ["sweep", str(tmp_path / "sweep.yaml"), "--out", str(tmp_path / "out"), "-q", "-j", "1"])


def test_a_run_that_raises_fails_the_command_and_the_manifest_until_a_rerun_retries_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    sweep_file(tmp_path)  # seeds 5 and 6, four points
    res = _sweep_with_failures(tmp_path, monkeypatch, bad_seed=6)
    assert res.exit_code == 1, res.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "incomplete" and manifest["failed_runs"] == 4 and manifest["ok_runs"] == 4
    assert {f["seed"] for f in manifest["failed"]} == {6} and "the model crashed" in manifest["failed"][0]["error"]
    res = _sweep_with_failures(tmp_path, monkeypatch, bad_seed=None)  # the same command: retries, not skips
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["failed"] == [] and manifest["ok_runs"] == 8
    assert "4 runs now, 4 already stored" in res.output


def test_compare_exits_non_zero_when_a_run_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = small_scenario(tmp_path, "a.yaml")
    b = small_scenario(tmp_path, "b.yaml", members=40)
    real = REAL_RUN_ONE
    monkeypatch.setattr(executors, "run_one", lambda s, seed: (_ for _ in ()).throw(RuntimeError("boom")) if seed == 2 else real(s, seed))
    res = runner.invoke(app, ["compare", str(a), str(b), "--seeds", "2", "--seed", "1", "--out", str(tmp_path / "c"), "-q", "-j", "1"])
    assert res.exit_code == 1, res.output
    assert json.loads((tmp_path / "c" / "manifest.json").read_text(encoding="utf-8"))["status"] == "incomplete"


_ORPHAN = textwrap.dedent("""
    import sys, time
    sys.path[:0] = [{root!r}]
    from sim.experiments.pool import WorkerPool
    from tests.experiments_helpers import nap
    if __name__ == "__main__":
        pool = WorkerPool(2)
        it = pool.map(nap, [60.0, 60.0])
        import threading
        threading.Thread(target=lambda: list(it), daemon=True).start()
        while len(pool.running()) < 2:
            time.sleep(0.05)
        print(" ".join(str(p) for p in pool.running()), flush=True)
        time.sleep(120)
""")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "orphan.py"
    script.write_text(_ORPHAN.format(root=str(ROOT)), encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert parent.stdout is not None
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 60  # a worker killed while still importing exits once its imports are done
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in pids), "workers outlived their parent"
    finally:
        parent.kill()
        parent.wait(10)
        if parent.stdout is not None:
            parent.stdout.close()


SEARCH = """\
name: resume
base: small.yaml
params:
  - {name: kick_after, path: ruleset.rules.0.params.kick_after, low: 1, high: 6, integer: true}
  - {name: ad_rate, path: population.2.params.ad_rate, low: 1, high: 40}
objectives: [{metric: ad_exposure, direction: minimize}]
trials: 14
batch: 2
seeds: 1
seed: 3
"""


def test_a_resumed_search_never_reuses_runs_of_other_parameters(tmp_path: Path) -> None:
    small_scenario(tmp_path, days=6, members=80)
    (tmp_path / "search.yaml").write_text(SEARCH, encoding="utf-8")
    search = load_search(tmp_path / "search.yaml")
    store = ResultStore(tmp_path / "out")
    store.open({"kind": "optimize"}, key=search.key)
    pool = LocalPool(2, retries=0)  # session 1: the killed worker's run fails, so its trial fails
    killed: list[RunTask] = []
    try:
        run_search(search, store, pool, experiment="resume", on_done=lambda r: _kill_one_busy_worker(pool.pool, killed))
    finally:
        pool.close()
    pool = LocalPool(2)  # session 2, the same command: retries the failure, and later trials may ask new values
    try:
        st, tasks = run_search(search, store, pool, experiment="resume")
    finally:
        pool.close()
    assert store.finish(tasks)["status"] == "complete"
    # every stored run holds the parameters of the scenario it is keyed by ...
    for path in store.run_files():
        row = ResultStore(store.root)._row(path.parent.name.split("=", 1)[1], int(path.stem.split("=", 1)[1])) or {}
        values = {"kick_after": row["kick_after"], "ad_rate": row["ad_rate"]}
        assert trial_scenario(search, values).content_hash()[:KEY_DIGITS] == path.parent.name.split("=", 1)[1]
    # ... and every trial's objective comes from runs of the values it asked for
    for trial in st.trials:
        if trial.values is None:
            continue
        key = trial_scenario(search, dict(trial.params)).content_hash()
        rows = [r for r in store.read_runs() if r["seed"] in search.seeds and r["kick_after"] == trial.params["kick_after"]
                and r["ad_rate"] == trial.params["ad_rate"]]
        assert rows and all(store.has(key, s) for s in search.seeds), trial.number
        assert trial.values[0] == pytest.approx(sum(r["ad_exposure"] for r in rows) / len(rows))
