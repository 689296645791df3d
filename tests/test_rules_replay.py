"""Judging a real chat log with a ruleset (rules.replay), without a simulation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rules import InputError, RulesetSpec, VisibleRole
from rules.replay import read_chat_log, replay
from sim.cli.app import app

LOG = """time,event,sender,role,form,text
2026-03-04 20:00:00,join,群主,owner,,
2026-03-04 20:01:00,join,小王,member,,
2026-03-04 20:02:00,message,群主,owner,text,今晚八点秒杀 http://shop.example
2026-03-04 20:03:00,message,小王,member,text,加微信领优惠券
2026-03-04 20:04:00,message,小李,member,,请问怎么退款？
"""

SPEC = RulesetSpec.model_validate({"name": "t", "rules": [
    {"name": "no_ads", "if": "message.ad_like", "then": ["delete", "kick"]},
    {"name": "welcome", "trigger": "join", "then": [{"post": "welcome"}]},
]})


def _write(tmp_path: Path, text: str, name: str = "chat.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_times_roles_and_forms_are_read(tmp_path: Path) -> None:
    rows, names = read_chat_log(_write(tmp_path, LOG))
    assert list(names) == ["群主", "小王", "小李"]
    assert rows[0].time == 2 * 1440 + 20 * 60  # minutes since Monday 00:00: Wednesday 20:00
    assert rows[2].role is VisibleRole.OWNER and rows[2].message is not None and rows[2].message.has_link
    assert rows[4].message is not None and rows[4].message.form.value == "text"


def test_rules_fire_on_the_spammer_never_on_the_owner(tmp_path: Path) -> None:
    rows, names = read_chat_log(_write(tmp_path, LOG))
    firings = replay(SPEC.build(), rows, names)
    ads = [f for f in firings if f.rule == "no_ads"]
    assert {f.member for f in ads} == {"小王"} and {f.action for f in ads} == {"delete", "kick"}
    assert [f.member for f in firings if f.rule == "welcome"] == ["小王"]  # staff are exempt by default
    assert all(f.line >= 2 for f in firings)


def test_json_lines_logs_work_too(tmp_path: Path) -> None:
    lines = [{"time": 0, "sender": "a", "text": "hello"}, {"time": 5, "sender": "b", "form": "card", "text": "名片"}]
    path = _write(tmp_path, "\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "chat.jsonl")
    firings = replay(SPEC.build(), *read_chat_log(path))
    assert [(f.member, f.action) for f in firings if f.rule == "no_ads"] == [("b", "delete"), ("b", "kick")]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("time,sender\nyesterday,a\n", ":2: time:"),
        ("time,sender,role\n0,a,boss\n", ":2: role:"),
        ("time,sender,form\n0,a,hologram\n", ":2: form:"),
        ("time,sender\n0,\n", ":2: sender:"),
        ("time,sender\n0,a\n2026-03-01 10:00:00,b\n", ": time: mixes"),
        ("sender,text\na,hi\n", ":1: a CSV chat log needs"),
    ],
)
def test_bad_logs_name_file_line_and_field(tmp_path: Path, text: str, where: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        read_chat_log(path)
    assert str(path) in exc.value.render() and where in exc.value.render()
    res = CliRunner().invoke(app, ["rules", "replay", str(path), "--ruleset", "basic"])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_cli_replay_writes_actions(tmp_path: Path) -> None:
    out = tmp_path / "actions.csv"
    res = CliRunner().invoke(app, ["rules", "replay", str(_write(tmp_path, LOG)), "-r", "no_ads_kick", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "no_ads_kick" in res.output and "小王" in res.output
    assert out.read_text(encoding="utf-8").splitlines()[0] == "line,minutes,rule,action,member,text"
    assert "Example" in CliRunner().invoke(app, ["rules", "replay", "--help"]).output


def test_replay_stays_pure() -> None:
    code = "import sys, rules.replay; assert 'simpy' not in sys.modules and 'sim' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0
