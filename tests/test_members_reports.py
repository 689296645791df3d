"""Members report harmful messages they see (issue 16 item 4): reporter, message, time, reason, and rules reading them."""

from __future__ import annotations

import numpy as np
import pytest

from sim.base.stats import paired_mean_diff
from sim.model.messages import Kind
from sim.model.roster import ADVERSARY
from sim.run.engine import Simulation, run_scenario
from sim.spec.scenario import Scenario, resolve_ruleset


def _scenario(propensity: float, rules: list[dict[str, object]] | None = None, delay: float = 1e6) -> Scenario:
    return resolve_ruleset(Scenario.model_validate({
        "name": "reports", "duration_days": 2,
        "group": {"initial_members": 60},
        "population": [
            {"role": "member", "share": 1.0, "params": {"check_rate": 12, "report_propensity": propensity}},
            {"role": "operator", "count": 1, "params": {
                "content_per_day": 0, "working_hours": [0, 24], "response_delay_minutes": delay}},
            {"role": "ad_spammer", "count": 3, "params": {"join_day": 0.1, "ad_rate": 6, "stay_days": 5}},
        ],
        "ruleset": {"name": "r", "rules": rules or []},
        "outcomes": {"stop_on_outcome": False},
    }))


def test_a_report_carries_reporter_message_time_and_reason() -> None:
    sim = Simulation(Scenario.model_validate({
        "name": "one", "duration_days": 1,
        "population": [{"role": "member", "count": 3, "params": {"post_rate": 0, "check_rate": 0, "report_propensity": 1.0}}],
    }), 1)
    sim.env.run(until=1.0)
    ad = sim.post(sim.roster.new_agent(-1, ADVERSARY), Kind.AD, "加我", 10.0)
    sim.posting.harmful.on_visits(np.array([0, 2]), np.array([20.0, 30.0]), 60.0)
    reps = sim.posting.reports.reports
    assert [(r.reporter, r.message_id, r.time, r.reason, r.harmful) for r in reps] == [
        (0, ad.id, 60.0, "harmful", True), (2, ad.id, 60.0, "harmful", True)]
    assert sim.posting.reports.reporters[ad.id] == [0, 2]
    assert sim.posting.harmful.tracked[0].first_report == 60.0


def test_zero_propensity_files_no_report() -> None:
    s = run_scenario(_scenario(0.0), 1).summary
    assert s["harmful_views"] > 0 and s["member_reports"] == 0


@pytest.mark.slow
def test_reports_rise_with_propensity() -> None:
    """30 paired seeds: reports per harmful message rise from propensity 0.01 to 0.05 (messages never removed)."""
    lo_p = [run_scenario(_scenario(0.01), s).summary["reports_per_harmful"] for s in range(30)]
    hi_p = [run_scenario(_scenario(0.05), s).summary["reports_per_harmful"] for s in range(30)]
    m, lo, _, p = paired_mean_diff(lo_p, hi_p)
    assert lo > 0 and p < 0.01


def test_a_rule_reads_the_reporters_and_acts() -> None:
    """A rule that deletes on the third distinct reporter: with reporting on, harmful messages are removed."""
    rule = {"name": "three reporters", "trigger": {"on": "reports", "count": 3},
            "if": "message.reporters >= 3 and report.reason == 'harmful' and report.reporter_role == 'member'",
            "then": ["delete"], "executor": "bot"}
    on = run_scenario(_scenario(0.2, [rule]), 1).summary
    off = run_scenario(_scenario(0.0, [rule]), 1).summary
    assert on["harmful_removed_unseen_share"] == 0.0 and on["report_to_action_minutes_median"] >= 0
    assert off["harmful_views"] > on["harmful_views"]  # ablation: no reports, nothing removed


def test_brigade_false_reports_take_the_members_path() -> None:
    """Report-bombing (seed 000: 竞对) is filed like any report: reporter, reason, and a false report in the share."""
    from pathlib import Path

    from sim.spec.scenario import load_scenario

    presets = Path(__file__).resolve().parent.parent / "scenarios" / "presets"
    base = load_scenario(presets / "competitor_brigade.yaml").model_dump(mode="json", by_alias=True)
    base["ruleset"] = {"name": "reports", "rules": [
        {"name": "reported", "trigger": {"on": "reports", "count": 1}, "if": "report.reason == 'brigade'", "then": ["delete"]}]}
    brigade = next(k for k, p in enumerate(base["population"]) if p["role"] == "brigade")
    base["population"][brigade]["params"]["reports_per_day"] = 20
    sim = Simulation(Scenario.model_validate(base), 1)
    s = sim.run().summary
    filed = [r for r in sim.posting.reports.reports if r.reason == "brigade"]
    assert filed and all(sim.roster.truth[r.reporter] == ADVERSARY and not r.harmful for r in filed)
    # each report-bombing that found a visible message of its target went through the one path, with who filed it
    bombed = {(r.time, r.reporter, r.target) for r in sim.cast.reports}
    assert {(r.time, r.reporter, sim.roster.messages[r.message_id].sender) for r in filed} <= bombed
    assert s["false_report_share"] > 0 and s["false_positives"] > 0
    base["population"][brigade]["params"]["reports_per_day"] = 0
    quiet = run_scenario(Scenario.model_validate(base), 1).summary
    assert quiet["false_positives"] == 0  # no brigade reports: the rule never fires


def _desk_order(queue: str) -> list[tuple[int, float]]:
    """Five cases at 10:00 on day 0 with 0-5 reports; the admin has room for two a day."""
    from rules import HumanExecutor
    from rules.executors import DelaySpec
    from sim.model.moderation import HumanDesk

    sim = Simulation(Scenario.model_validate({
        "name": "desk", "duration_days": 4,
        "population": [{"role": "member", "count": 1, "params": {"post_rate": 0, "check_rate": 0}}],
        "outcomes": {"stop_on_outcome": False},
    }), 1)
    spec = HumanExecutor(response_delay=DelaySpec(dist="fixed", median=0.0), miss_probability=0.0,
                         attention_minutes_per_day=4.0, groups=1, minutes_per_case=2.0, queue=queue)  # type: ignore[arg-type]
    desk = HumanDesk(spec, np.random.default_rng(0), sim)
    done: list[tuple[int, float]] = []
    for case, reports in enumerate([1, 5, 2, 5, 0]):
        desk.submit(600.0, 2.0, lambda r=reports: r, lambda when, c=case: done.append((c, when)))
    sim.env.run(until=4 * 1440.0)
    return done


def test_the_human_queue_takes_the_most_reported_first() -> None:
    day1, day2 = 1440.0 + 540.0, 2 * 1440.0 + 540.0  # working days start at 9:00
    # the first two fit today's minutes as they arrive; the backlog is ordered by reports the next morning
    assert _desk_order("most_reported") == [(0, 600.0), (1, 600.0), (3, day1), (2, day1), (4, day2)]
    assert _desk_order("fifo") == [(0, 600.0), (1, 600.0), (2, day1), (3, day1), (4, day2)]
