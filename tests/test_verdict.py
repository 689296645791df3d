"""The verdict of a comparison: Holm, power, alpha spending, the decision rule, and the CLI on real runs."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from sim.base.decisions import holm, look_alpha, obrien_fleming_spent, paired_power, seeds_needed
from sim.experiments.compare import CompareArm, paired_report
from sim.experiments.power import until_decided
from sim.experiments.verdict import DEFAULT_OBJECTIVE, Guard, Objective, Verdict, decide, objective_from, verdict_text


# --- reference values --------------------------------------------------------------------------------------------

def test_holm_matches_r_p_adjust() -> None:
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") -> 0.03 0.06 0.06 0.02
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # R: p.adjust(c(0.2, 0.5, 0.001), "holm") -> 0.4 0.5 0.003
    assert holm([0.2, 0.5, 0.001]) == pytest.approx([0.4, 0.5, 0.003])
    assert holm([math.nan, 0.01]) == pytest.approx([1.0, 0.02])  # a test that could not run counts as p = 1


def test_power_matches_r_power_t_test() -> None:
    # R: power.t.test(n = 10, delta = 1, sd = 1, type = "paired")$power = 0.8030962
    assert paired_power(10, 1.0, 1.0) == pytest.approx(0.8030962, abs=1e-6)
    # R: power.t.test(delta = 1, sd = 1, power = 0.8, type = "paired")$n = 9.937864 -> 10 seeds
    assert seeds_needed(1.0, 1.0) == 10
    # R: power.t.test(delta = 0.5, sd = 1, power = 0.8, type = "paired")$n = 33.36713 -> 34
    assert seeds_needed(1.0, 0.5) == 34
    assert seeds_needed(2.0, 1.0) == seeds_needed(1.0, 0.5)  # only sd / delta matters
    assert seeds_needed(0.0, 1.0) is None and seeds_needed(1.0, 0.0) is None


def test_obrien_fleming_spending_reference_and_total() -> None:
    # Lan-DeMets O'Brien-Fleming type at half the information, alpha 0.05: 2(1 - Phi(1.95996 / sqrt(.5))) = 0.005575
    assert obrien_fleming_spent(0.5) == pytest.approx(0.005575, abs=2e-6)
    assert obrien_fleming_spent(1.0) == pytest.approx(0.05)
    looks = [10, 20, 30, 40]
    spent = [look_alpha(n, b, 40) for n, b in zip(looks, [0, *looks[:-1]])]
    assert all(s > 0 for s in spent) and spent == sorted(spent)  # early looks spend little
    assert sum(spent) == pytest.approx(0.05)  # the union bound: all looks together spend alpha


# --- the decision rule on constructed runs ----------------------------------------------------------------------

def _run(point: int, seed: int, **kw: Any) -> dict[str, Any]:
    row = {"point": point, "seed": seed, "status": "ok", "outcome": "alive", "censored": True, "lifetime_days": 30.0,
           "days_simulated": 30.0, "final_members": 100.0, "ad_exposure": 0.0}
    row.update(kw)
    return row


def _arms(n: int = 2) -> list[CompareArm]:
    return [CompareArm(f"d{i}", None) for i in range(n)]  # type: ignore[arg-type]  # only labels are read


def _decide(rows: list[dict[str, Any]], seeds: list[int], objective: Objective = DEFAULT_OBJECTIVE, n: int = 2) -> Verdict:
    arms = _arms(n)
    report = paired_report(arms, rows, seeds, objective.metrics)
    return decide(arms, rows, seeds, report, objective)


def test_the_design_that_shows_ads_loses_on_ad_views_and_the_verdict_says_so() -> None:
    seeds = list(range(30))
    rows = [_run(0, s, ad_exposure=300.0 + 7 * (s % 5)) for s in seeds] + [_run(1, s, final_members=100.0 + (s % 3) - 1) for s in seeds]
    v = _decide(rows, seeds)
    assert v.winner == "d1"
    assert v.deciding is not None and v.deciding["metric"] == "ad_exposure"
    assert "ad views" in v.summary and "-314" in v.summary  # names the difference (mean 314 views against 0)
    assert [r["metric"] for r in v.moved] == ["ad_exposure"]
    assert "Holm" in v.correction and v.tests == len(paired_report(_arms(), rows, seeds, DEFAULT_OBJECTIVE.metrics))


def test_without_the_difference_there_is_no_winner_and_power_is_stated() -> None:
    seeds = list(range(30))
    rows = [_run(0, s, ad_exposure=300.0 + 40 * (s % 5)) for s in seeds]
    rows += [_run(1, s, ad_exposure=300.0 + 40 * ((s + 2) % 5)) for s in seeds]  # same values, other seeds: no shift
    v = _decide(rows, seeds)
    assert v.winner is None and v.moved == []
    assert "No detectable difference" in v.summary
    ads = next(p for p in v.power if p["metric"] == "ad_exposure")
    assert ads["seeds"] is not None and ads["seeds"] > 30  # a 10% difference needs more seeds than were run
    assert any("paired seeds" in line for line in verdict_text(v))


def test_an_earlier_criterion_decides_before_a_later_one() -> None:
    seeds = list(range(30))
    dead = {s for s in seeds if s % 2 == 0}
    rows = [_run(0, s) for s in seeds]
    rows += [_run(1, s, outcome="dead" if s in dead else "alive", censored=s not in dead, ad_exposure=-0.0) for s in seeds]
    v = _decide(rows, seeds)
    assert v.winner == "d0" and v.deciding is not None and v.deciding["metric"] == "survival"


def test_a_guard_rail_blocks_a_winner() -> None:
    seeds = list(range(30))
    rows = [_run(0, s) for s in seeds]
    rows += [_run(1, s, final_members=140.0 + s % 4, outcome="dead" if s % 10 == 0 else "alive") for s in seeds]
    goal = Objective(order=("final_members",), guards=(Guard("alive", 0.05),), declared=True)
    v = _decide(rows, seeds, goal)
    assert v.winner is None and "guard-rail" in v.summary  # 10 points fewer alive, 5 allowed
    loose = Objective(order=("final_members",), guards=(Guard("alive", 0.2),), declared=True)
    assert _decide(rows, seeds, loose).winner == "d1"


def test_weights_make_a_composite_criterion() -> None:
    seeds = list(range(30))
    rows = [_run(0, s, final_members=100.0 + s % 7) for s in seeds]
    rows += [_run(1, s, final_members=104.0 + s % 7, ad_exposure=0.0) for s in seeds]
    goal = objective_from({"weights": {"final_members": 1.0, "ad_exposure": 1.0}})
    v = _decide(rows, seeds, goal)
    assert v.winner == "d1" and v.deciding is not None and v.deciding["metric"] == "weighted score"


def test_objective_file_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="not in the metrics catalogue"):
        objective_from({"primary": "no_such_metric"})
    with pytest.raises(ValueError, match="no better direction"):
        objective_from({"primary": "kicks"})
    with pytest.raises(ValueError, match="unknown keys"):
        objective_from({"primary": "alive", "colour": "red"})


def test_until_decided_stops_at_a_winner_and_spends_at_most_alpha() -> None:
    calls: list[tuple[int, float]] = []

    def decide_at(seeds: list[int], alpha: float) -> Verdict:
        calls.append((len(seeds), alpha))
        v = Verdict(winner="b" if len(seeds) >= 30 else None, summary="", deciding=None, designs=[], moved=[], objective={},
                    alpha=alpha, correction="", tests=1)
        return v

    v = until_decided(decide_at, first_seed=5, batch=10, cap=60, alpha=0.05)
    assert [n for n, _ in calls] == [10, 20, 30] and v.winner == "b" and len(v.looks) == 3
    assert sum(a for _, a in calls) < 0.05
    calls.clear()
    none = until_decided(lambda s, a: Verdict(None, "", None, [], [], {}, a, "", 1), 0, 10, 35, 0.05)
    assert [look["seeds"] for look in none.looks] == [10, 20, 30, 35]
    assert sum(look["alpha"] for look in none.looks) == pytest.approx(0.05)


# --- the CLI on real runs: ad window against kick-on-ad -----------------------------------------------------------

def test_compare_ad_window_against_kick_on_ad_states_a_verdict_on_ad_views(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sim.cli.app import app

    root = Path(__file__).resolve().parent.parent
    text = (root / "scenarios" / "unmoderated_spam.yaml").read_text(encoding="utf-8")
    files = []
    for ruleset in ("ad_window", "no_ads_kick"):
        f = tmp_path / f"design_{ruleset}.yaml"
        f.write_text(text.replace("ruleset: none", f"ruleset: {ruleset}").replace("duration_days: 30", "duration_days: 7")
                     .replace("initial_members: 200", "initial_members: 40"), encoding="utf-8")
        files.append(str(f))
    out = tmp_path / "cmp"
    res = CliRunner().invoke(app, ["compare", *files, "-n", "6", "-j", "1", "-q", "-o", str(out)])
    assert res.exit_code == 0, res.output
    verdict = json.loads((out / "verdict.json").read_text(encoding="utf-8"))
    ads = next(r for r in verdict["criteria"] if r["metric"] == "ad_exposure")
    assert ads["label"] == "ad views" and ads["b"] == 0.0  # kicking on the first ad: nobody sees one
    assert "Holm" in verdict["correction"] and "Objective: default" in res.output
    if verdict["winner"] is None:  # then it says how many seeds would tell
        assert any(p["metric"] == "ad_exposure" for p in verdict["power"]) or ads["a"] == 0.0
    rows = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert all("p_holm" in r and r["p_holm"] >= r["p"] - 1e-12 for r in rows)
    again = CliRunner().invoke(app, ["compare", *files, "-n", "3", "--until-decided", "6", "-j", "1", "-q", "-o", str(out)])
    assert again.exit_code == 0, again.output
    looks = json.loads((out / "verdict.json").read_text(encoding="utf-8"))["looks"]
    assert looks[0]["seeds"] == 3 and looks[-1]["seeds"] <= 6 and sum(x["alpha"] for x in looks) <= 0.05 + 1e-12
    assert "(0 runs now" in " ".join(again.output.split())  # the seeds were stored by the first call
