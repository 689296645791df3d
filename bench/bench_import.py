"""Importing and replaying a large chat export: time and peak memory for 1M messages, per format.

Run:  python bench/bench_import.py [--messages 1000000] [--format whatsapp telegram]

Writes a synthetic export of N messages (300 senders, Chinese and English
text, a link now and then) to a temporary folder, then, each in a fresh
process, imports it (``groupsim import``'s code path) and replays it with
``groupsim rules replay LOG --ruleset community_standard --report DIR`` (the
dry-run report, HTML and Markdown). Reports seconds, messages per second and
the peak RSS of each process. Memory stays bounded: events are streamed,
written to Parquet in batches, and the replay keeps per-rule counts and the
actions, not the log; run it at two sizes to see the peak stay flat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEXTS = ("大家好", "请问优惠券怎么用？", "see https://example.com", "好的，谢谢", "今天的直播几点开始", "ok")


def write_whatsapp(path: Path, n: int) -> None:
    start = dt.datetime(2026, 3, 2, 8, 0)
    with path.open("w", encoding="utf-8") as f:
        for k in range(n):
            when = start + dt.timedelta(seconds=20 * k)
            f.write(f"{when:%d/%m/%Y, %H:%M} - user{k % 300}: {TEXTS[k % len(TEXTS)]}\n")


def write_telegram(path: Path, n: int) -> None:
    start = dt.datetime(2026, 3, 2, 8, 0)
    with path.open("w", encoding="utf-8") as f:
        f.write('{"name": "g", "type": "private_supergroup", "id": 1, "messages": [\n')
        for k in range(n):
            when = start + dt.timedelta(seconds=20 * k)
            sep = "," if k else ""
            f.write(sep + json.dumps({"id": k + 1, "type": "message", "date": when.isoformat(), "from": f"user{k % 300}",
                                      "text": TEXTS[k % len(TEXTS)]}, ensure_ascii=False) + "\n")
        f.write("]}\n")


_CHILD = """
import resource, sys, time, json
from pathlib import Path
from sim.base.chatlog import import_log
t = time.perf_counter()
report = import_log(Path(sys.argv[1]), Path(sys.argv[2]), salt_file=Path(sys.argv[3]))
print(json.dumps({"seconds": time.perf_counter() - t, "events": report["events"],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


_REPLAY = """
import json, resource, sys, time
from sim.cli.app import app
t = time.perf_counter()
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    if exc.code:
        raise
print("BENCH " + json.dumps({"seconds": time.perf_counter() - t,
                             "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def replay(path: Path, folder: Path) -> dict[str, float]:
    """Replay ``path`` with community_standard and a --report in a fresh process: seconds and peak RSS."""
    out = subprocess.run([sys.executable, "-c", _REPLAY, "rules", "replay", str(path), "--ruleset", "community_standard",
                          "--report", str(folder), "--show", "0"],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"replay failed: {out.stderr[-2000:]}")
    line = next(x for x in out.stdout.splitlines()[::-1] if x.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--format", nargs="+", default=["whatsapp", "telegram"], choices=["whatsapp", "telegram"])
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        salt = folder / "salt"
        salt.write_text("00" * 32, encoding="ascii")
        for fmt in args.format:
            path = folder / ("_chat.txt" if fmt == "whatsapp" else "result.json")
            started = time.perf_counter()
            (write_whatsapp if fmt == "whatsapp" else write_telegram)(path, args.messages)
            written = time.perf_counter() - started
            out = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(folder / fmt), str(salt)],
                                 capture_output=True, text=True, check=True)
            figures = json.loads(out.stdout)
            figures["messages_per_second"] = round(figures["events"] / figures["seconds"])
            figures["file_mb"] = round(path.stat().st_size / 2**20, 1)
            figures["write_seconds"] = round(written, 1)
            rep = replay(path, folder / f"{fmt}-report")
            figures["replay_seconds"] = round(rep["seconds"], 1)
            figures["replay_messages_per_second"] = round(figures["events"] / rep["seconds"])
            figures["replay_peak_rss_mb"] = round(rep["peak_rss_mb"])
            results[fmt] = figures
            print(fmt, json.dumps(figures), flush=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
