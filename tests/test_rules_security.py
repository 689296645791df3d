"""Security: user patterns run in linear time (RE2); rule files cannot run code; errors carry file:line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rules import ConditionError, InputError, compile_condition, load_ruleset
from rules.conditions import pattern_engine
from rules.observe import Observer
from tests.rules_fakes import FakeView, posted


def test_user_patterns_run_on_re2() -> None:
    assert pattern_engine() == "re2"
    cond = compile_condition("message.text =~ '(a+)+$'")
    assert cond.patterns and all(type(p).__module__.startswith("re2") for p in cond.patterns)


def test_catastrophic_pattern_is_linear() -> None:
    cond = compile_condition("message.text =~ '(a+)+$'")
    facts = Observer().observe(posted(1, text="a" * 10_000 + "!"), FakeView())
    start = time.perf_counter()
    assert cond(facts) is False
    assert time.perf_counter() - start < 2.0  # Python's re would take longer than the age of the universe


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("message.__class__", "not allowed"),
        ("__import__('os')", "not allowed"),
        ("import os", "not allowed"),
        ("message.text.__len__", "not allowed"),
        ("$re_groups", "not allowed"),
        ("sender.true_role == 'adversary'", "no observable field"),
        ("truth == 2", "unknown name"),
        ("message.kind == 'ad'", "no observable field"),
        ("message.text.upper", "not available"),
        ("sender.role == 'member' and", "syntax error"),
        ("message.text =~ '(a)\\\\1'", "not valid RE2"),
        ("sender.tenure_days + 1", "true or false"),
    ],
)
def test_conditions_refuse_code_and_hidden_truth(source: str, needle: str) -> None:
    with pytest.raises(ConditionError, match=needle):
        compile_condition(source)


def test_strings_may_mention_import_and_dunders() -> None:
    assert compile_condition("'import' in message.text or message.text =~~ '__x__'")


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("name: x\nrules:\n  - !!python/object:os.system {}\n", 3, "YAML tag"),
        ("name: x\nrules:\n  - name: a\n    if: !!python/name:os.system ''\n    then: [delete]\n", 4, "YAML tag"),
        ("name: x\nrules:\n  - name: a\n    if: message.__class__\n    then: [delete]\n", 4, "not allowed"),
        ("name: x\nrules:\n  - name: a\n    if: message.ad_like\n    then: [explode]\n", 5, "unknown action"),
        ("name: x\nrules:\n  - name: a\n    if: message.nope\n    then: [delete]\n", 4, "no observable field"),
        ("name: x\nrules:\n  - name: a\n    trigger: {on: silence}\n    then: [dissolve]\n", 4, "needs `minutes`"),
        ("name: x\nrules:\n  - name: a\n    trigger: join\n    then: [delete]\n", 3, "need a message"),
        ("name: x\nrules:\n  - name: a\n    then: [delete\n", 5, "invalid YAML"),
        ("name: x\nrules:\n  - use: flood_limit\n    params: {max_messages: 0}\n", 3, "max_messages"),
    ],
)
def test_malformed_rule_files_give_file_line_errors(tmp_path: Path, text: str, line: int, needle: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_ruleset(path)
    rendered = err.value.render()
    assert f"{path}:{line}:" in rendered and needle in rendered, rendered


def test_extends_cycle_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: a\nextends: b\nrules: []\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("name: b\nextends: a\nrules: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="circular"):
        load_ruleset(tmp_path / "a.yaml")


def test_import_rules_stays_pure_and_light() -> None:
    import subprocess
    import sys

    code = "import sys, rules; print(sorted(m for m in ('simpy', 'sim', 'typer', 'rich', 'sim.cli.rules') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
