"""Property: validate never tracebacks on a mutated scenario, and a file it accepts runs a day without one (issue 17).

The full count (10,000 files) is ``python bench/bench_fuzz.py``; here hypothesis
draws a few dozen mutations (more under the ``ci`` profile's example count).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.testing.fuzz import bundled_bases, check_text, dump_yaml, mutate

ROOT = Path(__file__).resolve().parent.parent
BASES = bundled_bases(ROOT)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.integers(0, len(BASES) - 1), seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 3))
def test_validate_never_tracebacks_and_accepted_files_run(base: int, seed: int, edits: int) -> None:
    data = mutate(BASES[base], np.random.default_rng(seed), edits)
    verdict = check_text(dump_yaml(data))
    assert not verdict.crash, verdict.crash


def test_the_mutations_reach_the_checks() -> None:
    """The fuzzer is not vacuous: some mutations are accepted and run, most are rejected."""
    rng = np.random.default_rng(0)
    verdicts = [check_text(dump_yaml(mutate(BASES[k % len(BASES)], rng, 1))) for k in range(40)]
    assert any(v.ran for v in verdicts) and sum(not v.accepted for v in verdicts) >= 10


def test_the_old_crashes_are_clean_rejections() -> None:
    """Regressions found by the fuzzer: unhashable tiers, rates past any person, huge arrival counts."""
    base = BASES[0]
    for path, value in [(("population", 0, "params", "tier"), ["core"]),
                        (("population", 0, "params", "post_rate"), 1e12),
                        (("population", 0, "params", "check_rate"), {"dist": "lognormal", "median": 1, "sigma": 40}),
                        (("group", "arrivals", "per_day"), [1e9])]:
        data = mutate(base, np.random.default_rng(0), 0)
        node = data
        for part in path[:-1]:
            node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
        if isinstance(node, dict) and not isinstance(path[-1], str):
            continue
        node[path[-1]] = value
        verdict = check_text(dump_yaml(data))
        assert not verdict.crash and not verdict.accepted, (path, verdict)
