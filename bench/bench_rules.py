"""Rule-engine throughput: the reference scenario with no rules, 10 rules and 50 rules, in one process.

Run:  python bench/bench_rules.py [--repeat 3]

Prints messages/s of bench/reference.yaml (a 500-member, 30-day busy group)
with its ruleset replaced by: no rules; 10 declarative rules of every kind
(message conditions with keywords, counters, an RE2 pattern, a ladder, a
join rule, silence and schedule rules); 50 rules (the 10, five times, with
other thresholds). The issue's floor: with 10 rules the run keeps >= 60% of
the no-rule throughput. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from rules import RulesetSpec
from sim.run.engine import run_scenario
from sim.spec.scenario import Scenario, load_scenario

HERE = Path(__file__).resolve().parent


def ten_rules(k: int = 0) -> list[dict[str, Any]]:
    """Ten rules covering the triggers, conditions and actions; ``k`` varies names and thresholds."""
    s = f"_{k}" if k else ""
    return [
        {"name": f"no_ads{s}", "if": "message.ad_like and not sender.paid", "then": ["delete"],
         "ladder": {"expire_days": 14, "steps": [{"at": 1, "do": {"warn": "no ads"}}, {"at": 2 + k, "do": "kick"}]}},
        {"name": f"flood{s}", "if": f"sender.msgs_1m > {5 + k}", "then": ["delete", {"mute": 60}]},
        {"name": f"links_via_owner{s}", "if": "message.has_link and sender.role == 'member'", "then": ["delete"]},
        {"name": f"conflict{s}", "if": "'conflict' in message.keywords", "cooldown_minutes": 60, "then": [{"warn": "私聊"}]},
        {"name": f"new_account{s}", "if": f"sender.tenure_days < {1 + k} and (message.has_card or message.mentions >= 3)", "then": ["delete"]},
        {"name": f"phone_numbers{s}", "if": "message.text =~~ '1[3-9][0-9]{9}'", "then": ["delete", {"warn": "no phone numbers"}]},
        {"name": f"long_forward{s}", "if": f"message.form == 'forward' and message.length > {300 + k}", "then": ["delete"]},
        {"name": f"welcome{s}", "trigger": "join", "then": [{"post": "welcome"}]},
        {"name": f"warm_up{s}", "trigger": {"on": "silence", "minutes": 360 + k}, "then": [{"post": "warm_up"}]},
        {"name": f"reminder{s}", "trigger": {"on": "schedule", "hour": 20, "days": ["fri"]}, "then": [{"post": "reminder"}]},
    ]


def with_rules(scenario: Scenario, rules: list[dict[str, Any]], name: str) -> Scenario:
    spec = RulesetSpec.model_validate({"name": name, "keywords": {"conflict": ["滚", "骗子", "闭嘴"]}, "rules": rules})
    data = scenario.model_dump(mode="json", by_alias=True)
    data["ruleset"] = spec.model_dump(mode="json", by_alias=True)
    return Scenario.model_validate(data)


def one_run(scenario: Scenario, seed: int) -> tuple[float, int]:
    """Messages/s and messages of one run."""
    t = time.perf_counter()
    n = int(run_scenario(scenario, seed).summary["messages"])
    return n / (time.perf_counter() - t), n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scenario", type=Path, default=HERE / "reference.yaml")
    args = ap.parse_args()
    base = load_scenario(args.scenario)
    cases = {
        "no rules": with_rules(base, [], "none"),
        "10 rules": with_rules(base, ten_rules(), "ten"),
        "50 rules": with_rules(base, [r for k in range(5) for r in ten_rules(k)], "fifty"),
    }
    run_scenario(cases["no rules"], base.seed)  # warm up imports and caches
    # Interleaved (none, 10, 50, none, ...) so that a change in machine load hits all three alike.
    runs: dict[str, list[tuple[float, int]]] = {label: [] for label in cases}
    for k in range(args.repeat):
        for label, sc in cases.items():
            runs[label].append(one_run(sc, base.seed + k))
    results = {label: (statistics.median(r for r, _ in rs), statistics.median(n for _, n in rs)) for label, rs in runs.items()}
    none = results["no rules"][0]
    print(f"scenario: {base.name} ({args.scenario.name}), median of {args.repeat} runs each")
    for label, (r, n) in results.items():
        print(f"{label:>9}: {r:12,.0f} messages/s  ({n:,.0f} messages a run)  ratio to no rules: {r / none:.3f}")


if __name__ == "__main__":
    main()
