"""`groupsim schema` is true: every bundled file validates against it, broken ones fail it and `validate`.

The JSON Schema and ``validate`` come from the same pydantic models; the
shorthand forms the models accept (``trigger: join``, ``then: [kick]``,
``{mute: 60}``, ``{post: welcome}``) are in the schema too, derived from the
action table. A file the schema accepts that validate rejects is fine only for
cross-field checks (a schema cannot say "capacity >= initial members").
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from rules import read_yaml
from sim.cli.app import app, file_kind
from sim.cli.schemas import KINDS, json_schema

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted([*ROOT.glob("scenarios/**/*.yaml"), *ROOT.glob("bench/*.yaml")])
runner = CliRunner()


def _errors(kind: str, data: object) -> list[str]:
    validator = jsonschema.Draft202012Validator(json_schema(kind))
    return [e.message for e in validator.iter_errors(data)]


def test_every_kind_is_a_valid_draft_2020_12_schema() -> None:
    for kind in KINDS:
        jsonschema.Draft202012Validator.check_schema(json_schema(kind))


def test_the_bundled_files_cover_every_kind() -> None:
    assert {file_kind(p) for p in BUNDLED} == set(KINDS)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_file_validates_against_the_schema(path: Path) -> None:
    kind = file_kind(path)
    assert _errors(kind, read_yaml(path).data) == []


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_command_prints_each_kind(kind: str) -> None:
    res = runner.invoke(app, ["schema", kind])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == json_schema(kind)


def test_schema_command_defaults_to_scenario_and_refuses_an_unknown_kind() -> None:
    assert json.loads(runner.invoke(app, ["schema"]).stdout)["title"] == "groupsim scenario"
    res = runner.invoke(app, ["schema", "bogus"])
    assert res.exit_code != 0 and "unknown kind" in res.output


SCENARIO = (ROOT / "scenarios" / "new_customer_well_run.yaml").read_text(encoding="utf-8")
RULESET = """\
name: hostile
rules:
  - name: no links
    trigger: message
    if: msg.has_link
    then: [delete, {mute: 60}, {post: welcome}]
"""

BROKEN = {
    "unknown field": ("scenario", SCENARIO.replace("seed: 1\n", "seed: 1\ncolour: red\n")),
    "wrong type": ("scenario", SCENARIO.replace("duration_days: 30", "duration_days: thirty")),
    "unknown role": ("scenario", SCENARIO.replace("role: ad_spammer", "role: spammer")),
    "unknown action": ("ruleset", RULESET.replace("delete,", "explode,")),
    "action with a bad value": ("ruleset", RULESET.replace("{mute: 60}", "{mute: -5}")),
    "post of an unknown kind": ("ruleset", RULESET.replace("{post: welcome}", "{post: party}")),
    "unknown trigger": ("ruleset", RULESET.replace("trigger: message", "trigger: sunrise")),
    "inline ruleset with an unknown action": (
        "scenario", SCENARIO.replace("ruleset: basic", "ruleset:\n" + "\n".join("  " + line for line in RULESET.replace(
            "delete,", "explode,").splitlines()))),
}


def test_the_shorthand_ruleset_is_valid_for_both() -> None:
    assert _errors("ruleset", read_yaml_text(RULESET)) == []


def read_yaml_text(text: str) -> object:
    from rules import parse_yaml

    return parse_yaml(text).data


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_file_is_rejected_by_the_schema_and_by_validate(name: str, tmp_path: Path) -> None:
    kind, text = BROKEN[name]
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text, encoding="utf-8")
    assert file_kind(path) == kind
    assert _errors(kind, read_yaml(path).data), f"the schema accepts the {name} file"
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code != 0, f"validate accepts the {name} file: {res.output}"
    assert "Traceback" not in res.output
