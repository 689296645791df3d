"""Taking it to private chat (加好友私聊; seed 001 §一.6, §二.4): the PrivateTalk action."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from rules import Executor, HumanExecutor, PrivateTalk, RulesetSpec
from rules.declarative import ActionSpec
from sim.run.engine import Simulation
from sim.model.roster import ADVERSARY, LEGIT
from sim.model.messages import Kind
from sim.spec.scenario import Scenario, load_scenario
from sim.testing import assert_better

PRESETS = Path(__file__).resolve().parent.parent / "scenarios" / "presets"


def _sim(ruleset: str = "none") -> Simulation:
    sc = Scenario.model_validate({
        "name": "private talk", "seed": 3, "duration_days": 2, "group": {"initial_members": 30},
        "population": [{"role": "member", "share": 1.0}, {"role": "operator", "count": 1}], "ruleset": ruleset,
    })
    sim = Simulation(sc)
    sim.env.run(until=60.0)  # everyone has joined
    return sim


def _member(sim: Simulation) -> int:
    g = sim.roster
    return int(np.flatnonzero(g.present[: g.n] & g.reader[: g.n] & (g.truth[: g.n] == LEGIT))[0])


def test_declarative_private_talk_parses_with_defaults_and_overrides() -> None:
    spec = RulesetSpec.model_validate({"name": "x", "rules": [
        {"name": "a", "trigger": "message", "if": "'q' in message.keywords", "then": ["private_talk"]},
        {"name": "b", "trigger": "message", "if": "'q' in message.keywords", "then": [{"private_talk": {"hours": 24, "minutes": 5}}]},
    ], "keywords": {"q": ["退款"]}})
    assert spec.rules[0].then[0].kind == "private_talk"
    assert ActionSpec.model_validate({"private_talk": {"hours": 24}}).arg == {"hours": 24}


@pytest.mark.parametrize("bad", [{"private_talk": 5}, {"private_talk": {"days": 2}}, {"private_talk": {"hours": -1}}])
def test_declarative_private_talk_rejects_bad_arguments(bad: dict) -> None:
    with pytest.raises(ValidationError, match="private_talk"):
        ActionSpec.model_validate(bad)


def test_a_member_talked_round_complains_in_private_until_the_talk_wears_off() -> None:
    sim = _sim()
    g, i = sim.roster, _member(sim)
    friends = list(sim.graph.neighbors(i))
    before_sat = float(g.satisfaction_now(np.array([i]), 60.0)[0])
    sim.moderation.apply(PrivateTalk("control", i, minutes=10, hours=2, satisfaction=0.2), 60.0)
    assert g.private_until[i] == pytest.approx(180.0)
    assert float(g.satisfaction_now(np.array([i]), 60.0)[0]) == pytest.approx(before_sat + 0.2)
    heard = [float(g.friend_complaints[j]) for j in friends]
    n_msgs = len(g.messages)
    assert sim.posting.complain(i, "要求退款", 90.0) is None
    assert len(g.messages) == n_msgs and sim.posting.private_complaints == 1
    assert [float(g.friend_complaints[j]) for j in friends] == heard  # no friend heard it
    assert "private_complaint" in sim.log.event
    m = sim.posting.complain(i, "要求退款", 200.0)  # two hours later: public again
    assert m is not None and m.kind is Kind.COMPLAINT
    assert sim.moderation.stats["control"]["private_talks"] == 1


def test_talking_to_an_adversary_changes_nothing() -> None:
    sim = _sim()
    g, i = sim.roster, _member(sim)
    g.truth[i] = ADVERSARY  # a brigade member is paid to be there
    sim.moderation.apply(PrivateTalk("control", i), 60.0)
    assert g.private_until[i] < 0
    assert sim.posting.complain(i, "听说要跑路了", 90.0) is not None


def test_the_operator_spends_the_talks_minutes() -> None:
    sim = _sim()
    sim.moderation.executors["control"] = Executor.OPERATOR
    sim.moderation.apply_all([PrivateTalk("control", _member(sim), minutes=25)], 60.0)
    assert sim.moderation.stats["control"]["moderator_minutes"] == 25


def test_a_human_admin_spends_the_talks_minutes_not_a_case_minimum() -> None:
    sim = _sim()
    sim.moderation.executors["control"] = HumanExecutor(label="admin", miss_probability=0.0, attention_minutes_per_day=600)
    sim.moderation.apply_all([PrivateTalk("control", _member(sim), minutes=25)], 600.0)
    sim.env.run(until=700.0)  # minutes are counted when the admin handles the case (issue 16 item 4: the queue)
    assert sim.moderation.stats["control"]["moderator_minutes"] == 25


def test_private_handling_halves_a_complaint_wave_in_public() -> None:
    """The same incident and token response, with complaints taken to private chat: fewer public
    complaints and fewer leaves (paired seeds), at the price of operator minutes."""
    private = load_scenario(PRESETS / "complaint_wave_private.yaml")
    token = load_scenario(PRESETS / "complaint_wave_token.yaml")
    assert_better(private, token, "msgs_complaint", seeds=12, higher_is_better=False, workers=1)
    assert_better(private, token, "leaves", seeds=12, higher_is_better=False, workers=1)
    assert_better(private, token, "moderator_minutes", seeds=12, higher_is_better=True, workers=1)


def test_a_brigade_that_keeps_at_it_after_the_talks_is_kicked() -> None:
    data = load_scenario(PRESETS / "competitor_brigade.yaml").model_dump(mode="json", by_alias=True)
    data["ruleset"] = "control_private"
    result = Simulation(Scenario.model_validate(data)).run()
    assert result.summary["true_positives"] >= 3  # brigade accounts kicked on their third strike
    assert result.summary["private_talks"] > 0
