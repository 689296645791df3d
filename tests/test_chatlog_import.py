"""Importing real chat exports (issue 19): every format, privacy by default, bad input, hostile text."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import chatlog_exports as ex
from sim.base.chatlog import ImportFailure, Pseudonyms, detect, import_log, mask_text, read_events
from sim.cli.app import app

SALT = bytes(range(32))


@pytest.fixture
def salt_file(tmp_path: Path) -> Path:
    path = tmp_path / "salt"
    path.write_text(SALT.hex() + "\n", encoding="ascii")
    return path


def _messages(path: Path, salt_file: Path, fmt: str | None = None, **kw: object) -> list:
    return [e for e in read_events(path, fmt, salt_file=salt_file, **kw) if e.event == "message"]


WRITERS = {
    "telegram": (lambda p: ex.telegram(p / "result.json"), "telegram"),
    "whatsapp-android24": (lambda p: ex.whatsapp(p / "_chat.txt", "android24"), "whatsapp"),
    "whatsapp-android12": (lambda p: ex.whatsapp(p / "_chat.txt", "android12"), "whatsapp"),
    "whatsapp-ios": (lambda p: ex.whatsapp(p / "_chat.txt", "ios"), "whatsapp"),
    "whatsapp-bom": (lambda p: ex.whatsapp(p / "_chat.txt", "android24", "utf-8-sig"), "whatsapp"),
    "whatsapp-utf16": (lambda p: ex.whatsapp(p / "_chat.txt", "ios", "utf-16"), "whatsapp"),
    "discord": (lambda p: ex.discord(p / "export.json"), "discord"),
    "csv": (lambda p: ex.groupsim_csv(p / "log.csv"), "csv"),
    "jsonl": (lambda p: ex.groupsim_jsonl(p / "log.jsonl"), "jsonl"),
}


@pytest.mark.parametrize("variant", sorted(WRITERS))
def test_every_format_round_trips_the_conversation(variant: str, tmp_path: Path, salt_file: Path) -> None:
    write, fmt = WRITERS[variant]
    path = write(tmp_path)
    assert detect(path) == fmt
    events = list(read_events(path, salt_file=salt_file))
    names = Pseudonyms(SALT)
    got = [(e.time, e.sender, e.text) for e in events if e.event == "message" and e.text][: len(ex.MESSAGES)]
    want = [(c.epoch, names(c.sender), c.text) for c in ex.MESSAGES]
    if fmt == "discord":  # senders are Discord ids there, not names
        want = [(t, s, x) for (t, _, x), (_, s, _) in zip(want, got)]
    assert got == want
    kinds = [e.event for e in events]
    assert "join" in kinds and ("leave" in kinds or "kick" in kinds)
    links = [e for e in events if e.event == "message" and "https://" in e.text]
    assert links and all(e.has_link and e.form == "link" for e in links)


def test_replies_forwards_media_and_roles(tmp_path: Path, salt_file: Path) -> None:
    tg = _messages(ex.telegram(tmp_path / "result.json"), salt_file)
    assert tg[2].reply_to == 2 and tg[-1].form == "image" and tg[-1].media == "image"
    wa = _messages(ex.whatsapp(tmp_path / "_chat.txt", "android24"), salt_file)
    assert any(e.media == "media" and e.text == "" for e in wa)
    dc = _messages(ex.discord(tmp_path / "export.json"), salt_file)
    assert dc[2].reply_to == dc[0].id and dc[-1].media == "image"
    assert {e.role for e in dc if "example.com" in e.text} == {"admin"}


def test_a_third_party_csv_through_a_column_mapping(tmp_path: Path, salt_file: Path) -> None:
    path = ex.third_party_csv(tmp_path / "wechat.csv")
    with pytest.raises(ImportFailure, match="--map"):
        list(read_events(path, "csv", salt_file=salt_file))
    got = _messages(path, salt_file, "csv", mapping={"time": "Date", "sender": "From", "text": "Body"})
    assert [e.text for e in got] == [c.text for c in ex.MESSAGES]


def test_privacy_by_default(tmp_path: Path, salt_file: Path) -> None:
    out = tmp_path / "out"
    report = import_log(ex.telegram(tmp_path / "result.json"), out, salt_file=salt_file)
    table = pq.read_table(out / "events.parquet")
    blob = (out / "events.parquet").read_bytes() + (out / "import.json").read_bytes()
    for name in ("小王", "Alice", "Bob"):
        assert name.encode() not in blob
    assert SALT.hex().encode() not in blob
    assert table.column("text").null_count == table.num_rows
    assert "not kept" in report["kept"]["text"]
    kept = import_log(ex.telegram(tmp_path / "result.json"), tmp_path / "kept", keep_text=True, salt_file=salt_file)
    texts = [t for t in pq.read_table(tmp_path / "kept" / "events.parquet").column("text").to_pylist() if t]
    assert any("[phone]" in t and "@[user]" in t for t in texts) and not any("138 0013" in t for t in texts)
    assert "masked" in kept["kept"]["text"]


def test_the_salt_is_made_once_and_kept_private(tmp_path: Path) -> None:
    from sim.base.chatlog import load_salt

    path = tmp_path / "cfg" / "salt"
    first = load_salt(path)
    assert load_salt(path) == first and path.stat().st_mode & 0o077 == 0
    assert Pseudonyms(first)("x") != Pseudonyms(load_salt(tmp_path / "other"))("x")


@pytest.mark.parametrize("text,masked", [
    ("加我 13800138000", "加我 [phone]"), ("mail a.b@example.com", "mail [email]"), ("找 @小王 聊", "找 @[user] 聊"),
    ("vx: abc_123456", "[wechat-id]"), ("2026年3月2日 20:15", "2026年3月2日 20:15"),
])
def test_masking(text: str, masked: str) -> None:
    assert masked in mask_text(text)


BAD = {
    "empty": (b"", None, "empty"),
    "truncated json": (b'{"name": "g", "messages": [{"id": 1, "type": "message", "date": "2026-03-02T20:00:00", "text": "a"}, {"id"', "telegram", "ends early"),
    "not json": (b"{ not json at all", "telegram", "JSON"),
    "wrong format": (b"time,sender\n1,a\n", "bogus", "unknown --format"),
    "no pattern": (b"hello\nworld\n", "whatsapp", "WhatsApp date"),
    "mixed encoding": ("02/03/2026, 20:00 - a: ok\n".encode() + b"02/03/2026, 20:01 - b: \xff\xfe bad\n", "whatsapp", "mixed encodings"),
    "bad minutes": (b"time,sender,text\ninf,a,x\n", "csv", "finite number"),
    "huge minutes": (b"time,sender,text\n1e12,a,x\n", "csv", "finite number"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_a_clear_error_on_the_command_line(case: str, tmp_path: Path, salt_file: Path) -> None:
    raw, fmt, message = BAD[case]
    path = tmp_path / "log.txt"
    path.write_bytes(raw)
    args = ["import", str(path), "--out", str(tmp_path / "o"), "--salt-file", str(salt_file)] + (["--format", fmt] if fmt else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and message in result.output.replace("\n", " "), result.output


def test_lenient_imports_what_it_can_and_warns_with_lines(tmp_path: Path, salt_file: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(BAD["truncated json"][0])
    report = import_log(path, tmp_path / "o", lenient=True, salt_file=salt_file)
    assert report["events"] == 1 and "ends early" in next(iter(report["warnings"]))
    wa = tmp_path / "_chat.txt"
    wa.write_text("stray line\n02/03/2026, 20:00 - a: ok\n02/03/2026, 19:00 - b: earlier\n", encoding="utf-8")
    report = import_log(wa, tmp_path / "w", lenient=True, salt_file=salt_file)
    assert report["events"] == 2
    assert report["warnings"]["lines that match no pattern, skipped"]["first_lines"] == [1]
    assert report["warnings"]["events earlier than the one before (out of order)"]["first_lines"] == [3]


def test_only_real_newlines_split_messages(tmp_path: Path, salt_file: Path) -> None:
    wa = tmp_path / "_chat.txt"
    wa.write_text("02/03/2026, 20:00 - a: one\u2028still one\u0085and\n02/03/2026, 20:01 - b: two\n", encoding="utf-8")
    assert [e.text for e in _messages(wa, salt_file)] == ["one\u2028still one\u0085and", "two"]


def test_hostile_text_is_inert_in_the_command_output(tmp_path: Path, salt_file: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(ex.telegram(tmp_path / "result.json")), "--out", str(tmp_path / "o"),
                                      "--salt-file", str(salt_file), "--keep-text"])
    assert result.exit_code == 0, result.output
    texts = pq.read_table(tmp_path / "o" / "events.parquet").column("text").to_pylist()
    assert "[bold red]<script>alert(1)</script>[/] \u202eevil" in texts  # data, stored as it was
    assert json.loads((tmp_path / "o" / "import.json").read_text(encoding="utf-8"))["format"] == "telegram"


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip() == s and "\n" not in s and "\r" not in s))
def test_any_text_survives_import(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        salt = folder / "salt"
        salt.write_text(SALT.hex(), encoding="ascii")
        path = folder / "log.jsonl"
        path.write_text(json.dumps({"time": "2026-03-02T20:00:00", "sender": "a", "text": text}) + "\n", encoding="utf-8")
        assert [e.text for e in read_events(path, salt_file=salt)] == [text]
