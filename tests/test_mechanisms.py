"""Unit tests of the model's mechanisms (docs/MODEL.md), each able to fail on its own."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.base.clock import CHAT_PROFILE, DiurnalClock
from sim.run.engine import Simulation
from sim.model.roster import Roster
from sim.model.messages import Kind, Message
from sim.model.outcomes import Outcome, OutcomeJudge
from sim.spec.scenario import Outcomes, Scenario


def scenario(**over) -> Scenario:  # noqa: ANN003
    data = {
        "name": "unit",
        "seed": 3,
        "duration_days": 2,
        "group": {"initial_members": 20, "social": {"mean_friends": 4}},
        "population": [{"role": "member", "share": 1.0}, {"role": "operator", "count": 1}],
    }
    data.update(over)
    return Scenario.model_validate(data)


def test_diurnal_clock_round_trip_and_shape() -> None:
    clock = DiurnalClock(CHAT_PROFILE)
    t = np.array([0.0, 30.0, 600.5, 1439.0, 5000.0])
    assert np.allclose(clock.real(clock.effective(t)), t)
    times = clock.poisson_times(np.random.default_rng(0), 2000.0, 0.0, 1440.0 * 5)
    hours = (times % 1440 // 60).astype(int)
    night, evening = (hours == 4).sum(), (hours == 21).sum()
    assert evening > 10 * night  # 21h weight 1.9 vs 4h weight 0.05
    assert abs(len(times) / 5 - 2000) < 200


def test_zero_weight_hours_get_no_events() -> None:
    clock = DiurnalClock([0.0] * 9 + [1.0] * 13 + [0.0] * 2)
    times = clock.poisson_times(np.random.default_rng(1), 500.0, 0.0, 1440.0 * 3)
    assert ((times % 1440) >= 9 * 60).all() and ((times % 1440) < 22 * 60).all()


def test_exposure_skips_messages_deleted_before_a_look() -> None:
    """A member who looks after a deletion never sees the ad; one who looked before did."""
    g = Roster(10)
    early, late = g.new_agent(0, 0), g.new_agent(0, 0)
    for i in (early, late):
        g.reader[i] = True
        g.join(i, 0.0)
    ad = Message(0, 0, 5.0, 9, Kind.AD)
    g.messages.append(ad)
    g.cum[Kind.AD] += 1
    g.last_read[early] = 6.0  # looked after the post, before the deletion
    g.delete_message(ad, 10.0)
    unseen = g.unseen_deleted(np.array([6.0, 0.0]))
    assert unseen is not None
    assert unseen[0, Kind.AD] == 0.0  # early already saw it: nothing to subtract
    assert unseen[1, Kind.AD] == 1.0  # late never saw it


def test_satisfaction_decays_exponentially() -> None:
    g = Roster(4)
    i = g.new_agent(0, 0)
    g.reader[i] = True
    g.sat[i], g.sat_time[i], g.par[i, 0] = 2.0, 0.0, 1440.0
    assert math.isclose(float(g.satisfaction_now(np.array([i]), 1440.0)[0]), 2.0 / math.e)
    g.bump_satisfaction(i, 0.5, 1440.0)
    assert math.isclose(float(g.sat[i]), 2.0 / math.e + 0.5)


def test_friend_leaving_costs_satisfaction() -> None:
    sim = Simulation(scenario(), 1)
    sim.env.run(until=1.0)
    i = next(n for n in sim.graph.nodes if sim.graph.degree(n) > 0)
    friend = next(iter(sim.graph.neighbors(i)))
    before = float(sim.roster.satisfaction_now(np.array([friend]), sim.env.now)[0])
    sim.leave(i)
    after = float(sim.roster.satisfaction_now(np.array([friend]), sim.env.now)[0])
    assert before - after == pytest.approx(sim.traits[friend]["friend_leave_penalty"])


def test_unanswered_question_costs_satisfaction() -> None:
    sim = Simulation(scenario(population=[{"role": "member", "share": 1.0}]), 2)
    sim.env.run(until=1.0)
    asker = next(i for i in range(sim.roster.n) if sim.roster.present[i])
    q = sim.post(asker, Kind.QUESTION, "?")
    t = sim.env.now + 13 * 60  # default patience: 12 hours
    base = float(sim.roster.satisfaction_now(np.array([asker]), t)[0])
    sim.posting.expire_questions(t)
    after = float(sim.roster.satisfaction_now(np.array([asker]), t)[0])
    assert base - after == pytest.approx(sim.traits[asker]["unanswered_cost"])
    assert q.id not in sim.posting.open_questions


def test_members_with_nothing_of_value_mute_then_leave() -> None:
    s = scenario(
        duration_days=20,
        population=[{"role": "member", "share": 1.0, "params": {"post_rate": 0.0}}],
        outcomes={"stop_on_outcome": False},
    )
    result = Simulation(s, 4).run()
    events = result.log.event
    assert events.count("mute") > 0 and events.count("leave") > 0
    first_mute = result.log.time[events.index("mute")]
    first_leave = result.log.time[events.index("leave")]
    assert first_mute < first_leave


def test_participation_is_unequal() -> None:
    s = scenario(duration_days=10, group={"initial_members": 300})
    summary = Simulation(s, 5).run().summary
    assert summary["posts_gini"] > 0.6
    assert 0.05 < summary["poster_share"] < 0.9


def test_kicked_by_a_bot_while_posting_posts_no_more() -> None:
    """Regression: a bot kick inside the poster's own post() used to leave it posting."""
    s = scenario(
        duration_days=3,
        population=[
            {"role": "member", "share": 1.0},
            {"role": "ad_spammer", "count": 1, "params": {"join_day": 0, "ad_rate": 50, "strategy": {"responsive": False}}},
        ],
        ruleset={"rules": [{"use": "ban_ads_and_links", "params": {"kick_after": 1}}]},
    )
    log = Simulation(s, 1).run().log
    spammer = next(t for e, t in zip(log.event, log.target) if e == "kick")
    kicked_at = log.event.index("kick")
    later_posts = [a for e, a in zip(log.event[kicked_at:], log.actor[kicked_at:]) if e == "post" and a == spammer]
    assert later_posts == []


