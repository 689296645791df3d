"""The action table: each built-in action defined once, and everything that names actions reads it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from rules import (
    BUILTIN_ACTIONS, GROUP, PUNITIVE, ActionSpec, Ban, Compensate, Delete, Dissolve, Executor, HumanExecutor, Kick,
    MoveToAdThread, Mute, NotifyOperator, Post, PrivateTalk, Promote, RequirePayment, Reward, Warn, action_def,
    action_table, may_carry_out,
)
from rules.actions import SEVERITY
from rules.declarative import ACTION_KINDS, MEMBER_ACTIONS, MESSAGE_ACTIONS
from rules.observe import Observer
from rules.replay import _describe
from sim.cli.app import app
from tests.rules_fakes import FakeView, posted


def test_every_builtin_is_one_row_with_a_summary_and_all_executors() -> None:
    table = action_table()
    assert [d.name for d in BUILTIN_ACTIONS] == list(table)
    assert len({d.action for d in BUILTIN_ACTIONS}) == len(BUILTIN_ACTIONS) == 15
    for d in BUILTIN_ACTIONS:
        assert action_def(d.action) is d and d.summary and "\n" not in d.summary and d.effect is None
        assert d.executors == {"bot", "operator", "human"}
        assert {p.name for p in d.params.params} == {f.name for f in dataclasses.fields(d.action)} - {
            "rule", "member", "message_id", "appeal_minutes"}


def test_derived_names_keep_their_old_values() -> None:
    assert set(PUNITIVE) == {Delete, Warn, Mute, Kick, Ban, RequirePayment, MoveToAdThread}
    assert SEVERITY == {Warn: 1, Mute: 2, Kick: 3, Ban: 4}
    assert MESSAGE_ACTIONS == {"delete", "ad_thread", "require_payment", "rebuke"}
    assert MEMBER_ACTIONS == {"warn", "mute", "kick", "ban", "promote", "reward", "private_talk"}
    assert set(ACTION_KINDS) == set(action_table()) and ACTION_KINDS["mute"] == "{mute: minutes}"


def _make(arg: object, appeal: float) -> tuple[object, int]:
    facts = Observer().observe(posted(3), FakeView())
    assert facts.message is not None
    return ActionSpec.model_validate(arg).make("r", facts, appeal), facts.message.id


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("delete", lambda m: Delete("r", 3, m)),
        ("ad_thread", lambda m: MoveToAdThread("r", 3, m)),
        ("require_payment", lambda m: RequirePayment("r", 3, m, 10.0, 30.0, "delete")),
        ({"require_payment": {"amount": 5, "otherwise": "kick"}}, lambda m: RequirePayment("r", 3, m, 5.0, 30.0, "kick")),
        ("warn", lambda m: Warn("r", 3, "")),
        ({"warn": "no ads"}, lambda m: Warn("r", 3, "no ads")),
        ({"mute": 60}, lambda m: Mute("r", 3, 60.0)),
        ("kick", lambda m: Kick("r", 3, 1440.0)),
        ({"ban": "operator"}, lambda m: Ban("r", 3, "operator", 1440.0)),
        ("ban", lambda m: Ban("r", 3, "group", 1440.0)),
        ("promote", lambda m: Promote("r", 3)),
        ("reward", lambda m: Reward("r", 3, "red_packet", 10.0, 0.3)),
        ({"reward": "gift"}, lambda m: Reward("r", 3, "gift", 10.0, 0.3)),
        ({"reward": {"kind": "interview", "yuan": 50}}, lambda m: Reward("r", 3, "interview", 50.0, 0.3)),
        ("private_talk", lambda m: PrivateTalk("r", 3, 10.0, 72.0, 0.1)),
        ({"private_talk": {"hours": 48}}, lambda m: PrivateTalk("r", 3, 10.0, 48.0, 0.1)),
        ({"post": "welcome"}, lambda m: Post("r", 3, "welcome", "")),  # a welcome greets the member
        ({"post": {"kind": "rules", "text": "群规"}}, lambda m: Post("r", GROUP, "rules", "群规")),
        ({"notify_operator": "look"}, lambda m: NotifyOperator("r", GROUP, "look")),
        ("compensate", lambda m: Compensate("r", GROUP, 5.0, 0.1)),
        ("dissolve", lambda m: Dissolve("r", GROUP)),
    ],
)
def test_rule_files_make_the_same_actions_as_before(arg: object, expected: Callable[[int], object]) -> None:
    action, message_id = _make(arg, appeal=1440.0)
    assert action == expected(message_id)


@pytest.mark.parametrize(
    ("arg", "needle"),
    [
        ("explode", "unknown action 'explode'; actions: ad_thread, ban, compensate, delete, dissolve, kick, mute"),
        ({"mute": 0}, r"mute needs minutes > 0, e.g. \{mute: 60\}"),
        ("mute", r"mute needs minutes, e.g. \{mute: 60\}"),
        ({"mute": "long"}, "mute's minutes must be a number, not 'long'"),
        ({"ban": "world"}, "ban takes scope: group | operator, not 'world'"),
        ("post", "post needs kind"),
        ({"post": "party"}, "post takes kind: warm_up | welcome | rules | reminder | thank_you | red_packet"),
        ({"reward": {"kind": "yacht"}}, "reward takes kind"),
        ({"reward": {"size": 1}}, "reward has no parameter size; it takes kind, yuan, satisfaction"),
        ({"private_talk": 5}, "private_talk takes a mapping of minutes, hours, satisfaction"),
        ({"private_talk": {"hours": -1}}, "private_talk needs hours >= 0"),
        ({"private_talk": {"hours": True}}, "private_talk's hours must be a number"),
        ({"compensate": 3}, "compensate takes a mapping of yuan, satisfaction"),
        ({"require_payment": {"otherwise": "ban"}}, "require_payment takes otherwise: delete | kick, not 'ban'"),
        ({"kick": 5}, "kick takes no parameters; write it as the bare word `kick`"),
    ],
)
def test_parse_errors_come_from_the_schema(arg: object, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        ActionSpec.model_validate(arg)


def test_replay_names_actions_as_rule_files_write_them() -> None:
    assert _describe(Mute("r", 1, 60.0)) == "mute(60)"
    assert _describe(Warn("r", 1, "")) == "warn" and _describe(Warn("r", 1, "stop")) == "warn: stop"
    assert _describe(MoveToAdThread("r", 1, 4)) == "ad_thread"  # its table name, not the class name
    assert _describe(Ban("r", 1)) == "ban" and _describe(Ban("r", 1, "operator")) == "ban: operator"
    assert _describe(PrivateTalk("r", 1)) == "private_talk" and _describe(Post("r", 1, "welcome")) == "post: welcome"


def test_who_may_carry_out_what_reads_the_table() -> None:
    kick = action_table()["kick"]
    assert all(may_carry_out(e, kick) for e in (Executor.BOT, Executor.OPERATOR, HumanExecutor()))
    narrow = dataclasses.replace(kick, executors=frozenset({"operator"}))
    assert may_carry_out(Executor.OPERATOR, narrow) and not may_carry_out(Executor.BOT, narrow)
    with pytest.raises(ValueError, match="executors must be some of bot, human, operator"):
        dataclasses.replace(kick, executors=frozenset({"robot"}))


def test_rules_actions_lists_the_table_with_help_and_an_example() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["rules", "actions", "--help"])
    assert res.exit_code == 0 and "Example:" in res.output
    res = runner.invoke(app, ["rules", "actions"])
    assert res.exit_code == 0
    for d in BUILTIN_ACTIONS:
        assert f"{d.name}  (" in res.output and f"write: {d.usage}" in res.output
    assert "minutes: a number > 0 (required)" in res.output and "needs: nothing: group-wide" in res.output
