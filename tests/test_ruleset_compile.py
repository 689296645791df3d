"""The ruleset is resolved once: one compiled object per ruleset, no dump/validate round trip of the scenario."""

from __future__ import annotations

import gc
import pickle
from pathlib import Path

import pytest

from rules import InputError, RulesetSpec, load_ruleset
from rules.ruleset import _COMPILED, CompiledRuleset
from rules.source import read_mapping, validate_document
from sim.spec.scenario import Scenario, load_scenario, resolve_ruleset

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
LIBRARY = SCENARIOS / "rulesets"


def _validated(path: Path) -> Scenario:
    return validate_document(Scenario, read_mapping(path, "a scenario file", "name:, population:, ..."))


def test_compile_is_cached_and_builds_fresh_engines() -> None:
    spec = load_ruleset(LIBRARY / "community_standard.yaml")
    compiled = spec.compile()
    assert isinstance(compiled, CompiledRuleset) and spec.compile() is compiled
    assert [p.spec for p in compiled.plans] == list(spec.rules)
    a, b = spec.build(), spec.build()
    assert a.observer is not b.observer and all(x is not y for x, y in zip(a.rules, b.rules))
    assert [r.name for r in a.rules] == [r.name for r in b.rules]


def test_the_cache_forgets_a_ruleset_once_it_is_gone() -> None:
    spec = RulesetSpec.model_validate({"name": "gone", "rules": [{"name": "x", "if": "message.has_link", "then": ["delete"]}]})
    key = id(spec)
    spec.compile()
    assert key in _COMPILED
    del spec
    gc.collect()
    assert key not in _COMPILED


def test_a_copy_with_other_rules_compiles_its_own() -> None:
    spec = load_ruleset(LIBRARY / "strike_ladder.yaml")
    fewer = spec.model_copy(update={"rules": spec.rules[:1]})
    assert len(fewer.compile().plans) == 1 and len(spec.compile().plans) == len(spec.rules)


def test_resolving_a_named_ruleset_does_not_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    path = SCENARIOS / "new_customer_well_run.yaml"
    scenario = _validated(path)
    assert scenario.ruleset == "basic"

    def refuse(*args: object, **kw: object) -> None:
        raise AssertionError("resolve_ruleset re-validated the scenario")

    monkeypatch.setattr(Scenario, "model_validate", refuse)
    monkeypatch.setattr(Scenario, "model_dump", refuse)
    resolved = resolve_ruleset(scenario, path)
    monkeypatch.undo()
    assert isinstance(resolved.ruleset, RulesetSpec) and resolved.ruleset.name == "basic" and resolved.ruleset.extends is None
    # The result is what the old round trip gave: equal content, equal hash.
    tripped = Scenario.model_validate(resolved.model_dump(mode="json", by_alias=True))
    assert tripped.content_hash() == resolved.content_hash() and tripped == resolved
    assert resolve_ruleset(resolved) is resolved  # the engine's call: already resolved, nothing to do
    assert pickle.loads(pickle.dumps(resolved)) == resolved  # runs in worker processes still get it


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_scenario_resolves_to_the_round_trip_result(path: Path) -> None:
    resolved = load_scenario(path)
    assert isinstance(resolved.ruleset, RulesetSpec) and resolved.ruleset.extends is None
    tripped = Scenario.model_validate(resolved.model_dump(mode="json", by_alias=True))
    assert tripped.content_hash() == resolved.content_hash()


def test_an_inline_ruleset_that_extends_merges_once(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\npopulation: [{role: member, count: 3}, {role: operator, count: 1}]\n"
        "ruleset:\n  extends: basic\n  rules:\n    - {name: extra, if: message.has_link, then: [delete]}\n",
        encoding="utf-8",
    )
    resolved = load_scenario(path)
    assert isinstance(resolved.ruleset, RulesetSpec) and resolved.ruleset.extends is None
    labels = [r.label for r in resolved.ruleset.rules]
    assert labels[-1] == "extra" and len(labels) == len(load_ruleset(LIBRARY / "basic.yaml").rules) + 1


def test_operator_rules_without_an_operator_are_a_file_line_error(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: s\npopulation:\n  - {role: member, count: 3}\nruleset: basic\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.render().startswith(f"{path}:4: ruleset: rules with executor: operator need an `operator`")
