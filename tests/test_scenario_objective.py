"""A scenario file's ``objective:`` section: validated with file, line and field, and used by compare's verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import app
from sim.cli.verdicts import objective_of
from sim.experiments.verdict import scenario_objective
from sim.spec.objective import ObjectiveSpec
from sim.spec.scenario import load_scenario
from tests.experiments_helpers import small_scenario

runner = CliRunner()


def _with_objective(folder: Path, section: str, name: str = "goal.yaml") -> Path:
    path = small_scenario(folder, name)
    path.write_text(path.read_text(encoding="utf-8") + "objective:\n" + section, encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize(("section", "marker", "field", "message"), [
    ("  primary: survivl\n", "survivl", "objective.primary", "not in the metrics catalogue"),
    ("  primary: survival\n  direction: lower\n", "direction", "objective.direction", "says higher survival is better"),
    ("  primary: survival\n  direction: sideways\n", "direction", "objective.direction", "'higher' or 'lower'"),
    ("  order: [survival, kicks]\n", "order", "objective.order[1]", "no better direction"),
    ("  primary: survival\n  guards:\n    - {metric: alive, tolerance: 0.05}\n    - {metric: alivee, tolerance: 0.05}\n",
     "alivee", "objective.guards[1].metric", "not in the metrics catalogue"),
    ("  primary: survival\n  guards:\n    - metric: alive\n      tolerance: -0.1\n", "tolerance", "objective.guards[0].tolerance",
     "greater than or equal to 0"),
    ("  primary: survival\n  guards:\n    - {tolerance: 0.1}\n", "tolerance", "objective.guards[0].metric", "Field required"),
    ("  weights: {final_members: 1, nope: 2}\n", "weights", "objective.weights.nope", "not in the metrics catalogue"),
    ("  alpha: 0.05\n", "objective:", "objective.primary", "give a primary metric"),
    ("  primary: survival\n  colour: red\n", "colour", "objective.colour", "unknown field"),
])
def test_validate_names_file_line_and_field_of_a_bad_objective(
    tmp_path: Path, section: str, marker: str, field: str, message: str,
) -> None:
    path = _with_objective(tmp_path, section)
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)  # an error message, no traceback
    assert "Traceback" not in res.output
    assert f"{path}:{_line_of(path, marker)}: {field}: " in res.output and message in res.output, res.output


def test_a_good_objective_validates_and_leaves_the_content_hash_of_a_scenario_without_one(tmp_path: Path) -> None:
    plain = small_scenario(tmp_path, "plain.yaml")
    goal = _with_objective(tmp_path, "  primary: final_members\n  direction: higher\n  guards: [{metric: alive, tolerance: 0.1}]\n")
    res = runner.invoke(app, ["validate", str(goal)])
    assert res.exit_code == 0, res.output
    scenario = load_scenario(goal)
    assert scenario.objective is not None and scenario.objective.criteria == ["final_members"]
    bare = load_scenario(plain)
    assert "objective" not in bare.model_dump(mode="json", by_alias=True)
    assert bare.content_hash() == scenario.model_copy(update={"objective": None}).content_hash()
    assert scenario.content_hash() != bare.content_hash()  # a declared objective is part of what the file says


def test_the_baseline_scenarios_objective_applies_unless_the_command_declares_one(tmp_path: Path) -> None:
    spec = ObjectiveSpec(primary="final_members", guards=[{"metric": "alive", "tolerance": 0.2}])  # type: ignore[list-item]
    goal = objective_of(None, [], [], None, [("a.yaml", spec), ("b.yaml", None)])
    assert goal.order == ("final_members",) and goal.guards[0].tolerance == 0.2
    assert goal.declared and "a.yaml" in goal.source and "baseline" in goal.source
    on_top = objective_of(None, ["survival"], [], None, [("a.yaml", spec)])
    assert on_top.order == ("survival",) and on_top.guards[0].tolerance == 0.2 and "--primary" in on_top.source
    (tmp_path / "obj.yaml").write_text("objective:\n  primary: ad_exposure\n", encoding="utf-8")
    from_file = objective_of(tmp_path / "obj.yaml", [], [], None, [("a.yaml", spec)])
    assert from_file.order == ("ad_exposure",) and not from_file.guards and "--objective" in from_file.source
    assert not objective_of(None, [], [], None, [("a.yaml", None)]).declared  # none declared: the default
    other = ObjectiveSpec(primary="survival")
    with pytest.raises(ValueError, match="declare different objectives"):
        scenario_objective([("a.yaml", spec), ("b.yaml", other)])


def test_a_bad_objective_file_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "obj.yaml").write_text("objective:\n  primary: survival\n  guards:\n    - {metric: nope, tolerance: 1}\n",
                                       encoding="utf-8")
    from rules import InputError

    with pytest.raises(InputError, match=r"obj.yaml:4: objective.guards\[0\].metric: 'nope' is not in the metrics"):
        objective_of(tmp_path / "obj.yaml", [], [], None)


def test_compare_decides_by_the_scenarios_objective_and_says_where_it_came_from(tmp_path: Path) -> None:
    base = _with_objective(tmp_path, "  primary: final_members\n  guards: [{metric: alive, tolerance: 0.5}]\n", "base.yaml")
    other = small_scenario(tmp_path, "other.yaml", members=40)
    out = tmp_path / "cmp"
    res = runner.invoke(app, ["compare", str(base), str(other), "-n", "3", "--workers", "1", "--quiet", "-o", str(out)])
    assert res.exit_code == 0, res.output
    verdict = json.loads((out / "verdict.json").read_text(encoding="utf-8"))
    assert verdict["objective"]["order"] == ["final_members"] and verdict["objective"]["declared"]
    assert str(base) in verdict["objective"]["source"]
    from reports.verdict import detail_lines

    assert any(f"objective declared in the objective: section of {base}" in x for x in detail_lines(verdict))
    res = runner.invoke(app, ["compare", str(base), str(other), "-n", "3", "--workers", "1", "--quiet", "-o", str(out),
                              "--primary", "survival"])
    assert res.exit_code == 0, res.output
    verdict = json.loads((out / "verdict.json").read_text(encoding="utf-8"))
    assert verdict["objective"]["order"] == ["survival"] and "--primary" in verdict["objective"]["source"]


def test_compare_refuses_a_bad_option_objective_without_a_traceback(tmp_path: Path) -> None:
    a, b = small_scenario(tmp_path, "a.yaml"), small_scenario(tmp_path, "b.yaml")
    res = runner.invoke(app, ["compare", str(a), str(b), "-n", "2", "--primary", "nope", "-o", str(tmp_path / "c")])
    assert res.exit_code == 2 and "not in the metrics catalogue" in res.output
    assert not isinstance(res.exception, AttributeError) and "Traceback" not in res.output
