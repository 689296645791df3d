"""Engine throughput: the reference scenario against a bare simpy loop, in one process.

Run:  python bench/bench_engine.py [--repeat 3]

Prints messages/s of one 500-member, 30-day run of bench/reference.yaml and of a
bare simpy loop doing one timeout per message (same number of messages), and
their ratio. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import simpy

from sim.engine import run_scenario
from sim.scenario import load_scenario

HERE = Path(__file__).resolve().parent


def bare_loop(n: int) -> float:
    """Seconds for a bare simpy process doing ``n`` timeouts."""

    def proc(env: simpy.Environment):  # noqa: ANN202
        for _ in range(n):
            yield env.timeout(1.0)

    env = simpy.Environment()
    env.process(proc(env))
    t = time.perf_counter()
    env.run()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scenario", type=Path, default=HERE / "reference.yaml")
    args = ap.parse_args()
    scenario = load_scenario(args.scenario)
    runs, bares = [], []
    for k in range(args.repeat):
        t = time.perf_counter()
        result = run_scenario(scenario, scenario.seed + k)
        dt = time.perf_counter() - t
        n = result.summary["messages"]
        runs.append((n, dt))
        bares.append(n / bare_loop(n))
    sim_rate = statistics.median(n / dt for n, dt in runs)
    bare_rate = statistics.median(bares)
    wall = statistics.median(dt for _, dt in runs)
    msgs = statistics.median(n for n, _ in runs)
    print(f"scenario: {scenario.name} ({args.scenario.name}), {args.repeat} runs")
    print(f"messages per run (median): {msgs:,.0f}; wall time per run (median): {wall:.3f} s")
    print(f"groupsim:  {sim_rate:12,.0f} messages/s")
    print(f"bare simpy: {bare_rate:12,.0f} messages/s (one timeout per message)")
    print(f"ratio:      {sim_rate / bare_rate:12.3f}")


if __name__ == "__main__":
    main()
