"""The experiment commands: compare, sweep, optimize, query; resume after SIGKILL; help and errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import sim.experiments
from sim.cli.app import app
from sim.experiments.query import query
from tests.experiments_helpers import ROOT, small_scenario, sweep_file

runner = CliRunner()


def _invoke(*args: str) -> Any:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, res.output + repr(res.exception)
    return res


def _flat(text: str) -> str:
    """Output with the console's line wrapping undone."""
    return " ".join(text.split())


def test_compare_reports_paired_differences(tmp_path: Path) -> None:
    a = small_scenario(tmp_path, "a.yaml")
    # spammers join on day 0, and post whatever the rules (fixed), so both designs see the same joins
    a.write_text(a.read_text().replace("low: 1, high: 20}", "low: 0, high: 1}\n      strategy: {responsive: false}"))
    b = tmp_path / "b.yaml"
    b.write_text(a.read_text().replace("ruleset: basic", "ruleset: none"))  # the design differs in its rules only
    out = tmp_path / "cmp"
    res = _invoke("compare", str(a), str(b), "--seeds", "4", "--out", str(out), "-q", "-j", "1", "--json")
    report = json.loads(res.stdout)
    measures = {r["measure"] for r in report}
    assert {"share alive", "share ad_group", "lifetime, mean days", "ad_exposure"} <= measures
    exposure = next(r for r in report if r["measure"] == "ad_exposure")
    assert exposure["pairs"] == 4 and exposure["difference"] > 0 and exposure["low"] <= exposure["difference"] <= exposure["high"]
    assert next(r for r in report if r["measure"] == "share alive")["test"] == "exact McNemar"
    assert (out / "comparison.parquet").exists()
    runs = query(out, "SELECT design, seed FROM runs ORDER BY point, seed").to_pylist()
    assert runs == [{"design": d, "seed": s} for d in ("a", "b") for s in (1, 2, 3, 4)]
    # common random numbers: the same seed gives the same joins (members, arrivals, spammers) under both designs
    joins = query(out, "SELECT seed, list(joins ORDER BY point) AS j FROM days WHERE day = 0 GROUP BY seed").to_pylist()
    assert len(joins) == 4 and all(len(set(r["j"])) == 1 for r in joins)
    # more seeds later: only the new ones run
    res = _invoke("compare", str(a), str(b), "--seeds", "5", "--out", str(out), "-j", "1")
    assert "2 runs now, 8 already stored" in _flat(res.output)


def test_compare_takes_extra_metrics_and_names_unknown_ones(tmp_path: Path) -> None:
    a = small_scenario(tmp_path, "a.yaml")
    b = tmp_path / "b.yaml"
    b.write_text(a.read_text().replace("ruleset: basic", "ruleset: none"))
    out = tmp_path / "cmp"
    res = _invoke("compare", str(a), str(b), "-n", "3", "-o", str(out), "-q", "-j", "1", "--json", "-m", "msgs_ad", "-m", "posts_gini")
    measures = [r["measure"] for r in json.loads(res.stdout)]
    assert measures[-2:] == ["msgs_ad", "posts_gini"]
    bad = runner.invoke(app, ["compare", str(a), str(b), "-n", "3", "-o", str(out), "-q", "-j", "1", "-m", "msgs_typo"])
    assert bad.exit_code != 0 and "msgs_typo" in _flat(bad.output) and "available:" in bad.output
    assert "Traceback" not in bad.output


