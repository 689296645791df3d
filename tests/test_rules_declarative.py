"""Declarative rules: each trigger, action, ladder, exemption, extends and plugins."""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path
from typing import Any

import pytest

from rules import (
    AppealGranted, Ban, ClockTick, Compensate, Delete, Dissolve, Kick, MemberJoined, MessageForm, MessageReported,
    MoveToAdThread, Mute, NotifyOperator, PaymentMade, Post, Promote,
    RequirePayment, Reward, RuleBase, RulesetSpec,
    VisibleRole, Warn, load_ruleset,
)
from rules.ruleset import ENTRY_POINT_GROUP, RuleSpec, plugin_rules
from tests.rules_fakes import FakeView, Msg, posted


def engine(*rules: dict[str, Any], keywords: dict[str, list[str]] | None = None) -> Any:
    return RulesetSpec.model_validate({"rules": list(rules), "keywords": keywords or {}}).build()


def kinds(actions: list[Any]) -> list[type]:
    return [type(a) for a in actions]


@pytest.mark.parametrize(
    ("then", "expected"),
    [
        ("delete", Delete), ("kick", Kick), ({"warn": "hi"}, Warn), ({"mute": 5}, Mute), ({"ban": "operator"}, Ban),
        ("ad_thread", MoveToAdThread), ({"require_payment": {"amount": 20}}, RequirePayment), ("promote", Promote),
        ({"post": "warm_up"}, Post), ({"notify_operator": "x"}, NotifyOperator), ({"compensate": {"yuan": 1}}, Compensate),
        ("dissolve", Dissolve), ({"reward": {"kind": "interview", "satisfaction": 0.5}}, Reward), ({"reward": "gift"}, Reward),
    ],
)
def test_each_action_is_built(then: Any, expected: type) -> None:
    e = engine({"name": "r", "if": "message.has_link", "then": [then]})
    out = e.handle(posted(3, has_link=True), FakeView())
    assert kinds(out) == [expected]
    assert out[0].rule == "r"


def test_condition_reads_keywords_counters_and_role() -> None:
    e = engine(
        {"name": "words", "if": "'conflict' in message.keywords", "then": [{"warn": "私聊"}]},
        {"name": "flood", "if": "sender.msgs_1m > 2", "then": ["delete"]},
        keywords={"conflict": ["滚"]},
    )
    v = FakeView()
    assert kinds(e.handle(posted(1, 0.0, "你滚"), v)) == [Warn]
    assert e.handle(posted(1, 0.1, "好"), v) == []
    assert kinds(e.handle(posted(1, 0.2, "好"), v)) == [Delete]
    assert e.handle(posted(1, 5.0, "好"), v) == []  # the window has passed


def test_exempt_roles_and_paid_members_are_never_judged() -> None:
    e = engine({"name": "r", "if": "message.ad_like", "then": ["kick"], "exempt": ["owner", "admin", "paid"]})
    v = FakeView(roles={1: VisibleRole.OWNER}, paid_members={2})
    assert e.handle(posted(1, text="加微信"), v) == []
    assert e.handle(posted(2, text="加微信"), v) == []
    assert kinds(e.handle(posted(3, text="加微信"), v)) == [Kick]


def test_engine_drops_sanctions_on_admins_even_when_not_exempt() -> None:
    e = engine({"name": "r", "if": "true", "then": ["kick"], "exempt": []})
    assert e.handle(posted(1), FakeView(roles={1: VisibleRole.ADMIN})) == []


def test_payment_makes_the_sender_paid() -> None:
    e = engine({"name": "r", "if": "message.ad_like and not sender.paid", "then": ["delete"]})
    v = FakeView()
    assert kinds(e.handle(posted(4, text="代购"), v)) == [Delete]
    e.handle(PaymentMade(1.0, 4, 10.0, 7), v)
    assert e.handle(posted(4, 2.0, text="代购"), v) == []


def test_ladder_climbs_expires_and_cools_down() -> None:
    e = engine({
        "name": "r", "if": "message.ad_like", "then": ["delete"],
        "ladder": {"expire_days": 1, "cooldown_minutes": 10, "steps": [
            {"at": 1, "do": {"warn": "1"}}, {"at": 2, "do": {"mute": 60}}, {"at": 3, "do": "kick"}]},
    })
    v = FakeView()
    assert kinds(e.handle(posted(5, 0.0, "代购"), v)) == [Delete, Warn]
    assert kinds(e.handle(posted(5, 5.0, "代购"), v)) == [Delete]  # cooldown: same offence
    assert kinds(e.handle(posted(5, 20.0, "代购"), v)) == [Delete, Mute]
    assert kinds(e.handle(posted(5, 40.0, "代购"), v)) == [Delete, Kick]
    assert kinds(e.handle(posted(5, 3000.0, "代购"), v)) == [Delete, Warn]  # strikes expired after a day


def test_ban_list_kicks_on_rejoin_and_deletes_posts_until_appeal() -> None:
    e = engine({"name": "r", "if": "message.ad_like", "then": [{"ban": "group"}]})
    v = FakeView()
    assert kinds(e.handle(posted(6, text="代购"), v)) == [Ban]
    assert kinds(e.handle(MemberJoined(1.0, 6), v)) == [Kick]
    assert kinds(e.handle(posted(6, 2.0, "hi"), v)) == [Delete, Kick]
    e.handle(AppealGranted(3.0, 6), v)
    assert e.handle(MemberJoined(4.0, 6), v) == []


def test_shared_blacklist_spans_engines() -> None:
    from rules import Blacklist

    shared = Blacklist()
    spec = RulesetSpec.model_validate({"rules": [{"name": "r", "if": "message.ad_like", "then": [{"ban": "operator"}]}]})
    a, b = spec.build(shared), spec.build(shared)
    a.handle(posted(9, text="代购"), FakeView())
    assert kinds(b.handle(MemberJoined(0.0, 9), FakeView())) == [Kick]


