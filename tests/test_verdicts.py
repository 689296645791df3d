"""Verdicts from what legitimate members live through (issue 15 items 1, 2, 8): one regression test per finding.

Each test failed before the change it guards: the verdicts counted messages by
kind (shills' chat kept a group alive, the brand's pushes made an ad group, a
brigade's own complaints blew a group up), business figures stopped on the day
a group failed, and the run summary's ``refused`` missed a full group's refusals.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.model.outcomes import Outcome, OutcomeJudge
from sim.run.engine import Simulation, run_scenario
from sim.run.runner import replicate
from sim.spec.scenario import Outcomes, Scenario, load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
NEVER = 1e9


def bundled(file: str, **changes: Any) -> Scenario:
    """A bundled scenario with nested fields replaced (``group__initial_members=40``)."""
    data = load_scenario(SCENARIOS / file).model_dump(mode="json", by_alias=True)
    for key, value in changes.items():
        *path, last = key.split("__")
        node = data
        for p in path:
            node = node[int(p)] if p.isdigit() else node[p]
        node[int(last) if last.isdigit() else last] = value
    return Scenario.model_validate(data)


def outcomes(scenario: Scenario, seeds: range) -> list[dict[str, Any]]:
    return [r.summary for r in replicate(scenario, [scenario.seed + k for k in seeds], workers=1)]


# ---- item 1: who acted -----------------------------------------------------------------------------------------


def _silent_members_with_crew(shills: int) -> Scenario:
    """Members who (almost) never post, an operator who posts nothing, and a warm-up crew."""
    population: list[dict[str, Any]] = [
        {"role": "member", "share": 1.0, "params": {"post_rate": 0.001}},
        {"role": "operator", "count": 1, "params": {"content_per_day": 0}},
    ]
    if shills:
        population.append({"role": "shill", "count": shills, "params": {"exposure_probability": 0.0, "warmup_burst": 6}})
    return Scenario.model_validate({"name": "silent members", "seed": 7, "duration_days": 10,
                                    "group": {"initial_members": 30}, "population": population})


def test_a_warm_up_crew_talking_to_itself_is_a_dead_group() -> None:
    """Finding: the crew 'saves' a cold group only because the shills' lines counted as member talk."""
    for s in outcomes(_silent_members_with_crew(2), range(3)):
        assert s["outcome"] == "dead", s["outcome_reason"]
        assert s["staff_messages"] > 10 * max(s["member_messages"], 1), s


def test_the_brands_own_pushes_are_not_an_ad_group() -> None:
    """Finding: new_customer_ads_only ended 'ad group' on day 2-4 from the brand's own pushes."""
    sc = bundled("new_customer_ads_only.yaml", duration_days=10)
    for s in outcomes(sc, range(3)):
        assert s["outcome"] != "ad_group", s["outcome_reason"]
        assert s["foreign_ad_share"] == 0.0 and s["msgs_ad"] > 0


def test_outsiders_ads_still_make_an_ad_group() -> None:
    """The label is kept for what it names: spam by non-staff senders dominating what members read."""
    s = run_scenario(load_scenario(SCENARIOS / "unmoderated_spam.yaml")).summary
    assert s["outcome"] == "ad_group" and s["foreign_ad_share"] > 0.3


def _brigaded(cascade: float | dict[str, Any]) -> Scenario:
    data = load_scenario(SCENARIOS / "new_customer_well_run.yaml").model_dump(mode="json", by_alias=True)
    for entry in data["population"]:
        if entry["role"] == "member":
            entry["params"]["complain_cascade_threshold"] = cascade
    data["population"].append({"role": "brigade", "count": 2,
                               "params": {"infiltration_days": 2, "attack_day": 3, "attack_days": 2, "complaint_rate": 40}})
    data["duration_days"] = 8
    return Scenario.model_validate(data)


def test_a_brigade_alone_cannot_blow_up_a_group() -> None:
    """Finding: two brigade accounts blew up a 330-member well-run group by their own complaint posts.

    With members who never join a complaint (cascade off), the attack is a
    pile of adversary complaints and no blow-up.
    """
    for s in outcomes(_brigaded(NEVER), range(4)):
        assert s["outcome"] != "blown_up", s["outcome_reason"]
        assert s["adversary_messages"] > 20, s


