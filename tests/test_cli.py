"""The `groupsim` command: run, validate, schema; clean errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _small(tmp_path: Path) -> Path:
    text = (ROOT / "scenarios" / "new_customer_well_run.yaml").read_text(encoding="utf-8")
    text = text.replace("duration_days: 30", "duration_days: 3").replace("initial_members: 300", "initial_members: 60")
    path = tmp_path / "small.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_run_writes_results_and_a_table(tmp_path: Path) -> None:
    out = tmp_path / "res"
    res = runner.invoke(app, ["run", str(_small(tmp_path)), "--seeds", "3", "--seed", "10", "--out", str(out), "-q", "-j", "1"])
    assert res.exit_code == 0, res.output
    assert "alive" in res.output and "95% interval" in res.output
    summary = pq.read_table(out / "summary.parquet").to_pylist()
    assert [s["seed"] for s in summary] == [10, 11, 12]
    days = pq.read_table(out / "days.parquet")
    assert set(days.column("seed").to_pylist()) == {10, 11, 12}
    events = pq.read_table(out / "events.parquet")
    assert events.num_rows == sum(s["events"] for s in summary)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seeds"] == [10, 11, 12]
    assert [r["event_log_digest"] for r in manifest["runs"]] == [s["event_log_digest"] for s in summary]
    assert manifest["versions"]["simpy"]


def test_pool_and_in_process_give_the_same_runs(tmp_path: Path) -> None:
    path = _small(tmp_path)
    a = runner.invoke(app, ["run", str(path), "--seeds", "2", "--out", str(tmp_path / "a"), "-q", "-j", "1"])
    b = runner.invoke(app, ["run", str(path), "--seeds", "2", "--out", str(tmp_path / "b"), "-q", "-j", "2"])
    assert a.exit_code == b.exit_code == 0
    da = json.loads((tmp_path / "a" / "manifest.json").read_text())["runs"]
    db = json.loads((tmp_path / "b" / "manifest.json").read_text())["runs"]
    assert da == db


def test_validate_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\npopulation:\n  - role: member\n    shar: 1\n", encoding="utf-8")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}:4: population[0].shar: unknown field" in res.output
    assert "Traceback" not in res.output


def test_validate_accepts_bundled_scenarios() -> None:
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    res = runner.invoke(app, ["validate", *files])
    assert res.exit_code == 0, res.output


def test_schema_is_json_schema() -> None:
    res = runner.invoke(app, ["schema"])
    schema = json.loads(res.stdout)
    assert schema["title"] == "groupsim scenario" and "population" in schema["properties"]


def test_missing_file_is_a_clean_error() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "does-not-exist.yaml"], capture_output=True, text=True, cwd=ROOT
    )
    assert res.returncode == 2
    assert "does-not-exist.yaml: file not found" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize("command", ["run", "validate", "schema"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    res = runner.invoke(app, [command, "--help"])
    assert res.exit_code == 0 and "Example" in res.output


_yaml_text = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(
            ["name: x", "population:", "  - role: member", "    share: 1", "    count: -1", "seed: -5", "group: {capacity: 0}",
             "duration_days: abc", "  - role: ad_spammer", "    params: {ad_rate: {dist: pareto}}", "ruleset: nope", ": :",
             "!!python/object:os.system {}", "&a [*a]", "diurnal: [1, 2]", "\t- x", "population: 3"]
        ),
        max_size=12,
    ).map("\n".join),
)


@settings(max_examples=60, deadline=None)
@given(_yaml_text)
def test_malformed_scenarios_give_a_clean_error(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code in (0, 2)
    if res.exit_code == 2:
        assert str(path) in res.output


def test_validate_checks_every_kind_of_groupsim_file(tmp_path: Path) -> None:
    files = [ROOT / "scenarios" / "rulesets" / "basic.yaml", ROOT / "scenarios" / "sweeps" / "spam_pressure.yaml",
             ROOT / "scenarios" / "sweeps" / "moderation_search.yaml", ROOT / "scenarios" / "portfolios" / "private_domain.yaml",
             ROOT / "scenarios" / "presets" / "full_cast.yaml"]
    res = runner.invoke(app, ["validate", *map(str, files)])
    assert res.exit_code == 0, res.output
    for kind in ("ruleset basic", "sweep spam pressure", "search moderation trade-off", "portfolio private domain", "scenario full cast"):
        assert kind in " ".join(res.output.split())
    bad = tmp_path / "rules.yaml"
    bad.write_text("name: r\nrules:\n  - name: x\n    if: message.nonsense\n    then: [delete]\n", encoding="utf-8")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2 and f"{bad}:4: rules[0].if" in res.output


def test_run_takes_a_bundled_scenario_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.spec.bundled import bundled_scenario_names, locate_scenario

    monkeypatch.chdir(tmp_path)  # no scenarios/ folder here: the name must come from the installed package
    assert locate_scenario("no_value_dead") == ROOT / "scenarios" / "no_value_dead.yaml"
    assert "new_customer_well_run" in bundled_scenario_names()
    res = runner.invoke(app, ["run", "no_value_dead", "--seeds", "1", "-q", "-j", "1", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["seeds"] == [1]
    assert not (tmp_path / "results").exists()


def test_a_path_wins_over_a_bundled_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.spec.bundled import locate_scenario

    monkeypatch.chdir(tmp_path)
    (tmp_path / "no_value_dead").write_text("name: mine\n", encoding="utf-8")
    assert locate_scenario("no_value_dead") == Path("no_value_dead")
    assert locate_scenario("elsewhere/x.yaml") == Path("elsewhere/x.yaml")


def test_an_unknown_name_suggests_and_lists_the_bundled_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["run", "unmoderated_spamm"])
    assert res.exit_code == 2
    text = " ".join(res.output.split())
    assert "no bundled scenario named 'unmoderated_spamm'; did you mean 'unmoderated_spam'?" in text
    assert "Bundled: big_group, " in text and "word_of_mouth_group" in text
    res = runner.invoke(app, ["run", "zzz"])
    assert res.exit_code == 2 and "named 'zzz'. Bundled:" in " ".join(res.output.split())


def test_bundled_rulesets_come_from_the_installed_package() -> None:
    from rules.ruleset import library_path

    assert library_path().resolve() == (ROOT / "scenarios" / "rulesets").resolve()
    assert (library_path() / "basic.yaml").is_file()


def _flat(output: str) -> str:
    """The output without the line breaks the console adds at its width."""
    return output.replace("\n", "")


HOSTILE = "[/] [bold red]boom <script>alert(1)</script>"


def test_user_text_is_never_markup(tmp_path: Path) -> None:
    text = _small(tmp_path).read_text(encoding="utf-8")
    text = text.replace("name: ", f"name: {json.dumps(HOSTILE)}\nold_name: ", 1)
    text = text.replace("\nold_name: ", "\n# ", 1)
    text = text.replace("ruleset: basic", "ruleset:\n  name: " + json.dumps(HOSTILE) + "\n  extends: basic\n"
                        "  rules:\n    - name: " + json.dumps(HOSTILE) + "\n      if: message.text =~ '\\\\[/\\\\]'\n"
                        "      then: [delete]")
    path = tmp_path / "[bold]hostile[red].yaml"
    path.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    assert HOSTILE in _flat(res.output) and str(path) in _flat(res.output)
    res = runner.invoke(app, ["run", str(path), "--seeds", "1", "-j", "1", "--out", str(tmp_path / "[/]out")])
    assert res.exit_code == 0, res.output
    assert "[/] [bold red]boom <script>" in " ".join(res.output.split()) and "[/]out" in _flat(res.output)
    res = runner.invoke(app, ["run", str(tmp_path / "[/]missing[bold].yaml")])
    assert res.exit_code == 2 and "[/]missing[bold].yaml: file not found" in _flat(res.output)
