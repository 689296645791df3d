"""Memory and time of ``groupsim rules replay`` on a long chat log (issue 17, item 8: 1M rows under 300 MB).

Writes a synthetic CSV log of ``--rows`` rows (200 senders; every tenth
message holds a link, so the ruleset fires often and the actions file is long),
replays it with ``community_standard`` in a child process, and prints the
child's peak resident memory and wall time.

    python bench/bench_replay.py --rows 1000000
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_MB = 300


def write_log(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("time,event,sender,role,form,text\n")
        for k in range(rows):
            text = "see http://shop.example" if k % 10 == 0 else f"message {k}"
            fh.write(f"{k * 0.5},message,m{k % 200},member,,{text}\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "chat.csv"
        write_log(log, args.rows)
        start = time.perf_counter()
        res = subprocess.run(
            [sys.executable, "-m", "sim.cli", "rules", "replay", str(log), "--ruleset", "community_standard",
             "--out", str(Path(tmp) / "actions.csv"), "--show", "0"],
            capture_output=True, text=True, check=False,
        )
        wall = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: kilobytes
        actions = sum(1 for _ in (Path(tmp) / "actions.csv").open(encoding="utf-8")) - 1 if res.returncode == 0 else 0
    if res.returncode != 0:
        sys.exit(f"replay failed: {res.stderr[-2000:]}")
    verdict = "ok" if peak_mb < LIMIT_MB else f"OVER {LIMIT_MB} MB"
    print(f"rules replay: {args.rows:,} rows, {actions:,} actions, peak RSS {peak_mb:.0f} MB ({verdict}), {wall:.1f} s")


if __name__ == "__main__":
    main()
