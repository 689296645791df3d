"""Invariants that hold in every run, over random scenarios (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from sim.engine import Simulation
from sim.group import OWNER
from tests.strategies import scenarios


def _run(scenario):  # noqa: ANN001, ANN202
    sim = Simulation(scenario)
    result = sim.run()
    return sim, result


@settings(max_examples=25, deadline=None)
@given(scenarios())
def test_run_invariants(scenario) -> None:  # noqa: ANN001
    sim, result = _run(scenario)
    log = result.log
    # time never goes back, and seq is the log order
    assert all(a <= b for a, b in zip(log.time, log.time[1:]))
    assert log.seq == sorted(log.seq) and len(set(log.seq)) == len(log.seq)
    # member count = joined - left - kicked
    joins = log.event.count("join")
    assert sim.g.count == joins - log.event.count("leave") - log.event.count("kick")
    # capacity is never exceeded
    present = 0
    for ev in log.event:
        present += ev == "join"
        present -= ev in ("leave", "kick")
        assert 0 <= present <= scenario.group.capacity
    # no message from a member after they were removed, and none before they joined
    inside: set[int] = set()
    for ev, actor, target in zip(log.event, log.actor, log.target):
        if ev == "join":
            inside.add(actor)
        elif ev == "leave":
            inside.discard(actor)
        elif ev == "kick":
            inside.discard(target)
        elif ev == "post":
            assert actor in inside, f"post by {actor} who is not in the group"
    # no rule acts on the owner
    owners = {i for i in range(sim.g.n) if sim.g.visible[i] == OWNER}
    for ev, target, rule in zip(log.event, log.target, log.rule):
        if ev in ("kick", "warn", "rule_mute"):
            assert target not in owners
        if ev == "delete":
            assert sim.g.messages[target].sender not in owners
    # summary agrees with the log
    assert result.summary["messages"] == log.event.count("post")
    assert np.isfinite(result.summary["lifetime_days"])


@settings(max_examples=10, deadline=None)
@given(scenarios())
def test_same_seed_same_log(scenario) -> None:  # noqa: ANN001
    assert _run(scenario)[1].digest == _run(scenario)[1].digest
