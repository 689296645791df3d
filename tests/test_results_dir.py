"""Results written as a whole: `run --out` is checked first, swapped into place, and never mixes two result sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.base.results_dir import ResultsFolderError, check_target, is_results_folder, recover, replace_folder
from sim.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _result_set(folder: Path, tag: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"versions": {"groupsim": "0"}, "tag": tag}), encoding="utf-8")
    (folder / "summary.parquet").write_text(tag, encoding="utf-8")
    return folder


def _small(tmp_path: Path) -> Path:
    text = (ROOT / "scenarios" / "new_customer_well_run.yaml").read_text(encoding="utf-8")
    text = text.replace("duration_days: 30", "duration_days: 2").replace("initial_members: 300", "initial_members: 40")
    path = tmp_path / "small.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_failed_write_leaves_the_old_set_and_no_debris(tmp_path: Path) -> None:
    out = _result_set(tmp_path / "res", "old")
    with pytest.raises(RuntimeError), replace_folder(out) as staging:
        (staging / "summary.parquet").write_text("half", encoding="utf-8")
        raise RuntimeError("killed mid-write")
    assert (out / "summary.parquet").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_a_finished_write_replaces_the_whole_set(tmp_path: Path) -> None:
    out = _result_set(tmp_path / "res", "old")
    (out / "stale.parquet").write_text("from the old set", encoding="utf-8")
    with replace_folder(out) as staging:
        (staging / "summary.parquet").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["summary.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_a_swap_killed_between_renames_is_repaired_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "res"
    _result_set(tmp_path / ".res.old-1-abc", "old")  # out renamed away, new set not yet in place
    (tmp_path / ".res.staging-1-abc").mkdir()
    recover(out)
    assert (out / "summary.parquet").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_check_target_refuses_what_cannot_take_a_result_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ResultsFolderError, match="exists and is not a folder"):
        check_target(tmp_path / "file")
    with pytest.raises(ResultsFolderError, match="is not a folder"):
        check_target(tmp_path / "file" / "res")
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ResultsFolderError, match="--force"):
        check_target(other)
    check_target(other, force=True)
    check_target(_result_set(tmp_path / "res", "old"))
    check_target(tmp_path / "new" / "deeper")
    with pytest.raises(ResultsFolderError, match="current folder"):
        check_target(Path("."))
    assert is_results_folder(tmp_path / "res") and not is_results_folder(other)


def test_run_checks_out_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_work(*_a: object, **_k: object) -> None:
        raise AssertionError("the runs started before --out was checked")

    monkeypatch.setattr("sim.run.runner.replicate", no_work)
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    res = runner.invoke(app, ["run", str(_small(tmp_path)), "--out", str(other), "-q"])
    assert res.exit_code == 2 and "not a groupsim results folder" in res.output, res.output
    assert (other / "notes.txt").read_text() == "keep me"
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["run", str(_small(tmp_path)), "--out", str(tmp_path / "afile"), "-q"])
    assert res.exit_code == 2 and "exists and is not a folder" in res.output


def test_run_replaces_its_own_results_and_force_replaces_other_files(tmp_path: Path) -> None:
    scenario = _small(tmp_path)
    out = tmp_path / "res"
    for seed in ("1", "5"):
        res = runner.invoke(app, ["run", str(scenario), "--seeds", "1", "--seed", seed, "--out", str(out), "-q", "-j", "1"])
        assert res.exit_code == 0, res.output
    assert json.loads((out / "manifest.json").read_text())["seeds"] == [5]
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["run", str(scenario), "--seeds", "1", "--out", str(other), "-q", "-j", "1", "--force"])
    assert res.exit_code == 0, res.output
    assert not (other / "notes.txt").exists() and is_results_folder(other)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "res", "small.yaml"]
