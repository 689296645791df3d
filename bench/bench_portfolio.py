"""Time and peak memory of the bundled 1,000-group private domain at smaller sizes, fitted exponents.

Run:  python bench/bench_portfolio.py [--groups 10 100 1000] [--workers 1 2] [--days 30]

Each size is the bundled scenarios/portfolios/private_domain_1000.yaml with
``groups.count`` set to the size (teams of 10, 500 members, so 10 groups are
one team), run once in a fresh process: its operator teams apart (sim/run/teams.py),
in that process with ``--workers 1``, else in the warm pool of that many workers
(the pool's start-up included). Peak RSS is the largest of the process and of
any one worker (each worker holds one team at a time). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "portfolios" / "private_domain_1000.yaml"

_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from sim.run.portfolio import load_portfolio
from sim.run.teams import run_teams
from sim.run.pool import shared_pool
portfolio, scenarios = load_portfolio(sys.argv[1])
workers = int(sys.argv[2])
t = time.perf_counter()
executor = shared_pool(workers) if workers > 1 else None
[(s, r)] = list(run_teams(portfolio, scenarios, [1], executor=executor))
assert not isinstance(r, BaseException), r
seconds = time.perf_counter() - t
members = sum(g["final_members"] for g in r["groups"])
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids = 0.0
for w in (executor._pool if executor is not None else []):  # each worker's peak (VmHWM), before the pool closes
    for line in open(f"/proc/{w.process.pid}/status"):
        if line.startswith("VmHWM:"):
            kids = max(kids, int(line.split()[1]) / 1024)
print(json.dumps({"seconds": round(seconds, 2), "seconds_with_start": round(time.perf_counter() - t0, 2),
                  "messages": int(sum(g["messages"] for g in r["groups"])), "final_members": int(members),
                  "peak_rss_mb": round(max(me, kids), 1), "parent_rss_mb": round(me, 1)}))
"""


def portfolio_file(folder: Path, groups: int, days: float | None = None) -> Path:
    """The bundled portfolio with ``groups`` groups (and ``days`` days), design paths made absolute."""
    text = BUNDLED.read_text(encoding="utf-8").replace("count: 1000", f"count: {groups}")
    text = text.replace("../", f"{BUNDLED.parent.parent}/")
    if days is not None:
        text = text.replace("duration_days: 30", f"duration_days: {days:g}")
    path = folder / f"p{groups}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def measure(groups: list[int], workers: int, days: float | None = None) -> dict[str, Any]:
    """Each size run once in a fresh process; the fitted exponents of time and memory against groups."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in groups:
            path = portfolio_file(Path(tmp), n, days)
            done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(workers)],
                                  capture_output=True, text=True, cwd=ROOT)
            out[str(n)] = json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr.strip()[-400:]}
    ok = [(int(n), v) for n, v in out.items() if "seconds" in v]
    if len(ok) >= 2:
        x = np.log([n for n, _ in ok])
        out["time_exponent"] = round(float(np.polyfit(x, np.log([v["seconds"] for _, v in ok]), 1)[0]), 3)
        out["rss_exponent"] = round(float(np.polyfit(x, np.log([v["peak_rss_mb"] for _, v in ok]), 1)[0]), 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--groups", type=int, nargs="*", default=[10, 100])
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--days", type=float, default=None)
    args = ap.parse_args()
    print(json.dumps({str(w): measure(args.groups, w, args.days) for w in args.workers}, indent=2))


if __name__ == "__main__":
    main()
