"""The rule seam: built-in rules, the engine's protected-role filter, purity."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import (
    BanAdsAndLinks,
    Delete,
    FloodLimit,
    Kick,
    MessageForm,
    MessagePosted,
    Mute,
    RuleBase,
    RuleEngine,
    RuleSpec,
    RulesetSpec,
    VisibleRole,
    Warn,
)
from tests.rules_fakes import Msg


class View:
    def __init__(self, roles: dict[int, VisibleRole] | None = None) -> None:
        self.roles = roles or {}
        self.now = 0.0

    def member_count(self) -> int:
        return 10

    def is_member(self, member: int) -> bool:
        return True

    def visible_role(self, member: int) -> VisibleRole:
        return self.roles.get(member, VisibleRole.MEMBER)

    def tenure(self, member: int) -> float:
        return 0.0

    def warnings(self, member: int) -> int:
        return 0


def posted(i: int, sender: int, t: float = 0.0, **kw) -> MessagePosted:  # noqa: ANN003
    return MessagePosted(t, Msg(i, t, sender, **kw))


def test_ban_ads_warns_then_kicks_on_nth_offence() -> None:
    rule = BanAdsAndLinks(kick_after=2)
    v = View()
    first = rule.on_event(posted(1, 7, has_link=True, form=MessageForm.LINK), v)
    assert [type(a) for a in first] == [Delete, Warn]
    second = rule.on_event(posted(2, 7, text="加微信领优惠券"), v)
    assert [type(a) for a in second] == [Delete, Kick]
    assert rule.on_event(posted(3, 8, text="今天天气不错"), v) == ()


@pytest.mark.parametrize("field", ["has_card", "has_mini_program"])
def test_ban_ads_catches_cards_and_mini_programs(field: str) -> None:
    assert BanAdsAndLinks().on_event(posted(1, 3, **{field: True}), View())


def test_flood_limit_deletes_and_mutes_the_excess_only() -> None:
    rule = FloodLimit(max_messages=3, window_seconds=60)
    v = View()
    acts = [rule.on_event(posted(k, 5, t=k * 0.1), v) for k in range(5)]
    assert acts[:3] == [(), (), ()]
    assert [type(a) for a in acts[3]] == [Delete, Mute]
    # after the window passes the member may post again
    assert rule.on_event(posted(9, 5, t=10.0), v) == ()


def test_engine_never_acts_on_owner_or_admin() -> None:
    engine = RuleEngine([BanAdsAndLinks(kick_after=1)])
    v = View({1: VisibleRole.OWNER, 2: VisibleRole.ADMIN})
    assert engine.handle(posted(1, 1, has_link=True), v) == []
    assert engine.handle(posted(2, 2, has_link=True), v) == []
    assert len(engine.handle(posted(3, 3, has_link=True), v)) == 2


def test_engine_calls_only_rules_that_want_the_event() -> None:
    from rules import MemberJoined

    engine = RuleEngine([FloodLimit()])
    assert engine.wants(MessagePosted) and not engine.wants(MemberJoined)
    assert engine.handle(MemberJoined(0.0, 3), View()) == []


def test_rulespec_rejects_unknown_rule_and_param() -> None:
    with pytest.raises(ValueError, match="unknown rule"):
        RuleSpec(use="no_such_rule")
    with pytest.raises(ValueError, match="no parameter"):
        RuleSpec(use="flood_limit", params={"max_mesages": 3})
    with pytest.raises(ValueError, match="max_messages"):
        RuleSpec(use="flood_limit", params={"max_messages": 0})


def test_ruleset_builds_fresh_state_each_time() -> None:
    spec = RulesetSpec(rules=(RuleSpec(use="ban_ads_and_links", params={"kick_after": 2}),))
    a, b = spec.build(), spec.build()
    a.handle(posted(1, 9, has_link=True), View())
    assert [type(x) for x in b.handle(posted(1, 9, has_link=True), View())] == [Delete, Warn]


def test_rules_never_imports_simpy_or_sim() -> None:
    code = "import sys, rules; print('simpy' in sys.modules, 'sim' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


class _Counting(RuleBase):
    """A plugin-style rule without ``may_act``: it must see every post."""

    triggers = frozenset({MessagePosted})

    def __init__(self) -> None:
        super().__init__("every_fifth", 30)
        self.seen = 0

    def on_event(self, event, view):  # noqa: ANN001, ANN201
        self.seen += 1
        return (Warn(self.name, event.message.sender, "fifth"),) if self.seen % 5 == 0 else ()


_LOOKS = st.sampled_from(
    [
        {"text": "哈哈"}, {"text": "收到"}, {"text": "加微信领优惠券"}, {"text": "[链接]", "form": MessageForm.LINK, "has_link": True},
        {"text": "[名片]", "form": MessageForm.CARD, "has_card": True}, {"text": "看图", "form": MessageForm.IMAGE, "has_image": True},
        {"text": "哈哈", "has_link": True},
    ]
)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 4), st.floats(0, 3.0), _LOOKS), max_size=60))
def test_handle_post_gives_what_handle_gives(posts) -> None:  # noqa: ANN001
    """The screened post path (RuleEngine.handle_post) returns exactly what handle() does, in order."""
    def engine() -> RuleEngine:
        return RuleEngine([BanAdsAndLinks(kick_after=2), FloodLimit(max_messages=2, window_seconds=60), _Counting()])

    slow, fast = engine(), engine()
    view = View({0: VisibleRole.OWNER})
    t = 0.0
    for k, (sender, gap, look) in enumerate(posts):
        t += gap
        event = MessagePosted(t, Msg(k, t, sender, **look))
        assert fast.handle_post(event, view) == slow.handle(event, view)


def test_handle_post_screens_plain_chat_out_of_ban_ads() -> None:
    """A plain text with no ad keyword never reaches BanAdsAndLinks; a keyword ad does."""
    calls: list[str] = []

    class Spy(BanAdsAndLinks):
        def on_event(self, event, view):  # noqa: ANN001, ANN201
            calls.append(event.message.text)
            return super().on_event(event, view)

    engine = RuleEngine([Spy()])
    for k, text in enumerate(["哈哈", "哈哈", "加微信"]):
        engine.handle_post(posted(k, 3, text=text), View())
    assert calls == ["加微信"]
