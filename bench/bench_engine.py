"""Engine throughput: the reference scenario against a bare simpy loop, in one process.

Run:  python bench/bench_engine.py [--repeat 3] [--breakdown]

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

from sim.engine import Simulation, run_scenario
from sim.scenario import Scenario, load_scenario

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


def breakdown(scenario: Scenario, repeat: int) -> None:
    """Where the time goes: the run phase alone, with and without rules and questions, per message."""
    variants = (("chat only, no rules", False, False), ("chat, questions, answers, no rules", False, True),
                ("chat only, built-in rules", True, False), ("everything (the reference)", True, True))
    print("run phase only (build and summary excluded), median over seeds:")
    for label, rules, questions in variants:
        data = scenario.model_dump(mode="json", by_alias=True)
        if not rules:
            data["ruleset"] = {"name": "none", "rules": []}
        if not questions:
            data["population"][0]["params"] |= {"question_share": 0.0, "answer_propensity": 0.0}
        sc = Scenario.model_validate(data)
        per_msg, bare = [], []
        for k in range(repeat):
            sim = Simulation(sc, sc.seed + k)
            t = time.perf_counter()
            sim.env.run(until=sim._stop)
            n = len(sim.g.messages)
            per_msg.append((time.perf_counter() - t) / n * 1e6)
            bare.append(bare_loop(n) / n * 1e6)
        us, b = statistics.median(per_msg), statistics.median(bare)
        print(f"  {label:36s} {us:6.2f} us/message  (bare simpy {b:4.2f})  ratio {b / us:5.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scenario", type=Path, default=HERE / "reference.yaml")
    ap.add_argument("--breakdown", action="store_true", help="Also time the run phase with parts switched off.")
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
    if args.breakdown:
        breakdown(scenario, args.repeat)


if __name__ == "__main__":
    main()
