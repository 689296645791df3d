"""Group-design mechanisms one at a time: entry policies, the activities calendar, lifecycle, business results."""

from __future__ import annotations

from typing import Any

import pytest

from rules import InputError
from sim.run.engine import Simulation, run_scenario
from sim.spec.scenario import Scenario, load_scenario


def scenario(**group: Any) -> Scenario:
    data: dict[str, Any] = {
        "name": "t", "seed": 2, "duration_days": group.pop("days", 6),
        "group": {"initial_members": 40, **group},
        "population": [
            {"role": "member", "share": 1.0},
            {"role": "operator", "count": 1},
        ],
    }
    return Scenario.model_validate(data)


def with_members(sc: Scenario, **params: Any) -> Scenario:
    data = sc.model_dump(mode="json", by_alias=True)
    data["population"][0]["params"].update(params)
    return Scenario.model_validate(data)


def refusals(result: Any) -> dict[str, int]:
    log = result.log
    out: dict[str, int] = {}
    for e, k in zip(log.event, log.kind):
        if e == "join_refused":
            out[k] = out.get(k, 0) + 1
    return out


def test_defaults_leave_runs_unchanged_and_add_business_keys() -> None:
    s = run_scenario(scenario()).summary
    for key in ("purchases", "conversion_rate", "repurchase_rate", "upgrade_rate", "gmv", "operator_hours",
                "perk_cost", "return_on_effort", "refused", "entry_fees"):
        assert key in s
    assert s["refused"] == 0 and s["activities_run"] == 0


def test_qr_code_expires_unless_renewed() -> None:
    expired = run_scenario(scenario(arrivals={"rate_per_day": 10}, days=12, entry={"policy": "qr_code"}))
    assert refusals(expired).get("qr_expired", 0) > 20  # days 7-12 arrive on a dead code
    renewed = run_scenario(scenario(arrivals={"rate_per_day": 10}, days=12,
                                    entry={"policy": "qr_code", "qr_renew_days": 7}))
    assert refusals(renewed).get("qr_expired", 0) == 0


def test_account_join_limit_counts_per_person_and_day() -> None:
    sim = Simulation(scenario(entry={"policy": "qr_code", "joins_per_account_per_day": 1}))
    sim.ties.person_of.update(dict.fromkeys(range(sim.roster.n), "same person"))  # everyone is one account
    result = sim.run()
    assert result.summary["refused"] >= 38  # one join on day 0, the rest refused


def test_invite_approval_refuses_spotted_adversaries() -> None:
    sc = scenario(entry={"policy": "invite_approval", "spot_probability": 1.0, "approve_probability": 1.0})
    data = sc.model_dump(mode="json", by_alias=True)
    data["population"].append({"role": "ad_spammer", "count": 5, "params": {"join_day": 0.5}})
    s = run_scenario(Scenario.model_validate(data))
    assert refusals(s) == {"not_approved": 5}
    assert s.summary["msgs_ad"] == 0


def test_paid_entry_filters_by_willingness_to_pay_and_collects_fees() -> None:
    sc = with_members(scenario(entry={"policy": "paid", "fee": 50}), willingness_to_pay={"dist": "uniform", "low": 0, "high": 100})
    s = run_scenario(sc).summary
    assert 5 < s["refused"] < 35
    assert s["entry_fees"] == 50 * (40 - s["refused"])
    assert s["gmv"] >= s["entry_fees"]


def test_invitation_only_screens_on_score() -> None:
    sc = with_members(scenario(entry={"policy": "invitation_only", "min_screening_score": 0.5}),
                      screening_score={"dist": "uniform", "low": 0, "high": 1})
    s = run_scenario(sc).summary
    assert 8 < s["refused"] < 32 and s["final_members"] + s["refused"] >= 40


def test_waiting_list_fills_places_that_come_free() -> None:
    # a full group at the start (initial members beyond the capacity are a validation error now)
    sc = scenario(capacity=30, initial_members=30, arrivals={"rate_per_day": 5}, entry={"waiting_list": True, "max_wait_days": 10})
    sim = Simulation(sc)
    result = sim.run()
    assert result.days[-1]["waiting"] > 0
    assert max(d["members"] for d in result.days) <= 31  # the cap (+ the operator)


def test_activities_reminders_staleness_and_group_buys() -> None:
    acts = [{"kind": "check_in", "hour": 9, "every_days": 1, "reminders": True, "staleness": 0.5},
            {"kind": "group_buy", "hour": 20, "every_days": 1, "participants_needed": 1000}]
    sim = Simulation(scenario(activities=acts, days=4))
    result = sim.run()
    check_ins = [m for m in sim.roster.messages if m.text == "今日签到开始啦"]
    assert [m.value for m in check_ins] == pytest.approx([0.1, 0.05, 0.025, 0.0125])  # staleness 0.5 a repeat
    reminders = [m for m in sim.roster.messages if m.text.startswith("活动提醒")]
    assert len(reminders) == 3 * 4 - 2  # no evening-before or half-day notice before day 0's 9:00
    assert result.summary["failed_group_buys"] == 4
    assert result.summary["activity_participants"] > 0
    assert sum(d["activities"] for d in result.days) == 8


def test_variants_keep_activities_fresh() -> None:
    acts = [{"kind": "check_in", "hour": 9, "every_days": 1, "staleness": 0.5, "variants": 2}]
    sim = Simulation(scenario(activities=acts, days=4))
    sim.run()
    assert [round(m.value, 3) for m in sim.roster.messages if m.text == "今日签到开始啦"] == [0.1, 0.1, 0.05, 0.05]


def test_dissolve_after_inactivity_and_second_life() -> None:
    s = run_scenario(load_scenario("scenarios/second_life.yaml")).summary
    assert s["outcome"] == "dissolved" and s["relaunches"] == 1
    assert "quiet days" in s["outcome_reason"]


def test_business_results_per_day_add_up() -> None:
    r = run_scenario(load_scenario("scenarios/new_customer_to_c.yaml"))
    s, days = r.summary, r.days
    assert sum(d["purchases"] for d in days) == s["purchases"] == s["conversions"] + s["repurchases"]
    assert sum(d["gmv"] for d in days) == pytest.approx(s["gmv"])
    assert sum(d["operator_minutes"] for d in days) / 60 == pytest.approx(s["operator_hours"])
    assert sum(d["perk_cost"] for d in days) == pytest.approx(s["perk_cost"])
    assert s["return_on_effort"] > 0 and 0 < s["repurchase_rate"] <= 1


def test_delivery_gap_makes_complaints() -> None:
    s = run_scenario(load_scenario("scenarios/delivery_under_delivered.yaml")).summary
    assert s["delivery_complaints"] > 0


def test_malformed_design_fields_give_file_line_errors(tmp_path: Any) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\npopulation:\n  - {role: member, count: 3}\ngroup:\n  entry: {policy: lottery}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(bad)
    assert "bad.yaml:5" in str(err.value)
    bad.write_text("name: x\npopulation:\n  - {role: member, count: 3}\ngroup:\n  activities:\n    - {kind: check_in, hourz: 3}\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(bad)
    assert "bad.yaml:6" in str(err.value)
