"""Harmful messages read in continuous time (issue 16 item 1): viewers, view times, read depth, removal."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.base.stats import paired_mean_diff
from sim.model.messages import Kind
from sim.model.roster import ADVERSARY
from sim.run.engine import Simulation, run_scenario
from sim.spec.scenario import Scenario, resolve_ruleset


def _quiet(n: int = 5, read_cap: float = 80.0) -> Simulation:
    sim = Simulation(Scenario.model_validate({
        "name": "quiet", "duration_days": 1,
        "population": [{"role": "member", "count": n, "params": {"post_rate": 0, "check_rate": 0, "read_cap": read_cap}}],
        "outcomes": {"stop_on_outcome": False},
    }), 1)
    sim.env.run(until=1.0)  # everyone has joined (last look at minute 0)
    return sim


def _spammer(sim: Simulation) -> int:
    return sim.roster.new_agent(-1, ADVERSARY)


def test_a_visit_sees_what_is_up_at_its_minute() -> None:
    sim = _quiet()
    harm = sim.posting.harmful
    ad = sim.post(_spammer(sim), Kind.AD, "加我领券", 10.0)
    sim.roster.delete_message(ad, 50.0)
    harm.on_visits(np.array([0, 1, 2]), np.array([5.0, 30.0, 55.0]), 60.0)
    rec = harm.tracked[0]
    assert rec.viewers == [1] and rec.view_times == [30.0]  # 0 looked before it, 2 after its removal
    harm.on_visits(np.array([0]), np.array([70.0]), 120.0)
    assert rec.viewers == [1]  # removed before 0's next look: never seen


def test_each_message_is_seen_once_per_member() -> None:
    sim = _quiet()
    harm = sim.posting.harmful
    sim.post(_spammer(sim), Kind.AD, "ad", 10.0)
    harm.on_visits(np.array([3]), np.array([20.0]), 60.0)
    harm.on_visits(np.array([3]), np.array([80.0]), 120.0)
    assert harm.tracked[0].viewers == [3]


def test_read_depth_buries_a_message() -> None:
    """With read_cap 3, an ad under three later messages is missed; under two it is seen."""
    sim = _quiet(read_cap=3.0)
    harm = sim.posting.harmful
    sim.post(_spammer(sim), Kind.AD, "ad", 10.0)
    for k in range(3):
        sim.post(4, Kind.CHAT, "哈哈", 11.0 + k)
    harm.on_visits(np.array([0, 1]), np.array([12.5, 14.0]), 60.0)  # 0: 2 messages above it; 1: 3
    assert harm.tracked[0].viewers == [0]


def test_member_messages_are_not_tracked() -> None:
    sim = _quiet()
    sim.post(0, Kind.COMPLAINT, "说好的福利呢？", 10.0)
    assert sim.posting.harmful.tracked == []


def test_metrics_of_a_hand_made_run() -> None:
    sim = _quiet()
    harm = sim.posting.harmful
    s = _spammer(sim)
    a, b, c = (sim.post(s, Kind.AD, "ad", t) for t in (10.0, 20.0, 30.0))
    sim.roster.delete_message(a, 15.0)  # removed after 5 minutes, before anyone looked
    sim.roster.delete_message(b, 60.0)  # 40 minutes
    harm.note_report(c.id, 35.0)
    harm.on_visits(np.array([0, 1]), np.array([32.0, 40.0]), 60.0)
    sim.env.run(until=100.0)  # c is still up at the end: censored at 70 minutes
    m = harm.metrics()
    assert m["harmful_messages"] == 3 and m["harmful_views"] == 4  # b and c by both
    assert m["harmful_views_before_report"] == 3  # 1 saw c after its report at 35
    assert m["harmful_removed_unseen_share"] == pytest.approx(1 / 3)
    assert m["harmful_removal_minutes_median"] == 40.0  # KM: 5 and 40 removed, c censored


def _delay_scenario(delay: float) -> Scenario:
    return resolve_ruleset(Scenario.model_validate({
        "name": "moderator delay", "duration_days": 2,
        "group": {"initial_members": 60},
        "population": [
            {"role": "member", "share": 1.0, "params": {"check_rate": 12}},
            {"role": "operator", "count": 1, "params": {
                "content_per_day": 0, "working_hours": [0, 24], "response_delay_minutes": delay}},
            {"role": "ad_spammer", "count": 3, "params": {"join_day": 0.1, "ad_rate": 6, "stay_days": 5, "strategy": {"responsive": False}}},
        ],
        "ruleset": {"name": "remove ads", "rules": [
            {"use": "ban_ads_and_links", "params": {"kick_after": 1000}, "executor": "operator"}]},
        "outcomes": {"stop_on_outcome": False},
    }))


@pytest.mark.slow
def test_harmful_views_rise_strictly_with_the_moderators_delay() -> None:
    """30 paired seeds; delays 5 min, 50 min, 4 h, 24 h: each step adds harmful views (interval above 0).

    The 5-versus-50-minute step is the one that reading binned to the hour blurred (issue 16).
    """
    delays = (5.0, 50.0, 240.0, 1440.0)
    views = {d: [float(run_scenario(_delay_scenario(d), s).summary["harmful_views"]) for s in range(30)] for d in delays}
    means = [float(np.mean(views[d])) for d in delays]
    assert means == sorted(means) and len(set(means)) == len(means)
    for a, b in zip(delays, delays[1:]):
        _, lo, _, p = paired_mean_diff(views[a], views[b])
        assert lo > 0 and p < 0.01, (a, b)


def test_no_removal_leaves_the_median_undefined() -> None:
    s = run_scenario(_delay_scenario(1e6), 1).summary
    assert s["harmful_messages"] > 0 and math.isnan(s["harmful_removal_minutes_median"])
    assert s["harmful_removed_unseen_share"] == 0.0
