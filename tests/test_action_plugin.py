"""A rule action added by a plugin (entry-point group ``groupsim.actions``) works end to end on the rules side.

The plugin is tests/plugins/shout_action.py alone: a ruleset using ``shout``
validates, lints clean, ``rules explain`` shows it firing, ``rules replay``
lists it, ``rules actions`` documents it, and the executor check and the
engine's sanction filter read its row of the action table.
"""

from __future__ import annotations

import importlib.metadata as md
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rules import (
    ACTION_ENTRY_POINT_GROUP, BUILTIN_ACTIONS, Promote, RulesetSpec, VisibleRole, action_def, action_table, load_ruleset,
)
from rules.replay import read_chat_log, replay
from sim.cli.app import app
from tests.plugins.shout_action import SHOUT, Shout
from tests.rules_fakes import FakeView, posted

runner = CliRunner()
RULESET = """name: shouting
rules:
  - name: shout_at_links
    if: message.has_link
    then: [{shout: "NO LINKS"}]
"""
LOG = """time,event,sender,role,form,text
2026-03-04 20:00:00,join,群主,owner,,
2026-03-04 20:01:00,message,小王,member,text,看这里 http://shop.example
2026-03-04 20:02:00,message,小李,member,text,请问怎么退款？
"""


def _register(monkeypatch: pytest.MonkeyPatch, *values: str) -> None:
    """Install entry points ``name=value`` in the ``groupsim.actions`` group (as a package's metadata would)."""
    eps = [md.EntryPoint(name=v.split("=")[0], value=v.split("=")[1], group=ACTION_ENTRY_POINT_GROUP) for v in values]
    real = md.entry_points
    monkeypatch.setattr(md, "entry_points", lambda **kw: eps if kw.get("group") == ACTION_ENTRY_POINT_GROUP else real(**kw))
    action_table.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_table() -> Iterator[None]:
    action_table.cache_clear()
    yield
    action_table.cache_clear()  # later tests see the table without this module's plugins


@pytest.fixture
def shout(monkeypatch: pytest.MonkeyPatch) -> None:
    _register(monkeypatch, "shout=tests.plugins.shout_action:SHOUT")


