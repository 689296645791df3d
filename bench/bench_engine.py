"""Engine throughput: the reference scenario against a bare simpy loop, in one process.

Run:  python bench/bench_engine.py [--repeat 5] [--breakdown] [--floor]

Prints messages/s of one 500-member, 30-day run of bench/reference.yaml and of a
bare simpy loop doing one timeout per message (same number of messages), and
their ratio. Each run is paired with bare loops timed just before and just
after it, and the ratio reported is the median of the per-pair ratios: on a
shared machine whose speed drifts by half within a minute, the pairs cancel
most of the drift that a ratio of two separate medians keeps.

``--floor`` also times stripped-down models on the same messages, as
yardsticks for what any engine must spend per message: a simpy timeout per
message that builds the message object (nothing else); the same plus the two
built-in rules through the rule engine; and that without the timeouts (posts
walked inline, as the engine does between events). Speed is measured here, never
asserted in tests.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simpy

from rules import MessageForm, MessagePosted
from rules.builtin import BanAdsAndLinks, FloodLimit
from rules.engine import RuleEngine
from sim.model.roster import Roster
from sim.model.messages import Kind, Message

from sim.run.engine import Simulation, run_scenario
from sim.spec.scenario import Scenario, load_scenario

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


def paired(n: int, timed: Callable[[], float]) -> tuple[float, float]:
    """(seconds of ``timed()``, bare-loop seconds for ``n`` messages around it)."""
    before = bare_loop(n)
    dt = timed()
    return dt, (before + bare_loop(n)) / 2


def floor_model(n: int, rules: bool, seed: int = 1, inline: bool = False) -> float:
    """Seconds for a model that does only the least any engine must per message.

    One simpy timeout per message (the gaps of a 500-member group), one
    :class:`~sim.messages.Message` built and kept, and, with ``rules``, the
    two built-in rules judging it through the rule engine. No members, no
    reading, no satisfaction, no questions, no log, no set-up. ``inline``
    drops the timeouts too (one process walks the message times, as
    ``Posting.chatter`` in sim/model/members/posting.py does between events).
    """
    rng = np.random.default_rng(seed)
    senders = rng.integers(0, 500, n).tolist()
    gaps = rng.exponential(43200.0 / n, n).tolist()
    env = simpy.Environment()
    messages: list[Message] = []
    engine = RuleEngine([BanAdsAndLinks(), FloodLimit()])
    group = Roster(500, 512)
    for _ in range(500):
        group.new_agent(0, 0)
    text, chat = MessageForm.TEXT, Kind.CHAT

    def proc():  # noqa: ANN202
        t = 0.0
        for i, gap in zip(senders, gaps):
            if inline:
                t += gap
            else:
                yield env.timeout(gap)
                t = env.now
            m = Message(len(messages), 0, t, i, chat, text, "哈哈")
            messages.append(m)
            if rules:
                group.now = t
                engine.handle_post(MessagePosted(t, m), group)
        yield env.timeout(0)

    env.process(proc())
    t0 = time.perf_counter()
    env.run()
    return time.perf_counter() - t0


def floors(n: int, repeat: int) -> None:
    print(f"yardsticks on {n:,} messages (median of {repeat} paired ratios):")
    models = (
        ("timeout + message object", False, False),
        ("timeout + message object + built-in rules", True, False),
        ("inline: message object + built-in rules", True, True),
    )
    for label, rules, inline in models:
        ratios = []
        for _ in range(repeat):
            dt, bare = paired(n, lambda rules=rules, inline=inline: floor_model(n, rules, inline=inline))
            ratios.append(bare / dt)
        print(f"  {label:44s} ratio {statistics.median(ratios):5.3f}  (range {min(ratios):.3f}-{max(ratios):.3f})")


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
            sim.env.run(until=sim.timeline.stop_event)
            n = len(sim.roster.messages)
            per_msg.append((time.perf_counter() - t) / n * 1e6)
            bare.append(bare_loop(n) / n * 1e6)
        us, b = statistics.median(per_msg), statistics.median(bare)
        print(f"  {label:36s} {us:6.2f} us/message  (bare simpy {b:4.2f})  ratio {b / us:5.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scenario", type=Path, default=HERE / "reference.yaml")
    ap.add_argument("--breakdown", action="store_true", help="Also time the run phase with parts switched off.")
    ap.add_argument("--floor", action="store_true", help="Also time the stripped-down yardstick models.")
    args = ap.parse_args()
    scenario = load_scenario(args.scenario)
    runs = []
    for k in range(args.repeat):
        box: dict[str, int] = {}

        def one(k: int = k, box: dict[str, int] = box) -> float:
            t = time.perf_counter()
            box["n"] = run_scenario(scenario, scenario.seed + k).summary["messages"]
            return time.perf_counter() - t

        before = bare_loop(50_000) / 50_000  # also warms up
        dt = one()
        n = box["n"]
        bare = (before * n + bare_loop(n)) / 2
        runs.append((n, dt, bare))
    msgs = statistics.median(n for n, _, _ in runs)
    wall = statistics.median(dt for _, dt, _ in runs)
    ratios = [bare / dt for _, dt, bare in runs]
    print(f"scenario: {scenario.name} ({args.scenario.name}), {args.repeat} runs, seeds {scenario.seed}..{scenario.seed + args.repeat - 1}")
    print(f"messages per run (median): {msgs:,.0f}; wall time per run (median): {wall:.3f} s")
    print(f"groupsim:  {statistics.median(n / dt for n, dt, _ in runs):12,.0f} messages/s")
    print(f"bare simpy: {statistics.median(n / bare for n, _, bare in runs):12,.0f} messages/s (one timeout per message)")
    print(f"ratio:      {statistics.median(ratios):12.3f}  (median of paired ratios; range {min(ratios):.3f}-{max(ratios):.3f})")
    if args.breakdown:
        breakdown(scenario, args.repeat)
    if args.floor:
        floors(int(msgs), args.repeat)


if __name__ == "__main__":
    main()
