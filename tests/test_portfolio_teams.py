"""Operator teams: the compact group spec, and teams run apart giving every group the same event log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rules import InputError
from sim.run.pool import shared_pool
from sim.run.portfolio import PortfolioRun, load_portfolio
from sim.run.teams import run_teams
from sim.spec.portfolio_groups import GroupSet

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "scenarios"


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(body, encoding="utf-8")
    return path


COMPACT = f"""\
name: teams
seed: 5
duration_days: 4
operator_minutes_per_day: 120
overlap: 0.2
move_probability: 1.0
groups:
  count: 6
  from: [{DESIGNS}/unmoderated_spam.yaml, {DESIGNS}/new_customer_well_run.yaml]
  mix: [1, 2]
  per_team: 3
  initial_members: 40
"""


def _digests(result: dict[str, Any]) -> list[str]:
    return [g["event_log_digest"] for g in result["groups"]]


def test_compact_groups_expand_in_shares_and_teams(tmp_path: Path) -> None:
    portfolio, scenarios = load_portfolio(_file(tmp_path, COMPACT))
    assert [g.name for g in portfolio.groups] == [f"g{k:04d}" for k in range(6)]
    assert portfolio.teams() == ["team0", "team1"]
    assert sum(g.scenario.endswith("unmoderated_spam.yaml") for g in portfolio.groups) == 2  # a third of six
    assert all(g.initial_members == 40 for g in portfolio.groups) and len(scenarios) == 6
    gs = GroupSet.model_validate({"count": 1000, "from": ["a", "b", "c"], "mix": [0.5, 0.3, 0.2]})
    dealt = gs.designs()
    assert [dealt.count(d) for d in range(3)] == [500, 300, 200]
    assert all(abs(dealt[:100].count(d) - 100 * m) <= 1 for d, m in enumerate((0.5, 0.3, 0.2)))  # every prefix


@pytest.mark.parametrize(("change", "where"), [
    ("  mix: [1, 2, 3]\n", "groups"),
    ("  per_team: 0\n", "groups.per_team"),
    ("  colour: red\n", "groups.colour"),
])
def test_compact_spec_errors_name_file_line_and_field(tmp_path: Path, change: str, where: str) -> None:
    body = COMPACT.replace("  mix: [1, 2]\n", "").replace("  per_team: 3\n", "") + change
    with pytest.raises(InputError) as err:
        load_portfolio(_file(tmp_path, body))
    text = err.value.render()
    assert "p.yaml:" in text and where in text, text


def test_funnel_must_stay_inside_one_team(tmp_path: Path) -> None:
    body = COMPACT + "funnel: {source: g0000, target: g0004}\n"
    with pytest.raises(InputError, match="one team"):
        load_portfolio(_file(tmp_path, body))


def test_teams_apart_give_every_group_the_same_log(tmp_path: Path) -> None:
    portfolio, scenarios = load_portfolio(_file(tmp_path, COMPACT))
    together = PortfolioRun(portfolio, scenarios, 5).run()
    assert together["adversary_moves"] >= 0 and len(together["groups"]) == 6
    apart = next(run_teams(portfolio, scenarios, [5]))[1]
    pooled = next(run_teams(portfolio, scenarios, [5], executor=shared_pool(2)))[1]
    assert _digests(apart) == _digests(together) == _digests(pooled)
    assert {k: v for k, v in apart.items() if k != "groups"} == {k: v for k, v in together.items() if k != "groups"}


def test_one_team_is_the_whole_portfolio(tmp_path: Path) -> None:
    """With no teams named (one team), the team path and the old path are one and the same run."""
    body = COMPACT.replace("  per_team: 3\n", "")
    portfolio, scenarios = load_portfolio(_file(tmp_path, body))
    assert portfolio.teams() == [""]
    assert _digests(next(run_teams(portfolio, scenarios, [2]))[1]) == _digests(PortfolioRun(portfolio, scenarios, 2).run())


def test_bundled_portfolios_fit_the_json_schema() -> None:
    """Both forms of `groups` (the list, the compact form of the 1,000-group domain) pass `groupsim schema portfolio`."""
    import jsonschema

    from rules import read_yaml
    from sim.cli.schemas import json_schema

    schema = json_schema("portfolio")
    for path in sorted((ROOT / "scenarios" / "portfolios").glob("*.yaml")):
        jsonschema.validate(read_yaml(path).data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "groups": {"count": 0, "from": ["a.yaml"]}}, schema)
