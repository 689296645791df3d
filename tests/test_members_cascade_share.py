"""Regression (issue 16 item 8): share-mode cascade thresholds use the membership at each decision.

The old code divided departures seen by the head count at the member's own
joining. Initial members join one after another at t=0, so the k-th had a
denominator of k: with share thresholds of 5%, one departure tipped the first
twenty, whose departures tipped everyone (100 of 100 left). Against the
membership present at the decision, one departure in 99 is 1%: nobody follows.
"""

from __future__ import annotations

import numpy as np

from sim.run.engine import Simulation, run_scenario
from sim.spec.scenario import Scenario


def _crowd(n: int, share: float, instigators: int, updating: str = "sync") -> Scenario:
    thr = [0.0] * instigators + [share] * (n - instigators)
    return Scenario.model_validate({
        "name": "share crowd", "seed": 1, "duration_days": 0.5,
        "group": {"social": {"mean_friends": 0}, "cascades": {"updating": updating, "round_minutes": 1, "share": True}},
        "population": [{
            "role": "member", "name": "crowd", "count": n,
            "params": {"post_rate": 0, "check_rate": 0 if updating == "sync" else 48.0, "mute_threshold": -100,
                       "leave_threshold": -100, "friend_leave_penalty": 0, "complain_on_leave": 0,
                       "leave_cascade_threshold": thr},
        }],
        "outcomes": {"stop_on_outcome": False},
    })


def test_one_departure_no_longer_runs_away() -> None:
    s = run_scenario(_crowd(100, 0.05, 1)).summary
    assert s["cascade_leaves"] == 1 and s["final_members"] == 99  # the old code: 100 and 0


def test_share_crossed_by_the_current_membership_cascades() -> None:
    """Six instigators of 100: 6/94 >= 5%, so everyone else follows (the mechanism still works)."""
    s = run_scenario(_crowd(100, 0.05, 6)).summary
    assert s["final_members"] == 0


def test_five_of_hundred_do_not_tip_a_five_percent_crowd() -> None:
    """Five instigators leave 95 present: 5/95 = 5.3% >= 5%, all follow; four: 4/96 = 4.2%, none."""
    assert run_scenario(_crowd(100, 0.05, 5)).summary["final_members"] == 0
    assert run_scenario(_crowd(100, 0.05, 4)).summary["final_members"] == 96


def test_share_seen_is_over_the_members_present_now() -> None:
    sim = Simulation(_crowd(40, 0.5, 0), 1)
    sim.env.run(until=0.5)
    sim.leave(0)
    sim.leave(1)
    dep, _ = sim.cascades.seen(np.array([2, 39]))
    assert dep.tolist() == [2 / 38, 2 / 38]  # the same for the first joiner and the last