def test_a_blow_up_is_members_complaining() -> None:
    """Whenever a group blows up, at least the threshold of legitimate members complained."""
    runs = outcomes(bundled("delivery_under_delivered.yaml"), range(3))
    assert any(s["outcome"] == "blown_up" for s in runs)
    for s in runs:
        if s["outcome"] == "blown_up":
            assert s["legit_complaints"] >= Outcomes().blowup_min_complaints / 2, s


def test_a_ruleset_that_deletes_and_kicks_everyone_is_not_alive() -> None:
    """Finding: deleting every message and kicking every poster was judged 'alive' (4 of 4 runs)."""
    ruleset = {"name": "kick_everyone", "rules": [{"name": "kick_all", "trigger": "message", "then": ["delete", "kick"]}]}
    sc = bundled("new_customer_well_run.yaml", ruleset=ruleset, duration_days=12)
    for s in outcomes(sc, range(3)):
        assert s["outcome"] != "alive", s
        assert s["legitimate_kicked"] > 0 and s["legit_messages_deleted"] > 0


def test_a_flash_sale_nobody_bought_at_is_dead_not_dissolved() -> None:
    """Finding: a flash group dissolved on day 3 could never be judged dead: dissolved is judged by its sale."""
    no_sale = bundled("flash_group.yaml", business__conversion_per_day=0.0, business__deal_lift=0.0)
    s = run_scenario(no_sale).summary
    assert s["purchases"] == 0 and s["outcome"] == "dead", s["outcome_reason"]
    sold = run_scenario(bundled("flash_group.yaml")).summary
    assert sold["purchases"] > 0 and sold["outcome"] == "dissolved"


def test_a_relaunch_restarts_the_judges_quiet_count() -> None:
    """Finding: the relaunch reset the lifecycle's counter but not the judge's (unit)."""
    judge = OutcomeJudge(Outcomes(dead_days=3, grace_days=0))
    quiet = {"day": 5, "members": 50, "messages": 0, "member_messages": 0, "visible_member_messages": 0,
             "legit_complaints": 0, "legit_complainers": 0, "legit_leaves": 0, "legit_members": 50,
             "legit_members_at_start": 50, "visible_foreign_ads": 0, "visible_messages": 0}
    assert judge.judge(quiet) is None and judge.judge(quiet) is None
    judge.restart()
    assert judge.judge(quiet) is None and judge.judge(quiet) is None
    verdict = judge.judge(quiet)
    assert verdict is not None and verdict[0] is Outcome.DEAD


@pytest.mark.slow
def test_second_life_ends_dissolved_on_most_of_30_seeds() -> None:
    """Finding: with 8 seeds second_life.yaml ended dead in 3 runs. Documented: dissolved; stated share >= 80%."""
    runs = outcomes(load_scenario(SCENARIOS / "second_life.yaml"), range(30))
    share = sum(s["outcome"] == "dissolved" for s in runs) / len(runs)
    print(f"[groupsim] second_life dissolved in {share:.0%} of 30 seeds")
    assert share >= 0.8
    assert all(s["outcome"] != "dead" or s["relaunches"] == 0 for s in runs)


# ---- item 2: business over the horizon -------------------------------------------------------------------------


def test_a_failed_group_costs_to_the_horizon_and_refunds_on_a_blow_up() -> None:
    """Finding: figures stopped on the day a group failed, and a blown-up group refunded nothing."""
    sc = load_scenario(SCENARIOS / "delivery_under_delivered.yaml")
    s = run_scenario(sc).summary
    assert s["outcome"] == "blown_up" and s["lifetime_days"] < sc.duration_days
    kept = run_scenario(load_scenario(SCENARIOS / "delivery_learning.yaml")).summary
    assert kept["operator_hours"] > s["operator_hours"] or s["refunds"] > 0
    assert s["days_costed"] == pytest.approx(sc.duration_days)
    assert s["refunds"] == pytest.approx(sc.business.refund_share * s["gmv"]) and s["refunds"] > 0
    assert kept["profit"] > s["profit"]  # under-delivering no longer pays better in money
    no_horizon = run_scenario(sc.with_values(business=sc.business.model_dump() | {"costs_to_horizon": False})).summary
    assert no_horizon["operator_hours"] < s["operator_hours"]
    assert s["profit"] == pytest.approx((s["gmv"] - s["refunds"]) * sc.business.margin
                                        - s["perk_cost"] - s["operator_hours"] * sc.business.operator_hourly_cost)