def _file(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_the_plugin_joins_the_table(shout: None) -> None:
    table = action_table()
    assert table["shout"] is SHOUT and action_def(Shout) is SHOUT and action_def(Shout("r", 1)) is SHOUT
    assert list(table)[: len(BUILTIN_ACTIONS)] == [d.name for d in BUILTIN_ACTIONS]  # built-ins first
    assert SHOUT.usage == "shout | {shout: text} | {shout: {text, volume}}" and SHOUT.params.target == "member"


def test_without_the_plugin_shout_is_unknown() -> None:
    with pytest.raises(ValueError, match="unknown action 'shout'; actions: ad_thread, ban"):
        RulesetSpec.model_validate({"rules": [{"name": "x", "then": ["shout"]}]})


def test_a_ruleset_using_it_validates_and_builds(shout: None, tmp_path: Path) -> None:
    spec = load_ruleset(_file(tmp_path, "shouting.yaml", RULESET))
    assert spec.rules[0].then[0].definition is SHOUT
    actions = spec.build().handle(posted(1, text="http://x.example", has_link=True), FakeView())
    assert actions == [Shout("shout_at_links", 1, "NO LINKS", 1.0)]
    # A punitive plugin action is a sanction like any other: the engine never aims it at an admin,
    # even from a rule that exempts nobody (a non-punitive one would pass).
    bold = RulesetSpec.model_validate({"rules": [{"name": "all", "exempt": [], "then": ["shout", "promote"]}]})
    admin = FakeView(roles={2: VisibleRole.ADMIN})
    assert [type(a) for a in bold.build().rules[0].on_event(posted(2), admin)] == [Shout, Promote]
    assert [type(a) for a in bold.build().handle(posted(2), admin)] == [Promote]


def test_unknown_actions_list_the_plugin_and_bad_parameters_name_it(shout: None) -> None:
    with pytest.raises(ValueError, match=r"actions: .*require_payment, reward, shout, warn"):
        RulesetSpec.model_validate({"rules": [{"name": "x", "then": ["yell"]}]})
    with pytest.raises(ValueError, match="shout needs volume >= 0"):
        RulesetSpec.model_validate({"rules": [{"name": "x", "then": [{"shout": {"volume": -1}}]}]})


def test_the_executor_check_reads_the_plugin_row(shout: None) -> None:
    with pytest.raises(ValueError, match=r"executor 'operator' cannot carry out shout \(shout is for bot\)"):
        RulesetSpec.model_validate({"rules": [{"name": "x", "executor": "operator", "then": ["delete", "shout"]}]})
    with pytest.raises(ValueError, match="executor 'human' cannot carry out shout"):
        RulesetSpec.model_validate({"rules": [{"name": "x", "executor": {"kind": "human"}, "then": ["shout"]}]})


def test_lint_explain_replay_and_the_listing(shout: None, tmp_path: Path) -> None:
    ruleset = _file(tmp_path, "shouting.yaml", RULESET)
    res = runner.invoke(app, ["rules", "lint", str(ruleset)])
    assert res.exit_code == 0 and "ok (1 rule)" in res.output, res.output
    res = runner.invoke(app, ["rules", "explain", str(ruleset), "-m", "看 http://t.cn/x", "--form", "link"])
    assert res.exit_code == 0 and "shout_at_links: FIRES" in res.output, res.output
    assert "-> shout: Shout(member=1, text='NO LINKS', volume=1.0)" in res.output
    log = _file(tmp_path, "chat.csv", LOG)
    res = runner.invoke(app, ["rules", "replay", str(log), "--ruleset", str(ruleset)])
    assert res.exit_code == 0 and "line 3: shout_at_links -> shout: NO LINKS on 小王" in res.output, res.output
    assert [f.action for f in replay(load_ruleset(ruleset).build(), *read_chat_log(log))] == ["shout: NO LINKS"]
    res = runner.invoke(app, ["rules", "actions"])
    assert res.exit_code == 0 and "shout  (punitive; by bot; plugin tests.plugins.shout_action)" in res.output
    assert "write: shout | {shout: text} | {shout: {text, volume}}" in res.output


def test_the_effect_goes_through_the_world(shout: None) -> None:
    """What the simulator calls for a plugin action (wired in sim.model): one log event through the world."""
    calls: list[tuple[Any, ...]] = []

    class World:
        def log_event(self, t: float, kind: str, **fields: Any) -> None:
            calls.append((t, kind, fields))

    assert SHOUT.effect is not None
    SHOUT.effect(World(), Shout("r", 4), 12.0)
    assert calls == [(12.0, "shout", {"target": 4, "rule": "r"})]


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("shout=tests.plugins.no_such_module:SHOUT", "action plugin 'shout' (tests.plugins.no_such_module:SHOUT) failed to load"),
        ("shout=tests.plugins.shout_action:Shout", "is a type, not a rules.ActionDef"),
        ("yell=tests.plugins.shout_action:SHOUT", "defines an action named 'shout'; the entry point must have the same name"),
    ],
)
def test_a_broken_plugin_is_a_clear_error_naming_it(monkeypatch: pytest.MonkeyPatch, value: str, needle: str) -> None:
    _register(monkeypatch, value)
    with pytest.raises(ValueError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        action_table()
    res = runner.invoke(app, ["rules", "actions"])
    assert res.exit_code == 2 and needle.split(" (")[0] in res.output


def test_a_plugin_may_not_redefine_a_builtin_or_skip_its_effect(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    import tests.plugins.shout_action as plugin

    monkeypatch.setattr(plugin, "KICK", dataclasses.replace(BUILTIN_ACTIONS[3], effect=plugin.shout_effect), raising=False)
    _register(monkeypatch, "kick=tests.plugins.shout_action:KICK")
    with pytest.raises(ValueError, match="clashes with the action 'kick'"):
        action_table()
    monkeypatch.setattr(plugin, "QUIET", dataclasses.replace(SHOUT, effect=None), raising=False)
    _register(monkeypatch, "shout=tests.plugins.shout_action:QUIET")
    with pytest.raises(ValueError, match=r"needs an `effect\(world, action, t\)`"):
        action_table()
