"""The contract under fuzzing: mutated bundled scenarios through validate, and a day's run of each one accepted.

Run:  python bench/bench_fuzz.py [--count 10000] [--seed 0] [--json out.json]

Each file is a bundled scenario or preset with one to three random edits
(sim/testing/fuzz.py: type swaps, extreme numbers, deletions, unknown keys,
hostile unicode, deep nesting). Counts: files, accepted, run, tracebacks in
validate, and accept-then-crash (accepted, then a traceback in a one-day run
with one seed). The target is 0 of both. A few crashes are printed in full.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from sim.testing.fuzz import bundled_bases, check_text, dump_yaml, mutate

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--memory-gb", type=float, default=4.0,
                        help="address-space cap of this process, so an accepted memory bomb shows as a crash (0: none)")
    args = parser.parse_args()
    if args.memory_gb > 0:
        import resource

        cap = int(args.memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    bases = bundled_bases(ROOT)
    rng = np.random.default_rng(args.seed)
    accepted = ran = 0
    crashes: list[str] = []
    start = time.perf_counter()
    for k in range(args.count):
        edits = 1 if k % 2 else int(rng.integers(1, 4))
        verdict = check_text(dump_yaml(mutate(bases[k % len(bases)], rng, edits)))
        accepted += verdict.accepted
        ran += verdict.ran
        if verdict.crash:
            crashes.append(verdict.crash)
        if (k + 1) % 500 == 0:
            print(f"{k + 1}/{args.count} files, {len(crashes)} crashes, {time.perf_counter() - start:.0f} s",
                  file=sys.stderr, flush=True)
    figures = {
        "files": args.count, "seed": args.seed, "accepted": accepted, "ran": ran,
        "validate_tracebacks": sum(c.startswith("validate:") for c in crashes),
        "accept_then_crash": sum(c.startswith("run:") for c in crashes),
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(figures, indent=2))
    for line, n in Counter(c.strip().splitlines()[-1][:160] for c in crashes).most_common(10):
        print(f"{n:6d}  {line}")
    for crash in crashes[:3]:
        print(crash)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