def test_operator_executor_acts_after_a_delay() -> None:
    s = scenario(
        population=[
            {"role": "member", "share": 1.0},
            {"role": "operator", "count": 1, "params": {"response_delay_minutes": 30}},
            {"role": "ad_spammer", "count": 2, "params": {"join_day": 0.4, "ad_rate": 20, "strategy": {"responsive": False}}},
        ],
        ruleset={"rules": [{"use": "ban_ads_and_links", "executor": "operator"}]},
    )
    sim = Simulation(s, 1)
    result = sim.run()
    deletes = [(t, tg) for e, t, tg in zip(result.log.event, result.log.time, result.log.target) if e == "delete"]
    assert deletes
    for t, msg_id in deletes:
        assert t - sim.roster.messages[msg_id].time >= 30 - 1e-9
    assert result.summary["ad_exposure"] > 0


def _day(**over) -> dict:  # noqa: ANN003
    row = {"day": 3, "members": 100, "messages": 50, "member_messages": 40, "visible_member_messages": 40,
           "legit_complaints": 0, "legit_complainers": 0, "legit_leaves": 0, "legit_members": 100,
           "legit_members_at_start": 100, "visible_foreign_ads": 0, "visible_messages": 50}
    row.update(over)
    return row


def test_outcome_thresholds() -> None:
    judge = OutcomeJudge(Outcomes(dead_days=2, dead_messages_per_day=3))
    assert judge.judge(_day(visible_member_messages=1)) is None
    assert judge.judge(_day(visible_member_messages=1))[0] is Outcome.DEAD
    judge = OutcomeJudge(Outcomes(ad_window_days=1))
    assert judge.judge(_day(visible_foreign_ads=30, visible_messages=50))[0] is Outcome.AD_GROUP
    judge = OutcomeJudge(Outcomes())
    assert judge.judge(_day(legit_complaints=25, legit_complainers=25, messages=60))[0] is Outcome.BLOWN_UP
    judge = OutcomeJudge(Outcomes(grace_days=5))
    assert judge.judge(_day(visible_member_messages=0, legit_members=0)) is None


def test_planned_dissolution() -> None:
    s = scenario(duration_days=10, group={"initial_members": 20, "dissolve_day": 3})
    summary = Simulation(s, 1).run().summary
    assert summary["outcome"] == "dissolved"
    assert summary["lifetime_days"] == pytest.approx(3.0)
