"""Conditions at the edges (issue 17): RE2-only syntax, deep nesting, huge inputs; validate stays linear in its errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import ConditionError, compile_condition
from rules.source import Problem, _drop_branch_noise
from sim.cli.app import app


def test_re2_syntax_that_python_re_rejects_is_accepted() -> None:
    """`\\p{Han}` is RE2 (and rejected by Python's re, which rule-engine used to check patterns with)."""
    cond = compile_condition('message.text =~ "\\\\p{Han}+微信"')
    assert cond.patterns[0].search("加我微信") is not None
    assert cond.patterns[0].search("add me on wechat") is None


def test_a_bad_pattern_is_still_a_clear_error() -> None:
    with pytest.raises(ConditionError, match="not valid RE2"):
        compile_condition('message.text =~ "a(b"')


@pytest.mark.parametrize("source", ["not " * 3000 + "true", " and ".join(["message.length > 1"] * 1000), "(" * 5000 + "true" + ")" * 5000])
def test_deep_or_huge_conditions_are_clear_errors(source: str) -> None:
    with pytest.raises(ConditionError, match="too long|nested too deeply"):
        compile_condition(source)


def test_explain_uses_the_re2_pattern(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    path = tmp_path / "r.yaml"
    path.write_text('name: r\nrules:\n  - name: han\n    trigger: message\n    if: \'message.text =~ "\\\\p{Han}+微信"\'\n'
                    "    then: [delete]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "explain", str(path), "--message", "加我微信"])
    assert result.exit_code == 0, result.output
    assert "1 rule(s) fire" in result.output


_problems = st.lists(st.builds(Problem, st.integers(1, 5), st.sampled_from(["a", "a.b", "a.b.c", "b", "population[0]"]),
                               st.sampled_from(["Input should be a valid dictionary", "unknown field", "too big"])), max_size=30)


def _reference(problems: list[Problem]) -> list[Problem]:
    """The old quadratic filter, kept here to pin the new one to the same answer."""
    def mismatch(p: Problem) -> bool:
        return p.message.startswith("Input should be a valid")

    kept: list[Problem] = []
    for p in problems:
        if mismatch(p) and any(q is not p and not mismatch(q) and q.field.startswith(p.field) for q in problems):
            continue
        if p not in kept:
            kept.append(p)
    return kept


@given(_problems)
def test_the_linear_noise_filter_keeps_what_the_quadratic_one_kept(problems: list[Problem]) -> None:
    assert _drop_branch_noise(problems) == _reference(problems)
