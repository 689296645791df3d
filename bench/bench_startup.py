"""Start-up time of ``groupsim --help``, as a ratio to a bare ``python -c pass``.

Each round runs the two commands one after the other (in alternating order, so
neither always meets a warm or a cold cache first) and keeps their ratio; the
figure is the median of those paired ratios, which a busy machine moves less
than it moves either time. Prints one JSON object.

    python bench/bench_startup.py [--rounds 21]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELP = [sys.executable, "-m", "sim.cli", "--help"]
BARE = [sys.executable, "-c", "pass"]


def wall(command: list[str]) -> float:
    """Seconds one run of ``command`` takes, from start to exit (its output discarded)."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def measure(rounds: int) -> dict[str, float | int]:
    """Paired timings of ``groupsim --help`` and ``python -c pass`` over ``rounds`` rounds."""
    wall(HELP)  # one warm-up run of each: the first compiles bytecode
    wall(BARE)
    helps: list[float] = []
    bares: list[float] = []
    ratios: list[float] = []
    for k in range(rounds):
        if k % 2:
            bare, help_ = wall(BARE), wall(HELP)
        else:
            help_, bare = wall(HELP), wall(BARE)
        helps.append(help_)
        bares.append(bare)
        ratios.append(help_ / bare)
    return {
        "rounds": rounds,
        "help_median_s": round(statistics.median(helps), 4),
        "python_pass_median_s": round(statistics.median(bares), 4),
        "ratio_median": round(statistics.median(ratios), 2),
        "ratio_min": round(min(ratios), 2),
        "ratio_max": round(max(ratios), 2),
    }


def main() -> None:
    """Parse ``--rounds``, measure, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="paired rounds (default 21)")
    args = parser.parse_args()
    print(json.dumps({"benchmark": "startup", "command": "python -m sim.cli --help", **measure(args.rounds)}, indent=2))


if __name__ == "__main__":
    main()
