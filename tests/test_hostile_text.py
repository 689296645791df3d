"""User text is data: one hostile name and message through every command (issue 17, item 6).

Rich reads ``[bold red]`` as a style and crashes on a stray ``[/]``; a report
would carry ``<script>`` into HTML. Every command here gets the same hostile
text as a scenario, ruleset, rule, design, sweep, portfolio and group name, as
a file name and as a chat message and sender, and must neither crash nor
interpret it: the text comes out as it went in.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import app
from tests.experiments_helpers import small_scenario

HOSTILE = "[/] [bold red]boom <script>alert(1)</script>"
runner = CliRunner()


def _flat(output: str) -> str:
    return " ".join(output.split())


def _ok(*args: str) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output and "MarkupError" not in res.output
    return _flat(res.output)


def _hostile_scenario(folder: Path, stem: str) -> Path:
    text = small_scenario(folder, "plain.yaml").read_text(encoding="utf-8")
    text = text.replace("name: well-run new-customer group", f"name: {json.dumps(HOSTILE)}", 1)
    text = text.replace("ruleset: basic", "ruleset:\n  name: " + json.dumps(HOSTILE) + "\n  extends: basic\n"
                        "  rules:\n    - name: " + json.dumps(HOSTILE) + "\n      if: message.text =~ '\\\\[/\\\\]'\n"
                        "      then: [delete]")
    path = folder / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def scenario(tmp_path: Path) -> Path:
    return _hostile_scenario(tmp_path, "[bold]a[red]")


def test_validate_and_run(scenario: Path, tmp_path: Path) -> None:
    assert HOSTILE in _ok("validate", str(scenario))
    assert "[/] [bold red]boom <script>" in _ok("run", str(scenario), "--seeds", "1", "-j", "1", "-q", "--out", str(tmp_path / "r"))


def test_compare_and_report(scenario: Path, tmp_path: Path) -> None:
    other = _hostile_scenario(tmp_path, "[red]b")
    out = tmp_path / "cmp"
    shown = _ok("compare", str(scenario), str(other), "--seeds", "2", "-j", "1", "-q", "--out", str(out))
    assert "[bold]a[red]" in shown and "[red]b" in shown
    _ok("report", str(out), "--out", str(tmp_path / "rep"))
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html


def test_sweep(scenario: Path, tmp_path: Path) -> None:
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f"name: {json.dumps(HOSTILE)}\nbase: {json.dumps(scenario.name)}\nfactors:\n"
                     "  - {name: ad_rate, path: population.2.params.ad_rate, values: [2, 30]}\n"
                     "design: {method: grid}\nseeds: 1\n", encoding="utf-8")
    assert HOSTILE in _ok("sweep", str(sweep), "-j", "1", "-q", "--out", str(tmp_path / "sw"))


def test_portfolio(scenario: Path, tmp_path: Path) -> None:
    port = tmp_path / "port.yaml"
    port.write_text(f"name: {json.dumps(HOSTILE)}\nseed: 1\nduration_days: 2\noperator_minutes_per_day: 240\ngroups:\n"
                    f"  - {{name: {json.dumps(HOSTILE)}, scenario: {json.dumps(scenario.name)}}}\n"
                    f"  - {{name: plain, scenario: plain.yaml}}\n", encoding="utf-8")
    shown = _ok("portfolio", str(port), "--seeds", "1", "-q", "--out", str(tmp_path / "pf"))
    assert HOSTILE in shown


def test_rules_lint_explain_and_replay(tmp_path: Path) -> None:
    ruleset = tmp_path / "[bold]rules.yaml"
    ruleset.write_text(f"name: {json.dumps(HOSTILE)}\nrules:\n  - name: {json.dumps(HOSTILE)}\n"
                       "    if: message.has_link or message.text =~ '\\\\[/\\\\]'\n    then: [delete]\n", encoding="utf-8")
    _ok("rules", "lint", str(ruleset))
    assert HOSTILE in _ok("rules", "explain", str(ruleset), "--message", HOSTILE)
    log = tmp_path / "chat.csv"
    log.write_text("time,event,sender,role,form,text\n"
                   f"0,message,{json.dumps(HOSTILE)},member,text,{json.dumps(HOSTILE)}\n", encoding="utf-8")
    shown = _ok("rules", "replay", str(log), "--ruleset", str(ruleset))
    assert HOSTILE in shown and "[/] [bold red]boom <script>alert(1)</sc" in shown