def test_sweep_with_sobol_indices_resumes_and_answers_sql(tmp_path: Path) -> None:
    factors = (
        "  - {name: ad_rate, path: population.2.params.ad_rate, low: 1, high: 40}\n"
        "  - {name: content, path: population.1.params.content_per_day, low: 0.1, high: 6}\n"
    )
    path = sweep_file(tmp_path, "{method: sobol, samples: 2, seed: 1}", seeds=1, factors=factors,
                      extra="outcomes: [survival, messages_per_day]\n")
    out = tmp_path / "exp"
    res = _invoke("sweep", str(path), "--out", str(out), "-q", "-j", "1")
    assert "Sobol indices" in res.output
    indices = json.loads((out / "sensitivity.json").read_text())
    assert {(r["outcome"], r["factor"]) for r in indices} == {(o, f) for o in ("survival", "messages_per_day") for f in ("ad_rate", "content")}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["expected_runs"] == manifest["stored_runs"] == 8 and manifest["status"] == "complete"
    res = _invoke("sweep", str(path), "--out", str(out), "-q", "-j", "1")
    assert "0 runs now, 8 already stored" in _flat(res.output)
    table = query(out, "SELECT count(*) AS n, count(DISTINCT point) AS points FROM runs").to_pylist()
    assert table == [{"n": 8, "points": 8}]
    days = query(out, "SELECT count(*) FILTER (WHERE ad_rate IS NULL) AS untagged, count(DISTINCT run_id) AS r FROM days")
    assert days.to_pylist() == [{"untagged": 0, "r": 8}]  # every day row carries the varied parameters
    csv = tmp_path / "runs.csv"
    _invoke("query", str(out), "SELECT point, seed, outcome FROM runs ORDER BY point", "--csv", str(csv))
    lines = csv.read_text().splitlines()
    assert lines[0] == '"point","seed","outcome"' and len(lines) == 9
    res = _invoke("query", str(out), "SELECT outcome, count(*) AS n FROM runs GROUP BY outcome")
    assert "outcome" in res.output


def test_a_different_sweep_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "exp"
    _invoke("sweep", str(sweep_file(tmp_path, seeds=1)), "--out", str(out), "-q", "-j", "1")
    other = sweep_file(tmp_path, "{method: random, samples: 2, seed: 1}", seeds=1)
    res = runner.invoke(app, ["sweep", str(other), "--out", str(out), "-q", "-j", "1"])
    assert res.exit_code == 2 and "holds a different experiment" in _flat(res.output)


def test_optimize_is_reproducible_and_reports_a_pareto_front(tmp_path: Path) -> None:
    small_scenario(tmp_path)
    search = tmp_path / "search.yaml"
    search.write_text(
        "name: tiny search\nbase: small.yaml\nfixed: {population.2.params.join_day: 0.5}\nparams:\n"
        "  - {name: kick_after, path: ruleset.rules.0.params.kick_after, low: 1, high: 4, integer: true}\n"
        "  - {name: flood, path: ruleset.rules.1.params.max_messages, low: 2, high: 8, integer: true}\n"
        "objectives:\n  - {metric: ad_exposure, direction: minimize}\n"
        "  - {metric: rule_actions_on_legitimate, direction: minimize}\n"
        "trials: 5\nbatch: 2\nseeds: 2\nseed: 3\n",
        encoding="utf-8",
    )
    a, b = tmp_path / "a", tmp_path / "b"
    res = _invoke("optimize", str(search), "--out", str(a), "-q", "-j", "1")
    assert "Pareto front" in res.output
    _invoke("optimize", str(search), "--out", str(b), "-q", "-j", "2")
    ta = json.loads((a / "trials.json").read_text())
    assert len(ta) == 5 and ta == json.loads((b / "trials.json").read_text())
    pareto = pq.read_table(a / "pareto.parquet").to_pylist()
    assert pareto and {"trial", "kick_after", "flood", "ad_exposure", "rule_actions_on_legitimate"} <= set(pareto[0])
    # a re-run finds every trial's runs stored and gives the same trials
    res = _invoke("optimize", str(search), "--out", str(a), "-q", "-j", "1")
    assert json.loads((a / "trials.json").read_text()) == ta


