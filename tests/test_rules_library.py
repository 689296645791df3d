"""Every ruleset in scenarios/rulesets/ loads, opens with a seed citation, and runs in a simulation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rules import load_ruleset
from sim.run.engine import run_scenario
from sim.spec.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((ROOT / "scenarios" / "rulesets").glob("*.yaml"))
PRESETS = {"rose_antiflood.yaml", "wecom_kick_links.yaml", "automod_new_account.yaml"}


def small_scenario(ruleset: Any, days: float = 15.0) -> Scenario:
    """The reference group, smaller and shorter, with the given ruleset (a name or a spec)."""
    data = load_scenario(ROOT / "bench" / "reference.yaml").model_dump(mode="json", by_alias=True)
    data["duration_days"] = days
    data["group"]["initial_members"] = 120
    data["population"][2]["params"] = {"join_day": 0.5, "ad_rate": 20}
    data["ruleset"] = ruleset if isinstance(ruleset, str) else ruleset.model_dump(mode="json", by_alias=True)
    return Scenario.model_validate(data)


def test_library_has_the_presets() -> None:
    assert PRESETS <= {p.name for p in LIBRARY}


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_ruleset_cites_its_seed_and_every_rule_runs(path: Path) -> None:
    head = path.read_text(encoding="utf-8").splitlines()[:6]
    assert head[0].startswith("#") and any("seed 0" in line for line in head if line.startswith("#"))
    spec = load_ruleset(path)
    summary = run_scenario(small_scenario(spec), seed=3).summary
    assert summary["ruleset"] == spec.name
    stats = json.loads(summary["rules_json"])
    assert set(stats) <= {r.label for r in spec.rules} | {"ban_list"}
    for key in ("true_positives", "false_positives", "legitimate_punished", "ad_exposure_before_removal", "moderator_minutes"):
        assert key in summary
