"""`groupsim rules lint`: dormant rules over a horizon (--days, --scenario; `validate` warns too) and double warnings."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from rules import RulesetSpec
from rules.lint import Probe, dormant_problems, double_warnings, probes_for
from sim.cli.app import app

runner = CliRunner()
LIBRARY = Path(__file__).resolve().parent.parent / "scenarios" / "rulesets"


def test_purge_lurkers_is_dormant_in_a_10_day_run_and_not_in_a_30_day_one() -> None:
    path = LIBRARY / "purge_lurkers.yaml"
    short = runner.invoke(app, ["rules", "lint", str(path), "--days", "10"])  # window 14 idle days
    assert short.exit_code == 1
    assert "rules[purge_lurkers].if: dormant: sender.idle_days needs more than 14" in short.output, short.output
    long = runner.invoke(app, ["rules", "lint", str(path), "--days", "30"])
    assert long.exit_code == 0, long.output
    assert runner.invoke(app, ["rules", "lint", str(path)]).exit_code == 0  # no horizon: no dormancy check


def test_schedule_and_silence_after_the_horizon_are_dormant() -> None:
    spec = RulesetSpec.model_validate({"rules": [
        {"name": "late", "trigger": {"on": "schedule", "hour": 20, "day": 13}, "then": ["dissolve"]},
        {"name": "quiet", "trigger": {"on": "silence", "minutes": 10080}, "then": ["dissolve"]},
        {"name": "ok", "trigger": {"on": "schedule", "hour": 20, "day": 2}, "then": ["dissolve"]},
    ]})
    labels = [label for label, _, _ in dormant_problems(spec, 5.0, {})]
    assert labels == ["late", "quiet"]
    assert dormant_problems(spec, 14.0, {}) == []


def test_lint_takes_the_horizon_from_a_scenario(tmp_path: Path) -> None:
    s = tmp_path / "s.yaml"
    s.write_text("name: s\nduration_days: 10\npopulation: [{role: member, count: 3}, {role: operator, count: 1}]\n"
                 "ruleset: purge_lurkers\n", encoding="utf-8")
    res = runner.invoke(app, ["rules", "lint", str(LIBRARY / "purge_lurkers.yaml"), "--scenario", str(s)])
    assert res.exit_code == 1 and "within the 10-day horizon" in res.output
    checked = runner.invoke(app, ["validate", str(s)])
    assert checked.exit_code == 0, checked.output  # valid, with a warning
    assert "warning: rules[purge_lurkers].if: dormant" in checked.output


def test_two_rules_warning_on_one_message_are_flagged_with_an_example(tmp_path: Path) -> None:
    f = tmp_path / "r.yaml"
    f.write_text(
        "name: r\nrules:\n"
        "  - name: no_ads\n    if: message.ad_like\n    then: [delete, {warn: no ads}]\n"
        "  - name: no_dm_talk\n    if: \"'dm' in message.keywords\"\n    then: [{warn: talk in the group}]\n"
        "keywords: {dm: [私聊]}\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["rules", "lint", str(f)])
    assert res.exit_code == 1
    assert "rules[no_dm_talk].then: warns on the same message as 'no_ads'" in res.output and "私聊" in res.output


def test_rules_that_warn_on_different_messages_are_not_flagged() -> None:
    spec = RulesetSpec.model_validate({"rules": [
        {"name": "links", "if": "message.has_link", "then": [{"warn": "no links"}]},
        {"name": "images", "if": "message.has_image", "then": [{"warn": "no images"}]},
    ]})
    assert double_warnings(spec, probes_for(["hello", "see https://x.example"])) == []
    both = double_warnings(spec, [Probe("x")])
    assert both == []
    assert len(probes_for(["a", "a"])) == len(probes_for(["a"]))