def test_optimize_single_objective_and_unknown_metric(tmp_path: Path) -> None:
    small_scenario(tmp_path)
    text = ("name: s\nbase: small.yaml\nparams:\n  - {path: population.1.params.content_per_day, low: 0.5, high: 5}\n"
            "objectives: [{metric: METRIC}]\ntrials: 3\nbatch: 3\nseeds: 1\n")
    good = tmp_path / "good.yaml"
    good.write_text(text.replace("METRIC", "activity"))
    _invoke("optimize", str(good), "--out", str(tmp_path / "g"), "-q", "-j", "1")
    best = json.loads((tmp_path / "g" / "best.json").read_text())
    assert len(best) == 1 and "activity" in best[0]
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("METRIC", "happiness_index"))
    res = runner.invoke(app, ["optimize", str(bad), "--out", str(tmp_path / "b"), "-q", "-j", "1"])
    assert res.exit_code == 2 and f"{bad}:5: objectives: 'happiness_index' is not a measure" in _flat(res.output)
    assert "Traceback" not in res.output


def test_a_bad_sweep_file_is_a_clean_error(tmp_path: Path) -> None:
    path = sweep_file(tmp_path, factors="  - {path: population.9.params.ad_rate, values: [1]}\n")
    res = runner.invoke(app, ["sweep", str(path), "-q"])
    assert res.exit_code == 2
    assert f"{path}:4: factors[0].path: population is a list of 3; '9' is not an index in it" in _flat(res.output)


def test_query_errors_are_clean(tmp_path: Path) -> None:
    res = runner.invoke(app, ["query", str(tmp_path), "SELECT 1"])
    assert res.exit_code == 2 and "not an experiment folder" in res.output
    out = tmp_path / "exp"
    _invoke("sweep", str(sweep_file(tmp_path, seeds=1)), "--out", str(out), "-q", "-j", "1")
    res = runner.invoke(app, ["query", str(out), "SELECT nope FROM runs"])
    assert res.exit_code == 2 and "query failed" in res.output and "Traceback" not in res.output


def test_sigkill_mid_sweep_loses_nothing_stored_and_resumes(tmp_path: Path) -> None:
    factors = "  - {name: ad_rate, path: population.2.params.ad_rate, low: 1, high: 40}\n"
    path = sweep_file(tmp_path, "{method: lhs, samples: 30, seed: 2}", seeds=2, factors=factors)
    out = tmp_path / "exp"
    cmd = [sys.executable, "-m", "sim.cli", "sweep", str(path), "--out", str(out), "-q", "-j", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list((out / "runs").glob("*/*.parquet"))) < 10:
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its worker processes, mid-run
        proc.wait()
    stored = len(list((out / "runs").glob("*/*.parquet")))
    assert 10 <= stored < 60, stored
    for f in (out / "runs").glob("*/*.parquet"):
        assert pq.read_table(f).num_rows == 1  # every committed file is whole
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert f"{60 - stored} runs now, {stored} already stored" in _flat(res.stdout)
    rows = query(out, "SELECT count(*) AS n, count(DISTINCT (point, seed)) AS k, count(DISTINCT run_id) AS r FROM runs")
    assert rows.to_pylist() == [{"n": 60, "k": 60, "r": 60}]
    days = query(out, "SELECT count(*) AS n, count(DISTINCT (run_id, day)) AS k FROM days").to_pylist()[0]
    assert days["n"] == days["k"] == 60 * 3
    assert not list(out.glob("*/scenario=*/.*tmp-*"))


@pytest.mark.parametrize("command", ["compare", "sweep", "optimize", "query"])
def test_every_experiment_command_has_help_with_an_example(command: str) -> None:
    res = runner.invoke(app, [command, "--help"])
    assert res.exit_code == 0 and "Example" in res.output
    if command != "query":
        assert "--quiet" in res.output and "--dask" in res.output


def test_exported_members() -> None:
    for name in sim.experiments.__all__:
        assert hasattr(sim.experiments, name), name
    public = {n for n in dir(sim.experiments) if not n.startswith("_")}
    modules = {n for n in public if isinstance(getattr(sim.experiments, n), ModuleType)}
    assert public - modules - {"annotations"} == set(sim.experiments.__all__)
