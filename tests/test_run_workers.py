"""Warm workers: chunks, the default worker count, identical results, and the collector's policy."""

from __future__ import annotations

import gc

import pytest

from sim.run import gc_policy
from sim.run.runner import POOL_PAYS_SECONDS, chunks, replicate
from sim.spec.scenario import Scenario


def _tiny() -> Scenario:
    return Scenario.model_validate({"name": "tiny", "duration_days": 2, "group": {"initial_members": 20},
                                    "population": [{"role": "member", "share": 1.0}]})


def test_chunks_cover_every_seed_once_in_order() -> None:
    seeds = list(range(100, 137))
    for workers, per_run in ((1, None), (2, None), (2, 0.01), (8, 5.0)):
        got = chunks(seeds, workers, per_run)
        assert [s for c in got for s in c] == seeds
    assert max(len(c) for c in chunks(seeds, 2, 5.0)) == 1  # long runs: one a task
    assert len(chunks(list(range(8)), 2)) == 8  # few seeds: one a task, so two workers balance


def test_pool_chunks_and_in_process_give_identical_runs() -> None:
    sc = _tiny()
    here = replicate(sc, [3, 4, 5, 6, 7], workers=1)
    pooled = replicate(sc, [3, 4, 5, 6, 7], workers=2)
    again = replicate(sc, [3, 4, 5, 6, 7], workers=2)  # the same warm pool, reused
    digests = [[r.summary["event_log_digest"] for r in rs] for rs in (here, pooled, again)]
    assert digests[0] == digests[1] == digests[2]
    assert [r.summary["seed"] for r in pooled] == [3, 4, 5, 6, 7]
    assert all(a.events.equals(b.events) for a, b in zip(here, pooled))


def test_default_keeps_short_runs_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs whose rest takes less than POOL_PAYS_SECONDS never start the pool (it would cost more)."""
    import sim.run.runner as runner

    def no_pool(workers: int) -> None:
        raise AssertionError("the pool was started for runs that do not pay for it")

    monkeypatch.setattr(runner, "shared_pool", no_pool)
    assert POOL_PAYS_SECONDS > 0.5
    runs = replicate(_tiny(), [1, 2, 3])
    assert [r.summary["seed"] for r in runs] == [1, 2, 3]


def test_quiet_gc_restores_the_collector_and_keeps_results() -> None:
    old = gc.get_threshold()
    sc = _tiny()
    with gc_policy.quiet_gc():
        assert gc.get_threshold() == gc_policy.THRESHOLDS and gc.get_freeze_count() > 0
    assert gc.get_threshold() == old and gc.get_freeze_count() == 0
    tuned = replicate(sc, [9], workers=1)[0].summary["event_log_digest"]
    import os

    os.environ["GROUPSIM_GC"] = "default"
    try:
        assert not gc_policy.enabled()
        plain = replicate(sc, [9], workers=1)[0].summary["event_log_digest"]
    finally:
        del os.environ["GROUPSIM_GC"]
    assert tuned == plain
