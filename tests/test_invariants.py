"""Invariants that hold in every run, over random scenarios (hypothesis), checked with sim.testing."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from sim.testing import (
    banned_never_post_again,
    check,
    membership_consistent,
    record,
    staff_never_sanctioned,
)
from tests.strategies import scenarios


@settings(max_examples=25, deadline=None)
@given(scenarios())
def test_run_invariants(scenario) -> None:  # noqa: ANN001
    rec = record(scenario)
    # member count = joined - left - kicked; no post from outside the group; no rule acts on
    # the owner or an admin; nobody posts after a kick or ban (the toolkit users get)
    check(rec, membership_consistent, staff_never_sanctioned, banned_never_post_again)
    log = rec.events
    # time never goes back, and seq is the log order
    assert all(a <= b for a, b in zip(log["time"], log["time"][1:]))
    assert log["seq"] == sorted(log["seq"]) and len(set(log["seq"])) == len(log["seq"])
    # capacity is never exceeded
    present = 0
    for ev in log["event"]:
        present += ev == "join"
        present -= ev in ("leave", "kick")
        assert 0 <= present <= scenario.group.capacity
    # summary agrees with the log
    assert rec.summary["messages"] == log["event"].count("post")
    assert np.isfinite(rec.summary["lifetime_days"])


@settings(max_examples=10, deadline=None)
@given(scenarios())
def test_same_seed_same_log(scenario) -> None:  # noqa: ANN001
    assert record(scenario).summary["event_log_digest"] == record(scenario).summary["event_log_digest"]
