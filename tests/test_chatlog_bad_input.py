"""Every "Bad input" case of issue 19, through every command that reads a chat export: import, calibrate, rules replay.

A clear error (exit 2, no traceback), or a per-line warning with a count and the
first line numbers; hostile text (Rich markup, HTML, control and bidi characters)
inert in what is printed and written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import app
from test_chatlog_import import BAD as IMPORT_BAD

BAD = IMPORT_BAD | {  # the truncated export's first message has a sender here: replay needs one, and must reach the end
    "truncated json": (b'{"name": "g", "messages": [{"id": 1, "type": "message", "date": "2026-03-02T20:00:00", "from": "a", '
                       b'"text": "a"}, {"id"', "telegram", "ends early"),
}

HOSTILE = "\u202e[bold]<b>\x1b[2J<script>"


@pytest.fixture()
def salt(tmp_path: Path) -> Path:
    path = tmp_path / "salt"
    path.write_text("cd" * 32, encoding="ascii")
    return path


def _command(name: str, log: Path, tmp_path: Path, salt: Path) -> list[str]:
    if name == "import":
        return ["import", str(log), "--out", str(tmp_path / "o"), "--salt-file", str(salt)]
    if name == "calibrate":
        return ["calibrate", str(log), "--out", str(tmp_path / "g.yaml"), "--salt-file", str(salt), "--force"]
    return ["rules", "replay", str(log), "--ruleset", "basic"]


@pytest.mark.parametrize("command", ["calibrate", "rules replay"])
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_a_clear_error_in_calibrate_and_replay(command: str, case: str, tmp_path: Path, salt: Path) -> None:
    raw, fmt, message = BAD[case]
    log = tmp_path / "log.txt"
    log.write_bytes(raw)
    result = CliRunner().invoke(app, _command(command, log, tmp_path, salt) + (["--format", fmt] if fmt else []))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and message in result.output.replace("\n", " "), result.output


def _telegram(path: Path, messages: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"name": "g", "type": "private_group", "id": 1, "messages": messages}), encoding="utf-8")
    return path


def _msg(n: int, date: str, **extra: object) -> dict[str, object]:
    return {"id": n, "type": "message", "date": date, "from": f"u{n % 3}", "text": "hi"} | extra


def test_unknown_message_types_are_counted_warnings_with_their_lines(tmp_path: Path, salt: Path) -> None:
    messages = [_msg(1, "2026-03-02T10:00:00"), _msg(2, "2026-03-02T10:01:00", type=HOSTILE),
                _msg(3, "2026-03-02T10:02:00", type=HOSTILE), _msg(4, "2026-03-02T10:03:00")]
    result = CliRunner().invoke(app, _command("import", _telegram(tmp_path / "result.json", messages), tmp_path, salt))
    assert result.exit_code == 0, result.output
    warned = json.loads((tmp_path / "o" / "import.json").read_text(encoding="utf-8"))["warnings"]
    (kind, seen), = warned.items()
    assert kind.startswith("messages of an unknown type") and seen == {"count": 2, "first_lines": [2, 3]}
    assert "\u202e" not in kind and "\x1b" not in kind and "\\u202e" in kind  # bidi and escape codes shown escaped
    discord = tmp_path / "discord.json"
    discord.write_text(json.dumps({"guild": {"id": "1"}, "channel": {"id": "1"}, "messages": [
        {"id": "1", "type": "Default", "timestamp": "2026-03-02T10:00:00+00:00", "content": "a", "author": {"id": "1"}},
        {"id": "2", "type": "SomethingNew", "timestamp": "2026-03-02T10:01:00+00:00", "content": "", "author": {"id": "2"}},
    ]}), encoding="utf-8")
    result = CliRunner().invoke(app, _command("import", discord, tmp_path, salt) + ["--format", "discord"])
    assert result.exit_code == 0, result.output
    warned = json.loads((tmp_path / "o" / "import.json").read_text(encoding="utf-8"))["warnings"]
    assert warned == {"messages of an unknown type (SomethingNew), kept as service": {"count": 1, "first_lines": [2]}}


def test_times_out_of_order_or_in_the_future_are_warnings_with_lines(tmp_path: Path, salt: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("time,sender,text\n2026-03-02 10:00:00,a,x\n2026-03-02 09:00:00,b,y\n2099-01-01 00:00:00,c,z\n", encoding="utf-8")
    result = CliRunner().invoke(app, _command("import", log, tmp_path, salt))
    assert result.exit_code == 0, result.output
    warned = json.loads((tmp_path / "o" / "import.json").read_text(encoding="utf-8"))["warnings"]
    assert warned["events earlier than the one before (out of order)"] == {"count": 1, "first_lines": [3]}
    assert warned["events in the future"] == {"count": 1, "first_lines": [4]}


def test_a_hostile_file_name_is_inert_in_import_and_the_fit_report(tmp_path: Path, salt: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    log = folder / "[bold red]<script>x<\u202eb.csv"
    rows = [f"2026-03-0{2 + k // 40} {8 + k % 12:02d}:{k % 60:02d}:00,m{k % 17},hello" for k in range(120)]
    log.write_text("time,sender,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, _command("import", log, tmp_path, salt))
    assert result.exit_code == 0, result.output
    assert "<script>x<" in result.output and "\u202e" not in result.output  # shown as written, never as markup
    result = CliRunner().invoke(app, _command("calibrate", log, tmp_path, salt) + ["--report", str(tmp_path / "fit")])
    assert result.exit_code == 0, result.output
    fit = (tmp_path / "fit" / "fit.md").read_text(encoding="utf-8")
    assert "<script>" not in fit and "\u202e" not in fit and "&lt;script&gt;" in fit
