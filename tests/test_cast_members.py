"""Members: tiers, participation inequality, bursty timing, cascades (scenarios/presets/)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.run.engine import Simulation, run_scenario
from sim.model.members.timing import burstiness, mean_steps
from sim.spec.scenario import MemberParams, Scenario, load_scenario
from sim.run.summary import gini

PRESETS = Path(__file__).resolve().parent.parent / "scenarios" / "presets"


def test_tier_fills_only_missing_fields() -> None:
    p = MemberParams(tier="lurker", check_rate=9.0)
    assert p.check_rate == 9.0
    assert p.post_rate.median == pytest.approx(0.002)  # type: ignore[union-attr]


def test_priority_list_keeps_the_mean_rate() -> None:
    """E[steps] = ln((1+p)/(1-p))/p makes the bursty process post at post_rate on average."""
    p = np.array([0.9])
    rng = np.random.default_rng(0)
    x = rng.random(200_000)
    tau = rng.geometric(p * x + (1 - p) / 2)
    assert tau.mean() == pytest.approx(float(mean_steps(p)[0]), rel=0.03)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_participation_preset(seed: int) -> None:
    sim = Simulation(load_scenario(PRESETS / "participation.yaml"), seed)
    sim.run()
    g = sim.roster
    members = np.flatnonzero(g.reader[: g.n] & g.ever_joined[: g.n])
    posts = np.asarray(g.posts)[members]
    assert len(members) == 500
    ranked = np.sort(posts)[::-1] / posts.sum()
    assert 0.10 <= (posts > 0).mean() <= 0.40
    assert 0.40 <= ranked[:5].sum() <= 0.80
    assert 0.15 <= ranked[5:50].sum() <= 0.45
    assert ranked[50:].sum() <= 0.10
    assert gini(posts) >= 0.8
    times: dict[int, list[float]] = {}
    for m in g.messages:
        if g.reader[m.sender]:
            times.setdefault(m.sender, []).append(m.time)
    b = [burstiness(np.array(v)) for v in times.values() if len(v) >= 30]  # enough gaps to estimate B
    assert len(b) >= 5 and float(np.median(b)) > 0.2


def test_poisson_members_are_not_bursty() -> None:
    """Control: with priority_greed 0 the same active members have B near 0."""
    data = load_scenario(PRESETS / "participation.yaml").model_dump(mode="json", by_alias=True)
    data["duration_days"] = 10
    for entry in data["population"]:
        if entry["role"] == "member":
            entry["params"]["priority_greed"] = 0.0
    sim = Simulation(Scenario.model_validate(data), 1)
    sim.run()
    times: dict[int, list[float]] = {}
    for m in sim.roster.messages:
        if sim.roster.reader[m.sender]:
            times.setdefault(m.sender, []).append(m.time)
    b = [burstiness(np.array(v)) for v in times.values() if len(v) >= 30]
    assert float(np.median(b)) < 0.2


def test_granovetter_crowd_all_leave() -> None:
    s = run_scenario(load_scenario(PRESETS / "granovetter_crowd.yaml")).summary
    assert s["leaves"] == 100 and s["cascade_leaves"] == 100 and s["final_members"] == 0


def test_granovetter_crowd_one_threshold_changed_exactly_one_leaves() -> None:
    s = run_scenario(load_scenario(PRESETS / "granovetter_crowd_broken.yaml")).summary
    assert s["leaves"] == 1 and s["final_members"] == 99


def test_granovetter_crowd_async_gives_the_same_end() -> None:
    data = load_scenario(PRESETS / "granovetter_crowd.yaml").model_dump(mode="json", by_alias=True)
    data["group"]["cascades"]["updating"] = "async"
    data["population"][0]["params"]["check_rate"] = 48.0
    data["population"][0]["params"]["visit_greed"] = 0.0  # Poisson looks: everyone looks again within the 3 days
    data["duration_days"] = 3
    assert run_scenario(Scenario.model_validate(data)).summary["leaves"] == 100


def test_sync_rounds_act_together() -> None:
    """Synchronous: thresholds 0,0,1,1: two leave in round 1, two in round 2 (four leave events, two times)."""
    data = load_scenario(PRESETS / "granovetter_crowd.yaml").model_dump(mode="json", by_alias=True)
    data["population"][0]["count"] = 4
    data["population"][0]["params"]["leave_cascade_threshold"] = [0, 0, 2, 2]
    log = run_scenario(Scenario.model_validate(data)).log
    times = [t for e, t in zip(log.event, log.time) if e == "leave"]
    assert times == [1.0, 1.0, 2.0, 2.0]


def test_friend_weight_counts_friends_more() -> None:
    sim = Simulation(Scenario.model_validate({
        "name": "w", "duration_days": 1, "group": {"initial_members": 30, "cascades": {"friend_weight": 3}},
        "population": [{"role": "member", "share": 1.0}],
    }), 1)
    sim.env.run(until=1.0)
    i = next(n for n in sim.graph.nodes if sim.graph.degree(n) > 0)
    friend = next(iter(sim.graph.neighbors(i)))
    stranger = next(j for j in sim.graph.nodes if j != i and not sim.graph.has_edge(i, j))
    sim.leave(i)
    dep, _ = sim.cascades.seen(np.array([friend, stranger]))
    assert dep.tolist() == [3.0, 1.0]


def test_referral_brings_friends_in() -> None:
    s = Scenario.model_validate({
        "name": "ref", "duration_days": 5, "group": {"initial_members": 50},
        "population": [{"role": "member", "share": 1.0, "params": {"referral_rate": 0.1}},
                       {"role": "operator", "count": 1}],
    })
    sim = Simulation(s, 1)
    summary = sim.run().summary
    assert summary["referrals"] > 5
    assert summary["joins"] == 51 + summary["referrals"] - sum(1 for e in sim.log.event if e == "join_refused")


def test_chilling_lowers_posting_after_punishments() -> None:
    base = {
        "name": "chill", "duration_days": 4, "group": {"initial_members": 150},
        "population": [{"role": "member", "share": 1.0, "params": {"post_rate": 1.0}},
                       {"role": "operator", "count": 1},
                       {"role": "ad_spammer", "count": 6, "params": {"join_day": 0.1, "ad_rate": 20, "strategy": {"responsive": False}}}],
        "ruleset": {"name": "b", "rules": [{"use": "ban_ads_and_links", "params": {"kick_after": 50}}]},
        "outcomes": {"stop_on_outcome": False},
    }
    chilled = {**base, "population": [{**base["population"][0], "params": {"post_rate": 1.0, "chilling": 0.05}}, *base["population"][1:]]}
    for seed in (1, 2):
        a = run_scenario(Scenario.model_validate(base), seed).summary["member_messages"]
        b = run_scenario(Scenario.model_validate(chilled), seed).summary["member_messages"]
        assert b < 0.8 * a
