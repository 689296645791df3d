"""``groupsim compare A A --ruleset-b R``: one group, two rulesets, common seeds; bad rulesets are named errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.app import app

SCENARIO = """\
name: tiny group
seed: 3
duration_days: 3
group: {initial_members: 40, capacity: 80, arrivals: {rate_per_day: 2}}
population:
  - role: member
    share: 1.0
  - role: ad_spammer
    count: 2
    params: {join_day: {dist: uniform, low: 0, high: 1}}
ruleset: none
"""


@pytest.fixture()
def group(tmp_path: Path) -> Path:
    path = tmp_path / "group.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def _compare(group: Path, out: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["compare", str(group), str(group), "--seeds", "3", "-j", "1", "-q",
                                      "--out", str(out), "-m", "kicks", *options])
    return result.exit_code, result.output


def test_the_same_ruleset_on_both_arms_gives_identical_runs(group: Path, tmp_path: Path) -> None:
    """Common random numbers: with the rules the same, every paired difference is exactly zero."""
    code, output = _compare(group, tmp_path / "same", "--ruleset-a", "no_ads_kick", "--ruleset-b", "no_ads_kick")
    assert code == 0, output
    rows = json.loads((tmp_path / "same" / "comparison.json").read_text(encoding="utf-8"))
    means = [r for r in rows if r["kind"] == "mean"]
    assert means and all(r["a"] == r["b"] for r in means)


def test_a_stricter_ruleset_on_b_changes_only_b(group: Path, tmp_path: Path) -> None:
    code, output = _compare(group, tmp_path / "strict", "--ruleset-b", "no_ads_kick")
    assert code == 0, output
    manifest = json.loads((tmp_path / "strict" / "manifest.json").read_text(encoding="utf-8"))
    assert [(d["label"], d["ruleset"]) for d in manifest["designs"]] == [("group", "none"), ("group+no_ads_kick", "no_ads_kick")]
    kicks = next(r for r in json.loads((tmp_path / "strict" / "comparison.json").read_text(encoding="utf-8"))
                 if r["metric"] == "kicks")
    assert kicks["a"] == 0 < kicks["b"]  # the spammers are kicked under B's rules only


@pytest.mark.parametrize(("option", "ref", "says"), [
    ("--ruleset-b", "no/such/ruleset.yaml", "no such ruleset"),
    ("--ruleset-a", "x" * 300, "no such ruleset"),
    ("--ruleset-b", "basic", "operator"),  # basic's rules are run by an operator; this group has none
])
def test_a_bad_ruleset_is_a_named_error(group: Path, tmp_path: Path, option: str, ref: str, says: str) -> None:
    code, output = _compare(group, tmp_path / "bad", option, ref)
    assert code == 2 and says in output and "Traceback" not in output, output
    assert not (tmp_path / "bad").exists()  # nothing ran


def test_an_invalid_ruleset_file_names_its_line(group: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: broken\nrules:\n  - name: r\n    trigger: message\n    if: message.nonsense > 1\n    then: [kick]\n",
                   encoding="utf-8")
    code, output = _compare(group, tmp_path / "bad", "--ruleset-b", str(bad))
    assert code == 2 and "broken.yaml" in output and "Traceback" not in output, output
