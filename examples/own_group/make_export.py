"""Write a stand-in WhatsApp export (``_chat.txt``) for this walk-through: a simulated group, not a real one.

A strategist uses their own group's export instead; this script only makes one
so the example runs anywhere. It simulates the bundled well-run new-customer
group for 30 days and writes its messages, joins and leaves as WhatsApp lines.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sim.calibration import from_run_log
from sim.run.runner import run_one
from sim.spec.bundled import locate_scenario
from sim.spec.scenario import load_scenario

TEXTS = ("大家好", "请问优惠券怎么用？", "今天的直播几点开始", "好的，谢谢", "收到", "这个活动还有吗")


def main(out: Path) -> None:
    tables = run_one(load_scenario(locate_scenario("new_customer_well_run")), 11)
    lines = []
    for e in from_run_log(tables.events, tables.agents):
        stamp = dt.datetime.fromtimestamp(e.time, dt.timezone.utc).strftime("%d/%m/%Y, %H:%M") + " - "
        name = f"user{e.sender[1:] or e.target[1:]}"
        if e.event == "message":
            lines.append(stamp + f"{name}: {TEXTS[e.id % len(TEXTS)]}")
        elif e.event == "join":
            lines.append(stamp + f"{name} joined using this group's invite link")
        elif e.event in ("leave", "kick"):
            lines.append(stamp + f"{name} left")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(lines)} lines)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "_chat.txt"))
