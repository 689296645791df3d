"""Every speed figure in one run, as ratios measured side by side, written as JSON to track over time.

Run:  python bench/bench_all.py [--repeat 3] [--groups 10 100] [--json bench_all.json]

- engine: messages/s of bench/reference.yaml against three yardsticks of the
  same message count and diurnal Poisson posting with a keyword rule: a bare
  simpy loop (one timeout a message), a heapq loop, and a vectorised numpy
  sketch (draw all posts, mask the rule, count); each run paired with the
  yardsticks timed just before it, the ratio the median of the pairs;
- Mesa: the same yardstick model on Mesa's event scheduler, when ``mesa`` is
  installed (it is not a dependency; the figure is ``null`` without it);
- fixed cost of a run (imports excluded): a 1-day run of 5 members, median;
  and the imports a run needs (``import sim.run.runner``) in a fresh process;
- start-up: ``groupsim --help`` against ``python -c pass`` (bench_startup.py);
- workers: 8 replications of the reference on 1 and on 2 workers, each in a
  fresh process, including the pool's start-up as the command pays it (and the
  whole ``groupsim run --seeds 8 -j 1`` / ``-j 2`` command, imports included);
  a sweep (bundled spam_pressure at 2 Sobol samples, 12 points) on 1 and 2 workers;
- portfolios: the bundled 1,000-group private domain at the sizes in
  ``--groups`` (teams of 10, 500 members, 30 days), time and peak RSS in a fresh
  process, and the fitted exponents (bench_portfolio.py);
- rules: messages/s at 0, 10 and 50 rules (bench_rules.py's rule sets);
- load: the machine's load average when each part started (figures measured
  on a busy machine are ratios side by side, but still noisy).
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
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

import bench_portfolio  # noqa: E402
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


def mesa_scheduler(n: int) -> float | None:
    """The yardstick model on Mesa's discrete-event scheduler (one event a post), or None without mesa."""
    try:
        import mesa
        from mesa.experimental.devs import ABMSimulator, DEVSimulator  # noqa: F401
    except ImportError:
        return None
    times, ads = _posts(n)
    model = mesa.Model(seed=1)
    sim = DEVSimulator()
    sim.setup(model)
    kicked = [0]

    def post(ad: bool) -> None:
        if ad and KEYWORD in "加微信领券":
            kicked[0] += 1

    for t, ad in zip(times.tolist(), ads.tolist()):
        sim.schedule_event_absolute(post, t, function_args=[ad])
    start = time.perf_counter()
    sim.run_until(30 * 1440.0 + 1)
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
        mesa_rate = mesa_scheduler(n)
        if mesa_rate is not None:
            ratios.setdefault("mesa", []).append(rate / mesa_rate)
    return {"messages_per_second": round(statistics.median(rates)), "messages": n,
            **{f"ratio_to_{k}": round(statistics.median(v), 4) for k, v in ratios.items()},
            **({} if "mesa" in ratios else {"ratio_to_mesa": None})}


def fixed_cost(repeat: int) -> dict[str, Any]:
    sc = Scenario.model_validate({"name": "tiny", "duration_days": 1, "group": {"initial_members": 5},
                                  "population": [{"role": "member", "share": 1.0}]})
    run_scenario(sc, 1)
    times = []
    for k in range(max(repeat, 5) * 4):
        t = time.perf_counter()
        run_scenario(sc, k + 2)
        times.append(time.perf_counter() - t)
    imports = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sim.run.runner"], check=True, cwd=ROOT)
        imports.append(time.perf_counter() - t)
    return {"seconds_median": round(statistics.median(times), 4), "seconds_min": round(min(times), 4),
            "run_imports_seconds": round(min(imports), 3)}


_REPLICATE_CHILD = """
import sys, time
from sim.run.runner import replicate
from sim.spec.scenario import load_scenario
sc = load_scenario(sys.argv[1])
t = time.perf_counter()
replicate(sc, list(range(1, int(sys.argv[2]) + 1)), workers=int(sys.argv[3]))
print(time.perf_counter() - t)
"""


def _timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - t


def workers(runs: int = 8, repeat: int = 2) -> dict[str, Any]:
    """1 against 2 workers, side by side, each in a fresh process (so every pool start-up is paid)."""
    ref = str(HERE / "reference.yaml")
    groupsim = [sys.executable, "-m", "sim.cli"]
    sweep = _sweep_file()
    pairs: dict[str, list[tuple[float, float]]] = {"replicate": [], "command": [], "sweep": []}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeat):
            one = [float(subprocess.run([sys.executable, "-c", _REPLICATE_CHILD, ref, str(runs), str(w)], check=True,
                                        cwd=ROOT, capture_output=True, text=True).stdout) for w in (1, 2)]
            pairs["replicate"].append((one[0], one[1]))
            cmd = [_timed(groupsim + ["run", ref, "--seeds", str(runs), "-j", str(w), "-q", "--json",
                                      "--out", f"{tmp}/r{k}{w}"]) for w in (1, 2)]
            pairs["command"].append((cmd[0], cmd[1]))
            sw = [_timed(groupsim + ["sweep", str(sweep), "-j", str(w), "-q", "--out", f"{tmp}/s{k}{w}"]) for w in (1, 2)]
            pairs["sweep"].append((sw[0], sw[1]))
    out: dict[str, Any] = {}
    for name, got in pairs.items():
        out[name] = {"seconds_1_worker": round(min(a for a, _ in got), 2), "seconds_2_workers": round(min(b for _, b in got), 2),
                     "speedup_2_workers": round(statistics.median(a / b for a, b in got), 3)}
    return out


def _sweep_file() -> Path:
    """The bundled spam_pressure sweep at 2 Sobol samples and 1 seed (12 points), in a temporary file."""
    text = (ROOT / "scenarios" / "sweeps" / "spam_pressure.yaml").read_text(encoding="utf-8")
    text = text.replace("samples: 8", "samples: 2").replace("seeds: 2", "seeds: 1")
    text = text.replace("base: ../", f"base: {ROOT / 'scenarios'}/")
    path = Path(tempfile.mkdtemp()) / "sweep.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def portfolios(sizes: list[int]) -> dict[str, Any]:
    """The bundled 1,000-group domain at ``sizes`` groups, on 1 and on 2 workers (bench_portfolio.py)."""
    return {f"{w}_worker{'s' if w > 1 else ''}": bench_portfolio.measure(sizes, w) for w in (1, 2)}


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
    ap.add_argument("--only", nargs="*", default=None, help="parts to run (engine, fixed_cost_per_run, startup, workers, portfolios, rules)")
    args = ap.parse_args()
    figures: dict[str, Any] = {"python": sys.version.split()[0], "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
                               "cpus": os.cpu_count(), "load": {}}
    for name, fn in (("engine", lambda: engine(args.repeat)), ("fixed_cost_per_run", lambda: fixed_cost(args.repeat)),
                     ("startup", lambda: bench_startup.measure(max(5, args.repeat * 2 + 1))),
                     ("workers", lambda: workers(repeat=max(1, args.repeat - 1))),
                     ("portfolios", lambda: portfolios(args.groups)), ("rules", lambda: rules(args.repeat))):
        if args.only and name not in args.only:
            continue
        print(f"{name} ...", file=sys.stderr, flush=True)
        figures["load"][name] = round(os.getloadavg()[0], 2)
        figures[name] = fn()
        print(json.dumps({name: figures[name]}), file=sys.stderr, flush=True)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
