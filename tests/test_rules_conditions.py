"""The compiled conditions agree with rule-engine's own evaluation (a differential test)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import rule_engine
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import MessageForm, compile_condition
from rules.conditions import _CONTEXT
from rules.observe import FIELDS, Observer
from tests.rules_fakes import FakeView, posted

CONDITIONS = [
    "message.ad_like and not sender.paid",
    "message.has_link and sender.role == 'member' or message.length > 20",
    "'ads' in message.keywords or message.text =~~ '1[3-9][0-9]{3}'",
    "message.form in ['card', 'mini_program'] and sender.tenure_days < 1",
    "not (message.mentions >= 2) and (sender.msgs_1m > 2 ? message.length < 5 : message.has_image)",
    "message.text.length * 2 > 10 and message.text =~ '[a-z]+$'",
    "sender.messages + 1 >= 2 and time.hour >= 0",
]
TEXTS = st.sampled_from(["hi", "加微信", "代购正品", "@a @b hello", "call 13912345", "abcdef", "x" * 30, ""])


def _namespace(facts: Any) -> dict[str, Any]:
    roots: dict[str, dict[str, Any]] = {}
    for name, field in FIELDS.items():
        root, attr = name.split(".", 1)
        value = field.get(facts)
        if isinstance(value, frozenset):
            value = set(value)
        roots.setdefault(root, {})[attr] = str(value) if isinstance(value, str) else value
    return {k: SimpleNamespace(**v) for k, v in roots.items()}


@settings(max_examples=60)
@given(
    texts=st.lists(st.tuples(TEXTS, st.sampled_from(list(MessageForm)), st.booleans(), st.sampled_from([1, 2])), min_size=1, max_size=6),
    paid=st.booleans(),
)
def test_compiled_conditions_match_rule_engine(texts: list[tuple[str, MessageForm, bool, int]], paid: bool) -> None:
    obs = Observer({"ads": ["加微信", "代购"]})
    for cond in map(compile_condition, CONDITIONS):
        stores, window = cond.needs()
        obs.want(stores, window)
    reference = [rule_engine.Rule(c, context=_CONTEXT) for c in CONDITIONS]
    view = FakeView(paid_members={1} if paid else set(), now=100.0)
    for k, (text, form, link, sender) in enumerate(texts):
        facts = obs.observe(posted(sender, 100.0 + k * 0.1, text, form=form, has_link=link), view)
        thing = _namespace(facts)
        for src, ref in zip(CONDITIONS, reference):
            assert compile_condition(src)(facts) == bool(ref.matches(thing)), (src, text, form, link)


@pytest.mark.parametrize("src", CONDITIONS)
def test_same_source_compiles_once(src: str) -> None:
    assert compile_condition(src) is compile_condition(src)


def test_rule_engine_reads_the_shipped_parser_tables() -> None:
    """The shipped tables match the installed rule-engine's grammar (else: python -m rules.parser_tables)."""
    import subprocess
    import sys

    from rules import parser_tables

    code = ("import sys, rules; from rules.parser_tables import MODULE; import rule_engine; "
            "print(MODULE in sys.modules, rule_engine.Rule('1 + 2 == 3').matches({}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"]
    tables = {}
    exec(parser_tables.TABLES.read_text(encoding="utf-8"), tables)  # noqa: S102 - our generated data file
    assert tables["_lr_signature"] == parser_tables.grammar_signature(), "run: python -m rules.parser_tables"
