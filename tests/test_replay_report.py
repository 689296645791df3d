"""The dry-run report of a ruleset on a chat log (issue 19 item 3): tables, removals, samples, workload, two rulesets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from reports.replay import summarise, write_replay_report


@dataclass
class F:
    line: int
    time: float
    rule: str
    action: str
    member: str
    text: str


FIRINGS = [
    F(3, 10.0, "no ads", "delete", "m_a", "加微信 13800138000 领券"),
    F(3, 10.0, "no ads", "kick", "m_a", "加微信 13800138000 领券"),
    F(9, 1500.0, "no ads", "delete", "m_b", "<script>alert(1)</script> | *x*"),
    F(12, 1600.0, "flood", "mute: 60", "m_c", "hi"),
]


def test_tables_removals_samples_and_workload() -> None:
    s = summarise(FIRINGS, minutes_per_case=2.0, mask=lambda t: t.replace("13800138000", "[phone]"))
    assert s["actions"] == 4 and s["per_rule"] == {"no ads": 3, "flood": 1}
    assert s["per_day"] == {"0": {"no ads": 2}, "1": {"no ads": 1, "flood": 1}}
    assert [m["member"] for m in s["removed"]] == ["m_a"]
    assert s["workload_minutes_per_day"] == {"0": 2.0, "1": 4.0}  # a message's delete and kick are one case
    assert s["samples"]["no ads"][0]["text"] == "加微信 [phone] 领券" and len(s["samples"]["no ads"]) == 2


def test_two_rulesets_side_by_side_and_hostile_text_is_inert(tmp_path: Path) -> None:
    a = summarise(FIRINGS, minutes_per_case=2.0)
    b = summarise(FIRINGS[3:], minutes_per_case=2.0)
    data = write_replay_report(tmp_path, "basic vs strict <b>", [("basic", a), ("strict", b)])
    assert data["differences"] == {"only_first": [3, 9], "only_second": [], "both": 1}
    page = (tmp_path / "replay.html").read_text(encoding="utf-8")
    md = (tmp_path / "replay.md").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>" not in page.split("</title>")[0]
    assert "<script>" not in md and "\\|" in md
    assert json.loads((tmp_path / "replay.json").read_text(encoding="utf-8"))["rulesets"][1]["name"] == "strict"


def test_rules_replay_writes_the_dry_run_report_with_a_second_ruleset(tmp_path: Path) -> None:
    """`groupsim rules replay LOG -r basic --against no_ads_kick --report DIR` on a Telegram export."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import chatlog_exports as ex
    from typer.testing import CliRunner

    from sim.cli.app import app

    log = ex.telegram(tmp_path / "result.json")
    (tmp_path / "salt").write_text("cd" * 32, encoding="ascii")
    import os

    os.environ["XDG_CONFIG_HOME"] = str(tmp_path / "cfg")  # the importer's salt lives here, not in the user's home
    try:
        result = CliRunner().invoke(app, ["rules", "replay", str(log), "-r", "basic", "--against", "no_ads_kick",
                                          "--report", str(tmp_path / "dry")])
    finally:
        del os.environ["XDG_CONFIG_HOME"]
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "dry" / "replay.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in data["rulesets"]] == ["basic", "no_ads_kick"]
    assert data["differences"] is not None and "workload_mean_minutes_per_day" in data["rulesets"][0]
    for name in ("replay.html", "replay.md"):
        assert "<script>" not in (tmp_path / "dry" / name).read_text(encoding="utf-8")
