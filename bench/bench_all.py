"""Every speed figure in one run, as ratios measured side by side, written as JSON to track over time.

Run:  python bench/bench_all.py [--repeat 3] [--groups 10 100] [--json bench_all.json]

- engine: messages/s of bench/reference.yaml against three yardsticks of the
  same message count and diurnal Poisson posting with a keyword rule: a bare
  simpy loop (one timeout a message), a heapq loop, and a vectorised numpy
  sketch (draw all posts, mask the rule, count); each run paired with the
  yardsticks timed just before it, the ratio the median of the pairs;
- fixed cost of a run (imports excluded): a 1-day run of 5 members, median;
- start-up: ``groupsim --help`` against ``python -c pass`` (bench_startup.py);
- workers: 8 replications of the reference on 1 and on 2 workers, including
  the pool's start-up, as the command pays it;
- portfolios: groups x 500 members x 30 days (the bundled well-run design), time
  and peak RSS in a fresh process for each size in ``--groups``, and the fitted
  exponent of time against groups;
- rules: messages/s at 0, 10 and 50 rules (bench_rules.py's rule sets).
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_rules  # noqa: E402
import bench_startup  # noqa: E402

from sim.base.clock import DiurnalClock, CHAT_PROFILE  # noqa: E402
from sim.run.engine import run_scenario  # noqa: E402
from sim.spec.scenario import Scenario, load_scenario  # noqa: E402

KEYWORD = "加微信"


def _posts(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``n`` diurnal Poisson post times over 30 days and which of them are ads (1 in 50)."""
    rng = np.random.default_rng(seed)
    times = DiurnalClock(CHAT_PROFILE).poisson_times(rng, n / 30.0, 0.0, 30 * 1440.0)
    return times, rng.random(len(times)) < 0.02


def bare_simpy(n: int) -> float:
    import simpy

    times, ads = _posts(n)
    env = simpy.Environment()
    kicked = [0]

    def poster(env: simpy.Environment) -> Any:
        last = 0.0
        for t, ad in zip(times.tolist(), ads.tolist()):
            yield env.timeout(t - last)
            last = t
            if ad and KEYWORD in "加微信领券":
                kicked[0] += 1

    env.process(poster(env))
    start = time.perf_counter()
    env.run()
    return len(times) / (time.perf_counter() - start)


def heapq_loop(n: int) -> float:
    times, ads = _posts(n)
    start = time.perf_counter()
    heap = list(zip(times.tolist(), range(len(times)), ads.tolist()))
    heapq.heapify(heap)
    kicked = 0
    while heap:
        _, _, ad = heapq.heappop(heap)
        if ad and KEYWORD in "加微信领券":
            kicked += 1
    return len(times) / (time.perf_counter() - start)


def numpy_sketch(n: int) -> float:
    start = time.perf_counter()
    times, ads = _posts(n)
    texts = np.where(ads, "加微信领券", "大家好")
    mask = np.char.find(texts.astype(str), KEYWORD) >= 0
    int(mask.sum())
    np.sort(times)
    return len(times) / (time.perf_counter() - start)


def engine(repeat: int) -> dict[str, Any]:
    sc = load_scenario(HERE / "reference.yaml")
    ratios: dict[str, list[float]] = {"bare_simpy": [], "heapq": [], "numpy": []}
    rates = []
    for k in range(repeat):
        t = time.perf_counter()
        n = int(run_scenario(sc, k + 1).summary["messages"])
        rate = n / (time.perf_counter() - t)
        rates.append(rate)
        for name, fn in (("bare_simpy", bare_simpy), ("heapq", heapq_loop), ("numpy", numpy_sketch)):
            ratios[name].append(rate / fn(n))
    return {"messages_per_second": round(statistics.median(rates)), "messages": n,
            **{f"ratio_to_{k}": round(statistics.median(v), 4) for k, v in ratios.items()}}


