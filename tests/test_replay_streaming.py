"""`rules replay` at any size: streamed, bounded times, real newlines only, any export `groupsim import` reads.

Regression tests of issue 17, item 8: before, the log was read whole (1.47 GB
for 1M rows), a time of 1e12 minutes or infinity hung the hourly tick, and a
message holding U+2028 was split into two lines.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rules import InputError, RulesetSpec
from rules.replay import GAP_TICKS, iter_replay, read_chat_log, replay, stream_chat_log
from sim.cli.app import app
from tests import chatlog_exports

runner = CliRunner()
SPEC = RulesetSpec.model_validate({"name": "t", "rules": [
    {"name": "no_links", "if": "message.has_link", "then": ["delete"]},
    {"name": "nudge", "trigger": {"on": "silence", "minutes": 600}, "then": [{"post": "warm_up"}]},
]})


def _write(tmp_path: Path, text: str, name: str = "chat.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_message_holding_u2028_stays_one_message(tmp_path: Path) -> None:
    text = "time,event,sender,role,form,text\n0,message,a,member,text,first\u2028still the first http://x.example\n1,message,b,member,text,ok\n"
    rows, _ = read_chat_log(_write(tmp_path, text))
    assert len(rows) == 2 and rows[0].message is not None and "\u2028" in rows[0].message.text
    jsonl = json.dumps({"time": 0, "sender": "a", "text": "one\u2028line"}, ensure_ascii=False) + "\n"
    rows, _ = read_chat_log(_write(tmp_path, jsonl, "chat.jsonl"))
    assert len(rows) == 1 and rows[0].message is not None and rows[0].message.text == "one\u2028line"


@pytest.mark.parametrize("stamp", ["nan", "inf", "-inf", "1e300"])
def test_non_finite_or_out_of_range_times_are_errors_with_the_row(tmp_path: Path, stamp: str) -> None:
    path = _write(tmp_path, f"time,sender,text\n0,a,hi\n{stamp},b,hello\n")
    with pytest.raises(InputError) as err:
        read_chat_log(path)
    assert ":3" in err.value.render() and "time" in err.value.render()


def test_a_gap_of_1e12_minutes_replays_at_once_and_still_sees_the_silence(tmp_path: Path) -> None:
    path = _write(tmp_path, "time,sender,text\n0,a,hi\n1000000000000,b,hello\n")
    start = time.monotonic()
    firings = replay(SPEC.build(), *read_chat_log(path))
    assert time.monotonic() - start < 5
    nudges = [f for f in firings if f.rule == "nudge"]
    assert nudges and len(nudges) <= GAP_TICKS + 1  # ticked for a week, then once at the gap's last hour


def test_rows_out_of_time_order_are_an_error_when_streamed(tmp_path: Path) -> None:
    names: dict[str, int] = {}
    path = _write(tmp_path, "time,sender,text\n10,a,hi\n5,b,hello\n")
    with pytest.raises(InputError) as err:
        list(iter_replay(SPEC.build(), stream_chat_log(path, names), names, file=str(path)))
    assert ":3" in err.value.render()


def test_streaming_reads_rows_only_as_the_replay_needs_them(tmp_path: Path) -> None:
    lines = "".join(f"{k},m{k % 7},{'http://x.example' if k % 3 == 0 else 'hello'}\n" for k in range(3000))
    path = _write(tmp_path, "time,sender,text\n" + lines)
    names: dict[str, int] = {}
    rows = stream_chat_log(path, names)
    firings = iter_replay(SPEC.build(), rows, names)
    first = next(firings)
    assert first.rule == "no_links" and len(names) == 1  # one row read so far, not 3000
    assert len(list(firings)) + 1 == len(replay(SPEC.build(), *read_chat_log(path)))


@pytest.mark.parametrize("export", ["telegram", "whatsapp", "discord", "groupsim_csv", "groupsim_jsonl"])
def test_replay_reads_every_export_groupsim_import_reads(tmp_path: Path, export: str) -> None:
    suffix = {"telegram": "result.json", "whatsapp": "chat.txt", "discord": "discord.json", "groupsim_csv": "chat.csv",
              "groupsim_jsonl": "chat.jsonl"}[export]
    path = getattr(chatlog_exports, export)(tmp_path / suffix)
    out = tmp_path / "actions.json"
    res = runner.invoke(app, ["rules", "replay", str(path), "--ruleset", "community_standard", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "events" in res.output and isinstance(json.loads(out.read_text(encoding="utf-8")), list)
