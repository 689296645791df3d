"""`groupsim rules lint | explain | fields`: help with examples, file:line errors, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import app

runner = CliRunner()
LIBRARY = Path(__file__).resolve().parent.parent / "scenarios" / "rulesets"


@pytest.mark.parametrize("command", ["lint", "explain", "fields"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    res = runner.invoke(app, ["rules", command, "--help"])
    assert res.exit_code == 0 and "Example:" in res.output


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.yaml")), ids=lambda p: p.name)
def test_library_rulesets_lint_clean(path: Path) -> None:
    res = runner.invoke(app, ["rules", "lint", str(path)])
    assert res.exit_code == 0, res.output


def test_lint_flags_dead_and_contradicting_rules(tmp_path: Path) -> None:
    f = tmp_path / "r.yaml"
    f.write_text(
        "name: r\nrules:\n"
        "  - name: never\n    if: sender.tenure_days < 1 and sender.tenure_days > 3\n    then: [delete]\n"
        "  - name: kick_ads\n    if: message.ad_like\n    then: [kick]\n"
        "  - name: paid_ads\n    if: message.ad_like\n    then: [{require_payment: {amount: 10}}]\n"
        "  - name: join_reads_message\n    trigger: join\n    if: message.has_link\n    then: [kick]\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["rules", "lint", str(f)])
    assert res.exit_code == 1
    assert f"{f}:4: rules[never].if: conditions on sender.tenure_days exclude each other" in res.output
    assert "rules[paid_ads].then: contradicts 'kick_ads'" in res.output
    assert "rules[join_reads_message].if" in res.output and "always empty" in res.output


def test_lint_bad_file_is_file_line_error_exit_2(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("name: r\nrules:\n  - name: a\n    if: message.__dict__\n    then: [delete]\n", encoding="utf-8")
    res = runner.invoke(app, ["rules", "lint", str(f)])
    assert res.exit_code == 2
    assert f"{f}:4: rules[0].if:" in res.output and "Traceback" not in res.output


def test_explain_says_which_rule_fires_and_why() -> None:
    res = runner.invoke(app, ["rules", "explain", "wecom_kick_links", "--message", "点击领取 https://t.cn/x", "--form", "link"])
    assert res.exit_code == 0, res.output
    assert "kick_on_link_card_mini_program: FIRES" in res.output and "message.has_link=True" in res.output
    assert "Kick(" in res.output and "1 rule(s) fire." in res.output


def test_explain_counts_recent_messages_and_exemptions() -> None:
    res = runner.invoke(app, ["rules", "explain", "rose_antiflood", "-m", "hi", "--recent", "6"])
    assert "antiflood: FIRES" in res.output and "sender.msgs_10s=7.0" in res.output
    res = runner.invoke(app, ["rules", "explain", "rose_antiflood", "-m", "加微信", "--role", "admin"])
    assert "warn_limit: holds, but exempt" in res.output


def test_explain_unknown_ruleset_is_exit_2() -> None:
    res = runner.invoke(app, ["rules", "explain", "no_such_ruleset", "-m", "x"])
    assert res.exit_code == 2 and "no such ruleset" in res.output


def test_fields_lists_observables_only() -> None:
    res = runner.invoke(app, ["rules", "fields"])
    assert "sender.tenure_days" in res.output and "truth" not in res.output


def test_lint_takes_many_files_and_exits_with_the_worst(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nrules:\n  - name: a\n    if: message.__class__\n    then: [delete]\n", encoding="utf-8")
    lib = Path(__file__).resolve().parent.parent / "scenarios" / "rulesets"
    ok = CliRunner().invoke(app, ["rules", "lint", str(lib / "basic.yaml"), str(lib / "no_ads_kick.yaml")])
    assert ok.exit_code == 0 and "basic.yaml: ok (2 rules)" in ok.output and "no_ads_kick.yaml: ok (1 rule)" in ok.output
    mixed = CliRunner().invoke(app, ["rules", "lint", str(lib / "basic.yaml"), str(bad)])
    assert mixed.exit_code == 2 and "basic.yaml: ok" in mixed.output and f"{bad}:4: rules[0].if" in mixed.output