def fixed_cost(repeat: int) -> dict[str, Any]:
    sc = Scenario.model_validate({"name": "tiny", "duration_days": 1, "group": {"initial_members": 5},
                                  "population": [{"role": "member", "share": 1.0}]})
    run_scenario(sc, 1)
    times = []
    for k in range(max(repeat, 5) * 4):
        t = time.perf_counter()
        run_scenario(sc, k + 2)
        times.append(time.perf_counter() - t)
    return {"seconds_median": round(statistics.median(times), 4), "seconds_min": round(min(times), 4)}


def workers(runs: int = 8) -> dict[str, Any]:
    from sim.run.runner import replicate

    sc = load_scenario(HERE / "reference.yaml")
    out: dict[str, Any] = {}
    for w in (1, 2):
        t = time.perf_counter()
        replicate(sc, list(range(1, runs + 1)), workers=w)
        out[f"seconds_{w}_worker{'s' if w > 1 else ''}"] = round(time.perf_counter() - t, 2)
    out["speedup_2_workers"] = round(out["seconds_1_worker"] / out["seconds_2_workers"], 3)
    return out


_PORTFOLIO_CHILD = """
import json, resource, sys, time
from sim.run.portfolio import run_portfolio
t = time.perf_counter()
run_portfolio(sys.argv[1], 1)
print(json.dumps({"seconds": time.perf_counter() - t, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def portfolios(sizes: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    design = ROOT / "scenarios" / "new_customer_well_run.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"p{n}.yaml"
            groups = "\n".join(f"  - {{name: g{k}, scenario: {design}}}" for k in range(n))
            path.write_text(f"name: p{n}\nseed: 1\nduration_days: 30\noperator_minutes_per_day: {240 * max(1, n // 5)}\n"
                            f"groups:\n{groups}\n", encoding="utf-8")
            done = subprocess.run([sys.executable, "-c", _PORTFOLIO_CHILD, str(path)], capture_output=True, text=True, cwd=ROOT)
            if done.returncode:
                out[str(n)] = {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
                continue
            out[str(n)] = json.loads(done.stdout)
    ok = [(int(n), v["seconds"]) for n, v in out.items() if "seconds" in v]
    if len(ok) >= 2:
        x, y = np.log([n for n, _ in ok]), np.log([s for _, s in ok])
        out["time_exponent"] = round(float(np.polyfit(x, y, 1)[0]), 3)
    return out


def rules(repeat: int) -> dict[str, Any]:
    sc = load_scenario(HERE / "reference.yaml")
    sets = {"0": bench_rules.with_rules(sc, [], "none"),
            "10": bench_rules.with_rules(sc, bench_rules.ten_rules(), "ten"),
            "50": bench_rules.with_rules(sc, [r for k in range(5) for r in bench_rules.ten_rules(k)], "fifty")}
    rates = {k: statistics.median(bench_rules.one_run(s, j + 1)[0] for j in range(repeat)) for k, s in sets.items()}
    return {"messages_per_second": {k: round(v) for k, v in rates.items()},
            "ratio_10_to_0": round(rates["10"] / rates["0"], 3), "ratio_50_to_0": round(rates["50"] / rates["0"], 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--groups", type=int, nargs="*", default=[10, 100], help="portfolio sizes (1000 takes minutes)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    figures: dict[str, Any] = {"python": sys.version.split()[0], "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    for name, fn in (("engine", lambda: engine(args.repeat)), ("fixed_cost_per_run", lambda: fixed_cost(args.repeat)),
                     ("startup", lambda: bench_startup.measure(max(5, args.repeat * 2 + 1))), ("workers", workers),
                     ("portfolios", lambda: portfolios(args.groups)), ("rules", lambda: rules(args.repeat))):
        print(f"{name} ...", file=sys.stderr, flush=True)
        figures[name] = fn()
        print(json.dumps({name: figures[name]}), file=sys.stderr, flush=True)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