def test_a_failed_group_sells_nothing_after_it_fails() -> None:
    """With the run going on after the verdict, no purchase is made from the day after the group failed."""
    sc = bundled("new_customer_ads_only.yaml", group__initial_members=60, duration_days=14,
                 outcomes__stop_on_outcome=False)
    r = run_scenario(sc)
    assert r.summary["outcome"] != "alive"
    failed_on = int(r.summary["lifetime_days"])  # the verdict comes at the end of day failed_on - 1
    later = [d for d in r.days if d["day"] >= failed_on]
    assert later and sum(d["purchases"] for d in later) == 0


def test_prior_customers_upgrade_without_buying_in_the_group() -> None:
    """Finding: upgrade_per_day did nothing when no one bought inside the group."""
    sc = bundled("new_customer_well_run.yaml", duration_days=6, business__prior_customer_share=1.0,
                 business__repurchase_per_day=0.0, business__conversion_per_day=0.0, business__deal_lift=0.0,
                 business__upgrade_per_day=0.5)
    s = run_scenario(sc).summary
    assert s["purchases"] == 0 and s["upgrades"] > 0


# ---- item 8: smaller defects -----------------------------------------------------------------------------------


def test_refused_counts_a_full_groups_refusals() -> None:
    """Finding: the summary's refused omitted capacity refusals."""
    sc = Scenario.model_validate({"name": "full", "seed": 2, "duration_days": 3,
                                  "group": {"initial_members": 10, "capacity": 10, "arrivals": {"rate_per_day": 20}},
                                  "population": [{"role": "member", "share": 1.0}]})
    s = run_scenario(sc).summary
    assert s["refused"] > 0
    assert s["refused_full"] > 0 and s["refused"] >= s["refused_full"]


def test_portfolio_groups_keep_the_cases_skipped() -> None:
    """Finding: the portfolio's per-group table dropped attention_skipped; each group's summary now has it."""
    from sim.run.portfolio import PortfolioRun, load_portfolio

    portfolio, scenarios = load_portfolio(SCENARIOS / "portfolios" / "private_domain.yaml")
    scenarios = [s.with_values(group=s.group.model_dump(mode="json") | {"initial_members": 60}) for s in scenarios]
    # one hour a day: four cover three 60-member groups since the operator skips questions already answered
    r = PortfolioRun(portfolio.model_copy(update={"duration_days": 6, "operator_minutes_per_day": 60.0}), scenarios).run()
    assert sum(g["cases_skipped"] for g in r["groups"]) == r["attention_skipped_total"] == sum(r["attention_skipped"].values())
    assert r["attention_skipped_total"] > 0


def _write_designs(folder: Path, ruleset: Any) -> None:
    data = {"name": "design", "seed": 3, "duration_days": 5, "group": {"initial_members": 30},
            "population": [{"role": "member", "share": 1.0, "params": {"post_rate": 1.0}}, {"role": "operator", "count": 1}],
            "ruleset": ruleset}
    folder.mkdir()
    (folder / "design.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(("ruleset", "fails"), [
    ({"name": "kick_everyone", "rules": [{"name": "kick_all", "trigger": "message", "then": ["delete", "kick"]}]}, True),
    ("none", False),
])
def test_init_tests_suite_asserts_collateral_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    ruleset: Any, fails: bool) -> None:
    """Finding: the suite init-tests writes still passed with a ruleset that kicks everyone."""
    from sim.cli.testing import init_tests

    monkeypatch.chdir(tmp_path)
    _write_designs(tmp_path / "designs", ruleset)
    init_tests(tmp_path / "t", scenarios=Path("designs"), at_least=0.5, force=False, max_collateral=0.05)
    spec = importlib.util.spec_from_file_location("generated_designs", tmp_path / "t" / "test_group_designs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generated_designs"] = module
    try:
        spec.loader.exec_module(module)
        if fails:
            with pytest.raises(AssertionError, match="legitimate members"):
                module.test_rules_spare_legitimate_members("design")
        else:
            module.test_rules_spare_legitimate_members("design")
    finally:
        sys.modules.pop("generated_designs", None)


def test_simulation_day_rows_say_who_acted() -> None:
    """Each day's row splits messages by the sender's truth; the parts add up to the day's messages."""
    sim = Simulation(load_scenario(SCENARIOS / "unmoderated_spam.yaml"))
    r = sim.run()
    for d in r.days:
        assert d["member_messages"] + d["staff_messages"] + d["adversary_messages"] == d["messages"]
        assert d["visible_member_messages"] <= d["member_messages"]
