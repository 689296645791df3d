"""The narrow world: model modules see a World, never the run; null objects; the effect table."""

from __future__ import annotations

import ast
import importlib.metadata as md
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rules import MemberJoined, RuleBase
from rules.ruleset import ENTRY_POINT_GROUP
from sim.model.designs.entry import EntryGate, NoGate
from sim.model.effects import effect_for, register_effect
from sim.model.messages import Kind
from sim.model.shared import NoBlacklist, NoPortfolio, UnlimitedAttention
from sim.model.staff.operator import NoOperator, Operator
from sim.model.world import World
from sim.run.engine import Simulation
from sim.spec.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "sim" / "model"
# The run object holds the parts it wires together and nothing else: 27 today (62 before the world).
MAX_RUN_ATTRIBUTES = 30


def _scenario(
    *, operator: bool = True, spammers: int = 0, ruleset: Any = "none", days: float = 3, **group: Any
) -> Scenario:
    population: list[dict[str, Any]] = [{"role": "member", "share": 1.0}]
    if spammers:
        population.append({"role": "ad_spammer", "count": spammers, "params": {"join_day": 0.0, "ad_rate": 10.0, "strategy": {"responsive": False}}})
    if operator:
        population.append({"role": "operator", "count": 1})
    return Scenario.model_validate({
        "name": "w", "seed": 3, "duration_days": days, "group": {"initial_members": 30, **group},
        "population": population, "ruleset": ruleset,
    })


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, at any depth (type-only imports included)."""
    out: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
    return out


def test_no_model_module_imports_the_run_layer() -> None:
    files = sorted(MODEL.rglob("*.py"))
    assert len(files) > 20
    offenders = [f"{f.relative_to(ROOT)}: {m}" for f in files for m in _imports(f) if m == "sim.run" or m.startswith("sim.run.")]
    assert offenders == []


def test_no_model_or_run_module_reaches_into_another_objects_private_attributes() -> None:
    offenders = []
    for f in sorted(MODEL.rglob("*.py")) + sorted((ROOT / "sim" / "run").glob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                # self/cls, and the standard library's documented underscore names (os._exit)
                if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls", "os")):
                    offenders.append(f"{f.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sim."):
                offenders += [f"{f.relative_to(ROOT)}:{node.lineno}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert offenders == []


def test_the_run_object_is_small() -> None:
    sim = Simulation(_scenario())
    assert len(vars(sim)) <= MAX_RUN_ATTRIBUTES, sorted(vars(sim))


def test_the_object_the_parts_receive_is_a_world() -> None:
    sim = Simulation(_scenario())
    assert isinstance(sim, World)
    for part in (sim.posting, sim.membership, sim.review, sim.population, sim.moderation, sim.ticks, sim.calendar,
                 sim.business, sim.lifecycle, sim.cascades):
        assert part.world is sim
    assert not isinstance(object(), World)


def test_a_lone_group_without_an_operator_runs_on_null_objects() -> None:
    ruleset = {"name": "bot", "rules": [{"use": "ban_ads_and_links", "params": {"kick_after": 1}}]}
    sim = Simulation(_scenario(operator=False, spammers=3, ruleset=ruleset))
    assert isinstance(sim.ties, NoPortfolio) and isinstance(sim.operator, NoOperator) and isinstance(sim.gate, NoGate)
    assert sim.person(5) == 5 and sim.ties.timelines == [sim.timeline]
    assert sim.ties.attention.spend(sim, 0.0, 1e9)
    assert 5 not in sim.ties.blacklist and len(sim.ties.blacklist) == 0
    result = sim.run()
    assert result.summary["final_members"] > 0 and result.summary["kicks"] > 0  # kicks call the null hook
    i = next(i for i in range(sim.roster.n) if sim.roster.present[i])
    sim.kick(i, sim.now, "test")  # the null portfolio's hook does nothing
    assert not sim.roster.present[i] and sim.log.event[-1] == "kick"


def test_null_objects_behave_as_nothing_there() -> None:
    gate = NoGate()
    assert gate.admit(1, 0.0, False) and not gate.queue(1, 0.0) and not gate.waiting
    assert gate.day_row(0.0) == {"refused": 0, "waiting": 0, "entry_fees": 0.0}
    assert NoOperator().id == -1 and not NoOperator().present and NoOperator().maybe_answer(3, 0.0) is None
    blacklist = NoBlacklist()
    blacklist.add("p")
    assert "p" not in blacklist
    attention = UnlimitedAttention()
    assert attention.spend(None, 0.0, 1e9) and attention.skipped == {}


def test_real_objects_replace_the_null_ones() -> None:
    sim = Simulation(_scenario(entry={"policy": "invite_approval"}))
    assert isinstance(sim.operator, Operator) and sim.operator.present and sim.operator.id >= 0
    assert isinstance(sim.gate, EntryGate)


def test_world_commands_route_to_the_parts() -> None:
    sim = Simulation(_scenario())
    sim.env.run(until=60.0)
    members = [i for i in range(sim.roster.n) if sim.roster.present[i] and sim.roster.reader[i]]
    a, b = members[:2]
    sim.mute(a, 30.0, sim.now, "r")
    assert sim.roster.muted_until[a] == sim.now + 30.0 and sim.log.event[-1] == "rule_mute"
    m = sim.post(b, Kind.CHAT, "hello")
    sim.delete(m.id, sim.now, "r")
    assert m.deleted_at == sim.now and sim.log.event[-1] == "delete" and sim.log.rule[-1] == "r"
    sim.leave(a, reason="bored")
    assert not sim.roster.present[a] and sim.log.kind[-1] == "bored"
    assert sim.join(a)
    fired: list[float] = []
    sim.schedule(sim.now + 10.0, lambda: fired.append(sim.now))
    sim.log_event(sim.now, "note", a, b, kind="k", rule="r")
    assert sim.log.event[-1] == "note" and sim.log.actor[-1] == a and sim.log.target[-1] == b
    sim.env.run(until=sim.now + 11.0)
    assert fired == [70.0]


# ---- the effect table, end to end ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Cheer:
    """A plugin action: the group cheers a newcomer (not a built-in)."""

    rule: str
    member: int
    gain: float = 0.2


def _cheer(world: World, action: Cheer, t: float) -> None:
    world.roster.bump_satisfaction(action.member, action.gain, t)
    world.moderation.stat(action.rule)["cheers"] = world.moderation.stat(action.rule).get("cheers", 0) + 1
    world.log_event(t, "cheer", -1, action.member, rule=action.rule)


class CheerRule(RuleBase):
    """Cheers every newcomer."""

    triggers = frozenset({MemberJoined})

    def on_event(self, event: Any, view: Any) -> list[Any]:
        return [Cheer(self.name, event.member)]


def test_a_registered_effect_runs_through_moderation_in_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = md.EntryPoint(name="cheer", value=f"{__name__}:CheerRule", group=ENTRY_POINT_GROUP)
    real = md.entry_points
    monkeypatch.setattr(md, "entry_points", lambda **kw: [ep] if kw.get("group") == ENTRY_POINT_GROUP else real(**kw))
    register_effect(Cheer, _cheer)
    assert effect_for(Cheer("x", 1)) is _cheer
    result = Simulation(_scenario(ruleset={"name": "cheers", "rules": [{"use": "cheer"}]}, days=2)).run()
    log = result.log
    joins = [tg for e, tg in zip(log.event, log.actor) if e == "join"]
    cheered = [tg for e, tg in zip(log.event, log.target) if e == "cheer"]
    assert len(joins) > 20 and cheered == joins
    stats = result.summary["rules_json"]
    assert '"cheers": ' + str(len(joins)) in stats


def test_an_action_without_an_effect_is_an_error() -> None:
    @dataclass(frozen=True)
    class Unknown:
        rule: str
        member: int

    sim = Simulation(_scenario())
    with pytest.raises(TypeError, match="no effect registered for the action Unknown"):
        sim.moderation.apply(Unknown("r", -1), 0.0)
