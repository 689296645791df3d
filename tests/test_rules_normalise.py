"""Text normalisation before keyword checks (rules/normalise.py) and configurable staff exemptions."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rules import BanAdsAndLinks, Delete, Kick, RulesetSpec, VisibleRole, Warn
from rules.normalise import Normaliser, NormaliseSpec, normaliser, variant_table
from sim.cli.app import app
from tests.rules_fakes import FakeView, posted

runner = CliRunner()


@pytest.mark.parametrize(
    ("evasive", "plain"),
    [
        ("加 微 信 领券", "加微信领券"),  # spacing
        ("加🌹微🌹信", "加微信"),  # emoji between characters
        ("私\u200b聊", "私聊"),  # a zero-width space
        ("代.购.正.品", "代购正品"),  # in-word separators
        ("加Ｖ送资料", "加v送资料"),  # a full-width letter
        ("加ⅴ送资料", "加v送资料"),  # a compatibility form (Roman numeral five)
        ("加ѵ送资料", "加v送资料"),  # a Cyrillic homoglyph
        ("威信同号", "微信同号"),  # a variant character
        ("+薇：abc123", "加微信:abc123"),  # "+薇"
        ("jia wei xin 领优惠", "加微信领优惠"),  # pinyin
    ],
)
def test_each_evasion_is_undone(evasive: str, plain: str) -> None:
    assert Normaliser()(evasive) == plain


def test_each_step_can_be_switched_off() -> None:
    assert Normaliser(NormaliseSpec(strip=False))("加 微 信") == "加 微 信"
    assert Normaliser(NormaliseSpec(variants=False))("威信") == "威信"
    assert Normaliser(NormaliseSpec(nfkc=False, width=False))("加Ｖ") == "加ｖ"
    assert Normaliser(NormaliseSpec(nfkc=False))("加Ｖ") == "加v"  # width folding alone
    assert normaliser(False) is None and normaliser(None) is None
    assert normaliser(True) is not None


def test_a_distinct_text_is_normalised_once() -> None:
    n = Normaliser()
    first = n("加 微 信")
    assert n._cache["加 微 信"] is first and n("加 微 信") is first


def test_the_variant_table_is_shipped_as_data() -> None:
    chars, phrases = variant_table()
    assert chars["薇"] == "微" and phrases["weixin"] == "微信"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_normal_form_has_no_spacing_or_zero_width_characters(text: str) -> None:
    out = Normaliser()(text)
    assert not any(unicodedata.category(c) in ("Zs", "Cf") for c in out)
    assert out == Normaliser()(text)  # deterministic


def _ruleset(**extra: Any) -> RulesetSpec:
    return RulesetSpec.model_validate({"rules": [{"name": "ads", "if": "message.ad_like", "then": ["delete"]}], **extra})


def test_a_ruleset_normalises_its_keyword_pass_only_when_asked() -> None:
    off, on = _ruleset().build(), _ruleset(normalise=True).build()
    for text, caught_off, caught_on in [("加 微 信 领券", False, True), ("加微信领券", True, True), ("谢谢分享", False, False)]:
        assert bool(off.handle(posted(1, 0.0, text), FakeView())) is caught_off
        assert bool(on.handle(posted(1, 0.0, text), FakeView())) is caught_on


def test_normalised_text_is_a_field_conditions_can_read() -> None:
    spec = RulesetSpec.model_validate(
        {"rules": [{"name": "vx", "if": "message.normalised_text =~ '.*微信.*'", "then": ["delete"]}]}
    )
    e = spec.build()
    assert e.handle(posted(1, 0.0, "ｖｘ：abc"), FakeView())
    assert not e.handle(posted(1, 0.0, "谢谢"), FakeView())


def test_ban_ads_and_links_takes_the_rulesets_normalisation() -> None:
    spec = RulesetSpec.model_validate({"normalise": True, "rules": [{"use": "ban_ads_and_links", "executor": "bot"}]})
    rule = spec.build().rules[0]
    assert isinstance(rule, BanAdsAndLinks) and rule.normalise is not None
    assert BanAdsAndLinks(normalise=True).offends(posted(1, 0.0, "代 购 正 品"))
    assert not BanAdsAndLinks().offends(posted(1, 0.0, "代 购 正 品"))


def test_extends_keeps_the_parents_normalisation(tmp_path: Path) -> None:
    (tmp_path / "parent.yaml").write_text("name: parent\nnormalise: true\nrules: []\n", encoding="utf-8")
    (tmp_path / "child.yaml").write_text(
        "name: child\nextends: parent\nrules:\n  - {name: r, if: message.ad_like, then: [delete]}\n", encoding="utf-8"
    )
    from rules import load_ruleset

    assert load_ruleset(tmp_path / "child.yaml").normalise == NormaliseSpec()


def test_explain_shows_the_normalised_text(tmp_path: Path) -> None:
    f = tmp_path / "n.yaml"
    f.write_text("name: n\nextends: basic\nnormalise: true\n", encoding="utf-8")
    res = runner.invoke(app, ["rules", "explain", str(f), "--message", "加 微 信 领券"])
    assert res.exit_code == 0, res.output
    assert "normalise (ban_ads_and_links: nfkc+width+strip+variants): applied: '加微信领券'" in res.output
    assert "ban_ads_and_links: FIRES" in res.output
    plain = runner.invoke(app, ["rules", "explain", "basic", "--message", "加 微 信 领券"])
    assert "normalise: off" in plain.output and "0 rule(s) fire." in plain.output


# ---- staff exemptions (exempt_roles) ------------------------------------------------
def _kick_ads(**extra: Any) -> RulesetSpec:
    return RulesetSpec.model_validate({"rules": [{"name": "ads", "if": "message.ad_like", "then": ["delete", "kick"]}], **extra})


def test_staff_are_exempt_by_default() -> None:
    view = FakeView(roles={1: VisibleRole.ADMIN})
    assert _kick_ads().build().handle(posted(1, 0.0, "加微信领券"), view) == []


def test_exempt_roles_lets_rules_act_on_staff_who_break_rules() -> None:
    view = FakeView(roles={1: VisibleRole.ADMIN, 2: VisibleRole.OWNER})
    e = _kick_ads(exempt_roles=["owner"]).build()
    assert [type(a) for a in e.handle(posted(1, 0.0, "加微信领券"), view)] == [Delete, Kick]
    assert e.handle(posted(2, 0.0, "加微信领券"), view) == []  # the owner still is
    # a Python rule too: the engine's protection follows the ruleset
    py = RulesetSpec.model_validate({"exempt_roles": [], "rules": [{"use": "ban_ads_and_links", "executor": "bot"}]})
    assert [type(a) for a in py.build().handle(posted(2, 0.0, "加微信"), view)] == [Delete, Warn]


def test_a_rules_own_exempt_still_wins() -> None:
    view = FakeView(roles={1: VisibleRole.ADMIN})
    spec = RulesetSpec.model_validate({
        "exempt_roles": [],
        "rules": [{"name": "ads", "if": "message.ad_like", "then": ["delete"], "exempt": ["admin"]}],
    })
    assert spec.build().handle(posted(1, 0.0, "加微信"), view) == []


def test_unknown_exempt_roles_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        _kick_ads(exempt_roles=["boss"])
