"""Timeline.schedule: the horizons it must lower, and only those (O(1) per event, not O(groups))."""

from __future__ import annotations

from typing import Any

import simpy

from sim.model.timeline import Timeline


def _pair() -> tuple[simpy.Environment, Timeline, Timeline]:
    env = simpy.Environment()
    shared: list[Timeline] = []
    return env, Timeline(env, 100.0, shared), Timeline(env, 100.0, shared)


def test_schedule_lowers_its_own_horizon_and_the_inline_groups() -> None:
    env, a, b = _pair()
    seen: dict[str, float] = {}

    def inline_b() -> Any:
        yield env.timeout(1.0)
        b.horizon = 50.0  # as the posting process sets it on resuming
        a.horizon = 60.0
        a.schedule(10.0, lambda: None)  # group a schedules while b posts inline
        seen["a"], seen["b"] = a.horizon, b.horizon

    b.inline_process(env.process(inline_b()))
    env.run(until=5.0)
    assert seen == {"a": 10.0, "b": 10.0}


def test_schedule_from_no_inline_process_leaves_other_groups_alone() -> None:
    env, a, b = _pair()
    a.horizon = b.horizon = 40.0
    a.schedule(5.0, lambda: None)  # no posting process runs: b resets its horizon when it resumes
    assert (a.horizon, b.horizon) == (5.0, 40.0)


def test_scheduling_cost_does_not_grow_with_groups() -> None:
    env = simpy.Environment()
    shared: list[Timeline] = []
    lines = [Timeline(env, 100.0, shared) for _ in range(2000)]
    for t in lines:
        t.horizon = 99.0
    lines[0].schedule(1.0, lambda: None)
    assert sum(t.horizon == 1.0 for t in lines) == 1  # only its own: nothing walks the other 1,999
