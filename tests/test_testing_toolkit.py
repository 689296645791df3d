"""sim.testing: invariants, strategies with counterexample files, statistical assertions, the plugin."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from typer.testing import CliRunner

from sim.cli.app import app
from sim.spec.scenario import Scenario, load_scenario
from sim.testing import (
    InvariantViolation,
    RunRecord,
    StatisticalAssertionError,
    ads_gone_within,
    assert_better,
    assert_survival,
    banned_never_post_again,
    check,
    counterexample_file,
    dissolved_by,
    membership_consistent,
    paid_never_kicked_by_ad_rule,
    record,
    scenarios_around,
    staff_never_sanctioned,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "group_ci"


def _rec(rows: list[tuple], agents: dict[int, dict] | None = None, summary: dict | None = None) -> RunRecord:
    cols = {c: [] for c in ("seq", "time", "event", "actor", "target", "kind", "rule")}
    for k, (t, ev, actor, target, kind, rule) in enumerate(rows):
        for c, v in zip(cols, (k, t, ev, actor, target, kind, rule)):
            cols[c].append(v)
    return RunRecord(None, 0, summary or {}, cols, agents or {})


OWNER = {0: {"visible_role": "owner"}, 1: {"visible_role": "member"}, 2: {"visible_role": "admin"}}


def test_staff_never_sanctioned_catches_a_kicked_admin() -> None:
    ok = _rec([(1.0, "join", 1, -1, "", ""), (5.0, "kick", -1, 1, "", "flood")], OWNER)
    assert staff_never_sanctioned(ok) == []
    bad = _rec([(5.0, "warn", -1, 2, "", "flood"), (6.0, "post", 0, 7, "chat", ""), (7.0, "delete", -1, 7, "chat", "x")], OWNER)
    found = staff_never_sanctioned(bad)
    assert len(found) == 2 and "admin 2" in found[0] and "message 7 of owner" in found[1]


def test_promoted_volunteer_admin_is_protected_only_after_promotion() -> None:
    rows = [(1.0, "warn", -1, 1, "", "r"), (2.0, "promote", -1, 1, "", "rewards"), (3.0, "kick", -1, 1, "", "r")]
    found = staff_never_sanctioned(_rec(rows, {1: {"visible_role": "admin"}}))
    assert len(found) == 1 and "kick" in found[0]


def test_paid_member_kicked_by_ad_rule_is_caught() -> None:
    rows = [(1.0, "payment", 1, 9, "", "pay_to_post"), (2.0, "kick", -1, 1, "", "ban_ads_and_links"),
            (3.0, "kick", -1, 3, "", "ban_ads_and_links")]
    found = paid_never_kicked_by_ad_rule()(_rec(rows))
    assert found == ["paying member 1 kicked by ad rule 'ban_ads_and_links' at day 0.00 (2 min)"]
    assert paid_never_kicked_by_ad_rule(ad_rules=["other"])(_rec(rows)) == []
    assert paid_never_kicked_by_ad_rule()(_rec([(2.0, "kick", -1, 5, "", "no_ads")], {5: {"paid": True}}))


def test_ads_gone_within_judges_each_ad() -> None:
    rows = [(0.0, "post", 1, 1, "ad", ""), (30.0, "delete", -1, 1, "ad", "r"), (40.0, "post", 1, 2, "ad", ""),
            (50.0, "post", 1, 3, "ad", ""), (51.0, "payment", 1, 3, "", "pay"), (500.0, "delete", -1, 2, "ad", "r"),
            (1000.0, "tick", -1, -1, "", "")]
    found = ads_gone_within(60)(_rec(rows))
    assert len(found) == 1 and "ad 2" in found[0]
    with pytest.raises(ValueError):
        ads_gone_within(0)


def test_banned_never_post_again_allows_reinstated_members() -> None:
    rows = [(1.0, "ban", -1, 4, "", "r"), (2.0, "post", 4, 1, "chat", ""), (3.0, "reinstate", -1, 4, "", "r"),
            (4.0, "post", 4, 2, "chat", "")]
    found = banned_never_post_again(_rec(rows))
    assert len(found) == 1 and "posted at day 0.00 (2 min)" in found[0]


def test_dissolved_by_planned_day() -> None:
    assert dissolved_by(2)(_rec([(2 * 1440.0, "dissolve", -1, -1, "", "")], summary={"outcome": "dissolved"})) == []
    late = _rec([(3 * 1440.0, "dissolve", -1, -1, "", "")], summary={"outcome": "dissolved"})
    assert dissolved_by(2)(late)
    died = _rec([], summary={"outcome": "dead", "lifetime_days": 1.0})
    assert dissolved_by(2)(died) == []


def test_check_names_the_run_and_how_to_replay() -> None:
    bad = _rec([(5.0, "kick", -1, 0, "", "flood")], OWNER)
    with pytest.raises(InvariantViolation, match=r"(?s)staff_never_sanctioned\(\) failed 1 time.*replay: groupsim run s.yaml --seed 0"):
        check(bad, staff_never_sanctioned, source="s.yaml")


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_scenarios_keep_the_invariants(path: Path) -> None:
    """The project checks its own bundled designs with the same toolkit users get."""
    check(record(load_scenario(path)), staff_never_sanctioned, banned_never_post_again, membership_consistent,
          source=str(path))


def _short(name: str, days: float = 6) -> Scenario:
    data = load_scenario(ROOT / "scenarios" / name).model_dump(mode="json", by_alias=True)
    data["duration_days"] = days
    data["group"]["initial_members"] = min(data["group"]["initial_members"], 80)
    return Scenario.model_validate(data)


def test_assert_survival_passes_and_fails_on_an_interval(capsys: pytest.CaptureFixture[str]) -> None:
    good = assert_survival(_short("new_customer_well_run.yaml"), at_least=0.5, seeds=6, workers=1)
    assert good["share"] == 1.0 and good["lower"] >= 0.5
    with pytest.raises(StatisticalAssertionError, match="lower bound"):
        assert_survival(_short("unmoderated_spam.yaml", 10), at_least=0.5, seeds=6, workers=1)
    out = capsys.readouterr().out
    assert "PASS survival" in out and "FAIL survival" in out  # figures printed either way


def test_assert_better_uses_paired_seeds() -> None:
    well, dead = _short("new_customer_well_run.yaml"), _short("no_value_dead.yaml", 14)
    res = assert_better(well, dead, "messages_per_day", seeds=7, workers=1)
    assert res["lo"] > 0 and res["runs"] == 7 and res["p"] < 0.05
    with pytest.raises(StatisticalAssertionError):
        assert_better(dead, well, "messages_per_day", seeds=7, workers=1)
    with pytest.raises(StatisticalAssertionError):  # 4 seeds can never give p < 0.05 on a sign-flip test
        assert_better(well, dead, "messages_per_day", seeds=4, workers=1)
    with pytest.raises(KeyError, match="no 'nonsense'"):
        assert_better(well, dead, "nonsense", seeds=2, workers=1)


def test_failing_property_writes_a_small_runnable_counterexample(tmp_path: Path) -> None:
    base = _short("new_customer_well_run.yaml", 3)
    data = base.model_dump(mode="json", by_alias=True)
    # Words only spammers use (members also ask about 优惠券 and 私聊: scenarios/texts/), so kicks come from spammers.
    words = ["加微信", "代购", "兼职", "招代理", "返利", "加v"]
    data["ruleset"] = {"name": "strict", "rules": [
        {"use": "ban_ads_and_links", "params": {"kick_after": 1, "keywords": words, "links": False}}]}
    data["population"][2]["params"]["join_day"] = 0.1
    data["population"][2]["params"]["strategy"] = {"responsive": False}  # spammers who post whatever the rules
    base = Scenario.model_validate(data)
    target = tmp_path / "cx.yaml"

    @settings(max_examples=40, deadline=None, database=None)
    @given(scenarios_around(base, {"population.2.count": (0, 6)}, vary_seed=False))
    @counterexample_file(target)
    def nobody_is_kicked(scenario: Scenario) -> None:
        assert "kick" not in record(scenario).events["event"], "someone was kicked"

    with pytest.raises(AssertionError, match="someone was kicked"):
        nobody_is_kicked()
    written = load_scenario(target)
    assert written.population[2].count == 1  # shrunk to the smallest failing design
    assert target.read_text(encoding="utf-8").startswith("# groupsim counterexample")
    res = CliRunner().invoke(app, ["run", str(target), "--seeds", "1", "-q", "--out", str(tmp_path / "replay")])
    assert res.exit_code == 0, res.output


def test_scenarios_around_rejects_a_bad_path() -> None:
    with pytest.raises(KeyError, match="no field"):
        scenarios_around(_short("new_customer_well_run.yaml"), {"group.nonsense.x": (0, 1)})


def test_example_repository_passes_and_fails_as_it_should(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("counterexamples", "__pycache__"))
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--groupsim-seeds", "6"],
                         cwd=repo, capture_output=True, text=True, timeout=500)
    out = res.stdout
    assert res.returncode == 1, out[-3000:]
    assert "2 failed, 3 passed" in out, out[-3000:]
    assert "FAILED tests/test_designs.py::test_free_for_all_survives" in out
    assert "FAILED tests/test_designs.py::test_ads_gone_within_an_hour" in out
    assert "groupsim statistical assertions" in out and "PASS survival of 'welcome group'" in out
    cx = repo / "tests" / "counterexamples" / "ads_stay.yaml"
    assert load_scenario(cx).population[2].count >= 1
    assert "stayed" in cx.read_text(encoding="utf-8").splitlines()[0]


def test_init_tests_writes_a_suite_that_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "scenarios" / "rulesets").mkdir(parents=True)
    for name in ("welcome_group.yaml", "free_for_all.yaml"):
        shutil.copy(EXAMPLE / "scenarios" / name, tmp_path / "scenarios" / name)
    shutil.copy(EXAMPLE / "scenarios" / "rulesets" / "no_ads_by_hand.yaml", tmp_path / "scenarios" / "rulesets")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["init-tests", "tests", "--scenarios", "scenarios", "--at-least", "0.5"])
    assert res.exit_code == 0, res.output
    again = runner.invoke(app, ["init-tests", "tests", "--scenarios", "scenarios"])
    assert again.exit_code == 2 and "--force" in again.output
    text = (tmp_path / "tests" / "test_group_designs.py").read_text(encoding="utf-8")
    assert "def test_welcome_group_rules_never_hit_staff_whatever_the_spam" in text
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--groupsim-seeds", "4",
                          "-k", "invariants or survive", "tests"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert "passed" in run.stdout, run.stdout[-2000:]
    assert "test_most_groups_survive[free_for_all]" in run.stdout  # fails: it becomes an ad group
    assert math.isfinite(len(run.stdout))
