"""Forwarding (issue 16 item 6): per-form propensities, outside exposure, removal, invitations, portfolios."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from rules import MessageForm
from sim.base.stats import paired_mean_diff
from sim.model.messages import Kind
from sim.model.roster import ADVERSARY
from sim.run.engine import Simulation, run_scenario
from sim.run.portfolio import Portfolio, PortfolioRun
from sim.spec.scenario import Scenario, resolve_ruleset


def _quiet(**params: Any) -> Simulation:
    sim = Simulation(Scenario.model_validate({
        "name": "quiet", "duration_days": 1,
        "population": [{"role": "member", "count": 5, "params": {"post_rate": 0, "check_rate": 0, **params}}],
        "outcomes": {"stop_on_outcome": False},
    }), 1)
    sim.env.run(until=1.0)
    return sim


def test_every_view_of_an_ad_is_a_chance_to_forward_it() -> None:
    sim = _quiet(forward_ads=1.0, forward_rumours=0.0, forward_content=0.0)
    spammer = sim.roster.new_agent(-1, ADVERSARY)
    ad = sim.post(spammer, Kind.AD, "加我领券", 10.0)
    sim.roster.delete_message(ad, 35.0)
    sim.posting.harmful.on_visits(np.array([0, 1, 2]), np.array([20.0, 30.0, 40.0]), 60.0)
    m = sim.posting.forwarding.metrics()
    assert m["forwards_ads"] == 2  # 2 looked after its removal: a removed message cannot be forwarded
    assert m["outside_exposure_ads"] == 2 * sim.scenario.group.forwarding.audience
    assert m["forwards_rumours"] == 0


def test_forms_have_their_own_propensities() -> None:
    sim = _quiet(forward_ads=0.0, forward_rumours=1.0, forward_content=0.0, forward_red_packets=1.0)
    spammer = sim.roster.new_agent(-1, ADVERSARY)
    sim.post(spammer, Kind.AD, "加我领券", 10.0)
    sim.post(spammer, Kind.COMPLAINT, "这家是骗子", 11.0)
    sim.post(spammer, Kind.ACTIVITY, "红包", 12.0, form=MessageForm.RED_PACKET)
    sim.posting.harmful.on_visits(np.array([0, 1]), np.array([20.0, 30.0]), 60.0)
    m = sim.posting.forwarding.metrics()
    assert (m["forwards_ads"], m["forwards_rumours"], m["forwards_red_packets"]) == (0, 2, 2)


def test_the_off_switch() -> None:
    sc = Scenario.model_validate({
        "name": "off", "duration_days": 1, "group": {"forwarding": {"enabled": False}},
        "population": [{"role": "member", "count": 5, "params": {"post_rate": 0, "check_rate": 0, "forward_ads": 1.0}}],
    })
    sim = Simulation(sc, 1)
    assert not sim.posting.forwarding.active and sim.posting.forwarding not in sim.posting.harmful.watchers


def _content_scenario(policy: dict[str, Any], join_probability: float = 0.05) -> Scenario:
    return Scenario.model_validate({
        "name": "forwarded content", "duration_days": 5,
        "group": {"initial_members": 40, "entry": policy,
                  "forwarding": {"join_probability": join_probability, "entry": "newcomer"}},
        "population": [
            {"role": "member", "share": 1.0, "params": {"forward_content": 0.2, "screening_score": 1.0}},
            {"role": "member", "name": "newcomer", "count": 0, "params": {"screening_score": 0.0}},
            {"role": "operator", "count": 1},
        ],
    })


def test_forwarded_content_brings_invitees_through_the_entry_policy() -> None:
    opened = run_scenario(_content_scenario({"policy": "open"}), 1).summary
    assert opened["forwards_content"] > 0 and opened["forward_invitations"] > 0
    assert 0 < opened["forward_joins"] <= opened["forward_invitations"]
    closed = run_scenario(_content_scenario({"policy": "invitation_only", "min_screening_score": 1.0}), 1).summary
    assert closed["forward_invitations"] > 0 and closed["forward_joins"] == 0  # screened out at the door
    none = run_scenario(_content_scenario({"policy": "open"}, 0.0), 1).summary
    assert none["forward_invitations"] == 0 and none["forwards_content"] > 0


def _ads_scenario(delay: float) -> Scenario:
    return resolve_ruleset(Scenario.model_validate({
        "name": "ads and removal speed", "duration_days": 2,
        "group": {"initial_members": 60},
        "population": [
            {"role": "member", "share": 1.0, "params": {"check_rate": 12, "forward_ads": 0.05}},
            {"role": "operator", "count": 1, "params": {
                "content_per_day": 0, "working_hours": [0, 24], "response_delay_minutes": delay}},
            {"role": "ad_spammer", "count": 3, "params": {"join_day": 0.1, "ad_rate": 6, "stay_days": 5}},
        ],
        "ruleset": {"name": "remove ads", "rules": [
            {"use": "ban_ads_and_links", "params": {"kick_after": 1000}, "executor": "operator"}]},
        "outcomes": {"stop_on_outcome": False},
    }))


@pytest.mark.slow
def test_outside_exposure_of_ads_falls_with_faster_removal() -> None:
    """30 paired seeds: removal in 5 minutes against 4 hours; forwards stop when an ad is removed."""
    fast = [run_scenario(_ads_scenario(5.0), s).summary for s in range(30)]
    slow = [run_scenario(_ads_scenario(240.0), s).summary for s in range(30)]
    d, lo, hi, p = paired_mean_diff([s["outside_exposure_ads"] for s in fast], [s["outside_exposure_ads"] for s in slow])
    assert lo > 0 and p < 0.01, (d, lo, hi, p)
    off = run_scenario(_ads_scenario(240.0).with_values(group={"initial_members": 60, "forwarding": {"enabled": False}}), 0)
    assert off.summary["outside_exposure_ads"] == 0.0 and off.summary["harmful_views"] > 0


def test_a_portfolio_member_forwards_into_their_other_group() -> None:
    def group(spam: bool) -> Scenario:
        pop: list[dict[str, Any]] = [{"role": "member", "share": 1.0, "params": {"check_rate": 12, "forward_ads": 0.2}}]
        if spam:
            pop.append({"role": "ad_spammer", "count": 1, "params": {"join_day": 0.1, "ad_rate": 10}})
        return Scenario.model_validate({"name": "spam" if spam else "quiet", "duration_days": 3,
                                        "group": {"initial_members": 30, "forwarding": {"to_groups": 1.0}},
                                        "population": pop, "outcomes": {"stop_on_outcome": False}})
    portfolio = Portfolio.model_validate({"name": "two", "duration_days": 3, "overlap": 1.0,
                                          "groups": [{"name": "a", "scenario": "a.yaml"}, {"name": "b", "scenario": "b.yaml"}]})
    run = PortfolioRun(portfolio, [group(True), group(False)], 1)
    r = run.run()
    a, b = r["groups"]
    assert a["forwards_to_groups"] > 0
    into_b = [m for m in run.sims[1].roster.messages if m.form is MessageForm.FORWARD]
    assert len(into_b) == a["forwards_to_groups"] and all(m.kind is Kind.AD for m in into_b)
