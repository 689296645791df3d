"""Every bundled scenario validates, runs with its own seed, and matches its golden summary.

Regenerate the golden files after an intended model change with
``GROUPSIM_UPDATE_GOLDEN=1 pytest tests/test_bundled_scenarios.py`` and review the diff.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from sim.run.engine import run_scenario
from sim.spec.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
GOLDEN_FIELDS = (
    "outcome", "lifetime_days", "final_members", "messages", "member_messages", "msgs_ad", "ads_deleted",
    "kicks", "leaves", "joins", "event_log_digest",
)
# What each bundled scenario is documented to show (its opening comment says so).
EXPECTED = {
    "new_customer_well_run.yaml": "alive",
    "unmoderated_spam.yaml": "ad_group",
    "no_value_dead.yaml": "dead",
    # group designs (issue 5): each file's opening comment names its outcome
    "flash_group.yaml": "dissolved",
    "flash_group_kept_running.yaml": "dead",
    "new_customer_to_c.yaml": "alive",
    "new_customer_to_b.yaml": "alive",
    "new_customer_ads_only.yaml": "dead",  # the brand's own pushes: members fall silent (issue 15)
    "super_user_group.yaml": "alive",
    "delivery_learning.yaml": "alive",
    "delivery_under_delivered.yaml": "blown_up",
    "traffic_group.yaml": "alive",
    "welfare_group.yaml": "alive",
    "word_of_mouth_group.yaml": "alive",
    "paid_group.yaml": "alive",
    "small_precise_group.yaml": "alive",
    "second_life.yaml": "dissolved",
}
# Documented outcomes the model no longer produces on the scenario's own seed. They are not tuned
# back: docs/VALIDATION.md (bench/claims.py, 30 seeds) reports the share, and the test fails once the
# documented outcome emerges again, so the entry is then removed.
SHORTFALLS = {
    "small_precise_group.yaml": "members' own questions with ad words (优惠券, 私聊; scenarios/texts/zh.yaml) are "
    "deleted by the `basic` keyword rule, so the few posters' visible lines fall below the dead threshold",
}


def test_there_are_bundled_scenarios() -> None:
    assert {p.name for p in SCENARIOS} >= set(EXPECTED)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_bundled_scenario_opens_with_a_comment_citing_a_seed(path: Path) -> None:
    head = path.read_text(encoding="utf-8").splitlines()[:8]
    assert head and head[0].startswith("#")
    assert any("seed 0" in line for line in head), "the opening comment must cite the seed article it follows"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_bundled_scenario_runs_and_matches_golden(path: Path) -> None:
    scenario = load_scenario(path)
    summary = run_scenario(scenario).summary
    got = {k: summary[k] for k in GOLDEN_FIELDS}
    golden = GOLDEN / f"{path.stem}.json"
    if os.environ.get("GROUPSIM_UPDATE_GOLDEN") or not golden.exists():
        golden.write_text(json.dumps(got, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    want = json.loads(golden.read_text(encoding="utf-8"))
    for key in GOLDEN_FIELDS:
        if isinstance(want[key], float):
            assert math.isclose(got[key], want[key], rel_tol=1e-9), key
        else:
            assert got[key] == want[key], f"{key}: {got[key]!r} != golden {want[key]!r}"
    if path.name in SHORTFALLS:
        assert summary["outcome"] != EXPECTED[path.name], f"documented outcome is back: remove {path.name} from SHORTFALLS"
    elif path.name in EXPECTED:
        assert summary["outcome"] == EXPECTED[path.name], summary["outcome_reason"]


def test_validation_bench_checks_the_documented_outcomes() -> None:
    """bench/claims.py (which writes docs/VALIDATION.md) checks the same documented outcomes, on 30 seeds."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_claims", ROOT / "bench" / "claims.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_claims"] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop("bench_claims", None)
    assert {k: v for k, v in module.DOCUMENTED.items() if k in EXPECTED} == EXPECTED
    assert set(module.DOCUMENTED) == {p.name for p in SCENARIOS}