def test_silence_fires_once_per_spell() -> None:
    e = engine({"name": "w", "trigger": {"on": "silence", "minutes": 60}, "then": [{"post": "warm_up"}]})
    v = FakeView()
    assert e.handle(ClockTick(60.0), v) and not e.handle(ClockTick(120.0), v)
    e.handle(posted(1, 130.0), v)
    assert not e.handle(ClockTick(180.0), v) and e.handle(ClockTick(240.0), v)


def test_schedule_fires_at_the_hour_on_the_days() -> None:
    e = engine({"name": "s", "trigger": {"on": "schedule", "hour": 20, "days": ["fri"]}, "then": [{"post": "reminder"}]})
    fires = [t for t in range(0, 14 * 1440, 60) if e.handle(ClockTick(float(t)), FakeView())]
    assert fires == [4 * 1440 + 1200, 11 * 1440 + 1200]  # day 0 is a Monday


def test_metric_fires_on_crossing() -> None:
    e = engine({"name": "m", "trigger": {"on": "metric", "metric": "group.msgs_1h", "above": 2}, "then": [{"notify_operator": "busy"}]})
    v = FakeView()
    for k in range(3):
        e.handle(posted(1, k * 1.0), v)
    assert e.handle(ClockTick(10.0), v) and not e.handle(ClockTick(20.0), v)


def test_report_count_fires_once_at_the_count() -> None:
    e = engine({"name": "rep", "trigger": {"on": "reports", "count": 2}, "then": ["delete"]})
    m = Msg(1, 0.0, 3)
    fired = [bool(e.handle(MessageReported(1.0, m, 3, n), FakeView())) for n in (1, 2, 3)]
    assert fired == [False, True, False]


def test_for_each_member_purges_lurkers() -> None:
    e = engine({"name": "p", "trigger": {"on": "schedule", "hour": 10}, "for_each_member": True,
                "if": "sender.idle_days > 30 and sender.messages == 0", "then": ["kick"]})
    v = FakeView(present={1, 2, 3}, now=40 * 1440.0)
    e.handle(posted(2, 39 * 1440.0), v)
    out = e.handle(ClockTick(40 * 1440.0 + 600), v)
    assert sorted(a.member for a in out) == [1, 3]


def test_join_rule_sees_the_inviter() -> None:
    e = engine({"name": "inv", "trigger": "join", "if": "sender.invited_by_role == 'member'", "then": ["kick"]})
    v = FakeView(roles={0: VisibleRole.OWNER})
    assert e.handle(MemberJoined(0.0, 5, invited_by=0), v) == []
    assert kinds(e.handle(MemberJoined(0.0, 6, invited_by=3), v)) == [Kick]


def test_message_forms_are_observable() -> None:
    e = engine({"name": "f", "if": "message.form in ['card', 'mini_program']", "then": ["delete"]})
    assert e.handle(posted(1, form=MessageForm.CARD), FakeView())
    assert not e.handle(posted(1, form=MessageForm.IMAGE), FakeView())


def test_builtins_keep_their_parameters() -> None:
    spec = RulesetSpec.model_validate({"rules": [
        {"use": "ban_ads_and_links", "params": {"kick_after": 2}, "executor": "operator"},
        {"use": "flood_limit", "params": {"max_messages": 5, "window_seconds": 60, "mute_minutes": 60}}]})
    assert kinds(spec.build().handle(posted(1, has_link=True), FakeView())) == [Delete, Warn]


def test_extends_merges_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        "# seed 001\nname: base\nkeywords: {x: [foo]}\nrules:\n"
        "  - {name: a, if: message.has_link, then: [delete]}\n  - {name: b, if: 'true', then: [delete]}\n", encoding="utf-8")
    (tmp_path / "child.yaml").write_text(
        "name: child\nextends: base\nrules:\n  - {name: b, if: message.has_card, then: [kick]}\n"
        "  - {name: c, if: \"'x' in message.keywords\", then: [delete]}\n", encoding="utf-8")
    spec = load_ruleset(tmp_path / "child.yaml")
    assert [r.label for r in spec.rules] == ["a", "b", "c"]
    assert spec.rules[1].then[0].kind == "kick" and spec.keywords["x"] == ("foo",)


class _PluginRule(RuleBase):
    triggers = frozenset({MemberJoined})

    def __init__(self, name: str = "plug", *, text: str = "hi", priority: int = 50) -> None:
        super().__init__(name, priority)
        self.text = text

    def on_event(self, event: Any, view: Any) -> list[Any]:
        return [Post(self.name, event.member, "welcome", self.text)]


def test_plugins_register_through_the_entry_point_group(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = md.EntryPoint(name="plug_welcome", value=f"{__name__}:_PluginRule", group=ENTRY_POINT_GROUP)
    real = md.entry_points
    monkeypatch.setattr(md, "entry_points", lambda **kw: [ep] if kw.get("group") == ENTRY_POINT_GROUP else real(**kw))
    assert "plug_welcome" in plugin_rules()
    spec = RuleSpec(use="plug_welcome", params={"text": "欢迎"})
    rule = spec.build(RulesetSpec().observer())
    assert rule.on_event(MemberJoined(0.0, 3), FakeView())[0].text == "欢迎"


def test_declarative_rule_needs_name_and_actions() -> None:
    with pytest.raises(ValueError, match="needs a `name`"):
        RuleSpec.model_validate({"if": "true", "then": ["delete"]})
    with pytest.raises(ValueError, match="`then` actions or a `ladder`"):
        RuleSpec.model_validate({"name": "x", "if": "true"})
