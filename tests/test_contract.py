"""One contract: what validate accepts, run runs; what run would reject, validate rejects first (issue 17).

Each case below once validated cleanly and then crashed or misbehaved in ``run``
(or gave a raw pydantic traceback); now validate names file, line and field.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import app

BASE = """name: t
duration_days: 2
group: {initial_members: 30, capacity: 500}
population:
  - {role: member, share: 1}
  - {role: operator, count: 1}
ruleset: basic
"""

CASES = {
    "unknown role": (BASE.replace("role: member, share", "role: spammer, share"), ":5: population[0].role: unknown role 'spammer'; did you mean 'ad_spammer'"),
    "two operators": (BASE.replace("operator, count: 1", "operator, count: 2"), ":6: population[1].count: at most one operator"),
    "operator by share": (BASE.replace("operator, count: 1", "operator, share: 0.1"), ":6: population[1].share: an operator is given by `count: 1`"),
    "nan": (BASE.replace("duration_days: 2", "duration_days: .nan"), ":2: duration_days: Input should be a finite number"),
    "infinity": (BASE.replace("capacity: 500", "capacity: 500, arrivals: {rate_per_day: .inf}"), ":3: group.arrivals.rate_per_day: Input should be a finite number"),
    "infinite distribution": (BASE.replace("share: 1}", "share: 1, params: {post_rate: {dist: uniform, low: 0, high: .inf}}}"), "Input should be a finite number"),
    "integer past 2**63": (BASE.replace("initial_members: 30", "initial_members: 99999999999999999999999"), ":3: group.initial_members: integer 99999999999999999999999 is out of range"),
    "over capacity": (BASE.replace("initial_members: 30", "initial_members: 900"), ":3: group.initial_members: 900 members do not fit group.capacity (500)"),
    "resource bomb": (BASE.replace("capacity: 500", "capacity: 100000, arrivals: {rate_per_day: 1e8}"), "limits.members: this run would hold about"),
    "ruleset needing an operator": (BASE.replace("  - {role: operator, count: 1}\n", "").replace("ruleset: basic", "ruleset: control_private"), ":6: ruleset: rules with executor: operator need an `operator`"),
}
ATTACK = BASE.replace("  - {role: operator, count: 1}\n", "  - {role: brigade, count: 2, params: {attack_day: 40}}\n").replace("ruleset: basic", "ruleset: none")
CASES["attack after the end"] = (ATTACK, ":6: population[1].params.attack_day: day 40 of 'brigade' is on or after the run's end")


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_rejects_what_run_cannot_run(case: str, tmp_path: Path) -> None:
    text, expected = CASES[case]
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{path}" in result.output and expected in result.output.replace("\n", " "), result.output


def test_the_base_file_validates_and_runs(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert CliRunner().invoke(app, ["validate", str(path)]).exit_code == 0
    result = CliRunner().invoke(app, ["run", str(path), "--seeds", "1", "--out", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output


def test_limits_can_be_raised_by_the_field_they_name(tmp_path: Path) -> None:
    from sim.spec.scenario import Scenario

    data = {"name": "big", "duration_days": 1, "group": {"capacity": 100_000, "arrivals": {"rate_per_day": 80_000}},
            "population": [{"role": "member", "share": 1.0}]}
    with pytest.raises(ValueError, match="limits.members"):
        Scenario.model_validate(data)
    assert Scenario.model_validate(data | {"limits": {"members": 100_000}}).limits.members == 100_000


def test_a_truncnormal_may_have_infinite_bounds_but_not_an_infinite_mean() -> None:
    from pydantic import TypeAdapter

    from sim.base.params import Dist

    ta = TypeAdapter(Dist)
    assert ta.validate_python({"dist": "truncnormal", "mean": 1, "sd": 1}).high == float("inf")
    with pytest.raises(ValueError, match="finite"):
        ta.validate_python({"dist": "truncnormal", "mean": float("inf"), "sd": 1})


def test_a_lognormal_with_no_spread_is_a_constant_rate() -> None:
    """Regression: sigma 0 once gave a NaN tail quantile and refused a valid file."""
    from sim.spec.scenario import Scenario

    data = {"name": "flat", "duration_days": 1, "group": {"initial_members": 5},
            "population": [{"role": "member", "share": 1.0, "params": {"post_rate": {"dist": "lognormal", "median": 1, "sigma": 0}}}]}
    assert Scenario.model_validate(data).name == "flat"


def test_a_calendar_that_schedules_without_end_is_refused() -> None:
    """Regression (found by bench_fuzz): an activity every 1e-300 days validated, then exhausted memory."""
    from sim.spec.scenario import Scenario

    data = {"name": "busy", "duration_days": 2, "group": {"initial_members": 5,
            "activities": [{"kind": "check_in", "every_days": 1e-300}]}, "population": [{"role": "member", "share": 1.0}]}
    with pytest.raises(ValueError, match="limits.events"):
        Scenario.model_validate(data)
    data["group"]["activities"][0]["every_days"] = 1
    assert Scenario.model_validate(data).name == "busy"


def test_a_ruleset_name_no_file_can_have_is_a_clean_error(tmp_path: Path) -> None:
    """Regression (found by bench_fuzz): a 300-character ruleset name raised OSError (file name too long)."""
    for name in ("a" * 300, "bad\\x00name"):
        path = tmp_path / "s.yaml"
        path.write_text(BASE.replace("ruleset: basic", f'ruleset: "{name}"'), encoding="utf-8")
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code == 2 and "no ruleset named" in result.output and "Traceback" not in result.output, result.output


def test_an_activity_posting_a_billion_times_is_refused() -> None:
    """Regression (found by bench_fuzz): an ad push with `count: 1e9` posts a day validated, then exhausted memory."""
    from sim.spec.scenario import Scenario

    data = {"name": "pushy", "duration_days": 2, "group": {"initial_members": 5,
            "activities": [{"kind": "ad_push", "every_days": 1, "count": 1_000_000_000}]},
            "population": [{"role": "member", "share": 1.0}, {"role": "operator", "count": 1}]}
    with pytest.raises(ValueError, match="limits.events"):
        Scenario.model_validate(data)
