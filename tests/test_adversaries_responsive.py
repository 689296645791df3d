"""Responsive spammers (docs/MODEL.md, "Responsive spammers"): venues, joining and paying by expected payoff.

Unit tests read the bundled rulesets as charters and check the decision rule;
the slow ablations (30 paired seeds, sim.base.stats) check that an ad thread
draws responsive spammers out of the main chat, that the effect is theirs
alone (unresponsive spammers see a moved ad as a deleted one), and that paid
entry filters them only when the fee exceeds what a seat is worth.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from rules import load_ruleset
from rules.ruleset import library_path
from sim.base.stats import paired_mean_diff
from sim.model.adversaries.venues import Beliefs, choose, read_charter, seat_value, venue_values
from sim.run.runner import replicate
from sim.spec.scenario import Scenario

SEEDS = list(range(30))


def charter(name: str) -> Any:
    return read_charter(load_ruleset(library_path() / f"{name}.yaml"))


def test_charter_reads_the_weekly_window() -> None:
    c = charter("ad_window")
    allowed = [h for h, b in enumerate(c.banned) if not b]
    assert allowed == [5 * 24 + 20, 5 * 24 + 21]  # Saturday 20:00-22:00 (day 0 a Monday)
    assert c.window and not c.thread and c.fee == 0
    assert c.kick_read["banned"] == pytest.approx(1 / 3)  # kicked at the third strike


def test_charter_reads_thread_fee_and_kicks() -> None:
    assert charter("ad_thread").thread and all(charter("ad_thread").banned)
    assert charter("pay_to_post").fee == 10
    assert charter("no_ads_kick").kick_read["banned"] == 1.0
    none = charter("none")
    assert not any(none.banned) and not none.window and none.kick_read["allowed"] == 0.0


def test_choice_leaves_when_no_venue_pays_and_follows_payoff() -> None:
    assert choose({"main": -1.0, "thread": 0.0}, 0.25, 0.5) == "leave"
    assert choose({"main": 0.1, "thread": 2.0}, 0.0, 0.99) == "thread"
    rng = np.random.default_rng(1)
    picks = [choose({"main": 0.5, "thread": 1.0}, 0.25, float(u)) for u in rng.random(4000)]
    share = picks.count("thread") / len(picks)
    assert share == pytest.approx(1 / (1 + np.exp(-2.0)), abs=0.03)  # softmax at temperature 0.25


def test_thread_beats_a_kicking_main_chat() -> None:
    c = charter("ad_thread")
    kicking = type(c)(c.banned, {**c.kick_read, "banned": 1 / 3}, True, 0.0)
    b = Beliefs.of(kicking, 10.0)
    v = venue_values(kicking, b, "banned", v_main=3.0, v_thread=2.0, kick_cost=5.0, window_open=True)
    assert v["thread"] > 0 > v["main"]
    plain = Beliefs.of(c, 10.0)  # the bundled ad_thread.yaml kicks nobody: moved ads only lose their value
    assert venue_values(c, plain, "banned", 3.0, 2.0, 5.0, True)["thread"] > 0


def test_observed_kicks_lower_the_seat_value() -> None:
    c = charter("none")
    calm = Beliefs.of(c, 10.0, {k: [20.0, 0.0, 0.0] for k in ("banned", "allowed", "thread", "comply")})
    kicked = Beliefs.of(c, 10.0, {k: [20.0, 0.0, 10.0] for k in ("banned", "allowed", "thread", "comply")})
    assert seat_value(c, kicked, 3.0, 1.0, 8.0, 10.0) < seat_value(c, calm, 3.0, 1.0, 8.0, 10.0)
    assert seat_value(c, calm, 6.0, 2.0, 8.0, 10.0) > seat_value(c, calm, 3.0, 1.0, 8.0, 10.0)  # a bigger group


# ---- ablations ---------------------------------------------------------------------------
def _ladder(then: str) -> dict[str, Any]:
    return {"name": then, "rules": [{"name": then, "trigger": "message", "if": "message.ad_like", "then": [then],
                                     "executor": "operator", "ladder": {"expire_days": 14, "steps": [
                                         {"at": 1, "do": {"warn": "广告请发广告帖"}}, {"at": 3, "do": "kick"}]}}]}


def _group(ruleset: Any, responsive: bool, members: int, days: float, entry: dict[str, Any] | None = None) -> Scenario:
    member: dict[str, Any] = {"role": "member", "share": 1.0}
    if entry:
        member["params"] = {"willingness_to_pay": 1000.0}  # every member pays: only spammers can be filtered
    return Scenario.model_validate({
        "name": "responsive", "seed": 0, "duration_days": days,
        "group": {"initial_members": members, **({"entry": entry} if entry else {})},
        "population": [member, {"role": "operator", "count": 1},
                       {"role": "ad_spammer", "count": 6, "params": {"join_day": {"dist": "uniform", "low": 0, "high": 2},
                                                                      "strategy": {"responsive": responsive}}}],
        "ruleset": ruleset})


def _runs(sc: Scenario) -> list[dict[str, Any]]:
    return [r.summary for r in replicate(sc, SEEDS, workers=1)]


@pytest.mark.slow
def test_ad_thread_draws_responsive_spammers_out_of_the_main_chat() -> None:
    arms = {(rules, resp): _runs(_group(_ladder(rules), resp, 100, 6)) for rules in ("ad_thread", "delete") for resp in (True, False)}
    exposure = {k: [s["ad_exposure"] for s in v] for k, v in arms.items()}
    # (a) with the thread, responsive spammers post there: members see fewer ads than with fixed spammers.
    est, lo, hi, p = paired_mean_diff(exposure["ad_thread", False], exposure["ad_thread", True])
    assert hi < 0 and p < 0.05
    assert sum(s["spammer_thread_posts"] for s in arms["ad_thread", True]) > sum(s["msgs_ad"] for s in arms["ad_thread", True])
    assert sum(s["spammer_declined"] for s in arms["ad_thread", True]) < len(SEEDS)  # they came, for the thread
    # (b) without responsiveness the thread changes nothing members see: a moved ad is a deleted one to them.
    assert exposure["ad_thread", False] == exposure["delete", False]
    assert all(s["spammer_thread_posts"] == 0 for s in arms["ad_thread", False])
    # Without the thread, responsive spammers do not move: they stay away (deterrence, not diversion).
    assert all(s["spammer_thread_posts"] == 0 for s in arms["delete", True])
    assert sum(s["spammer_declined"] for s in arms["delete", True]) > sum(s["spammer_declined"] for s in arms["ad_thread", True])
    # (c) the arms differ only in the choice rule and the thread, never in how many spammers or how often they may post.
    a, b = _group(_ladder("ad_thread"), True, 100, 6), _group(_ladder("ad_thread"), False, 100, 6)
    assert a.population[2].count == b.population[2].count and a.population[2].params.ad_rate == b.population[2].params.ad_rate


@pytest.mark.slow
@pytest.mark.parametrize("members, filters", [(60, True), (300, False)])
def test_paid_entry_filters_only_when_the_fee_exceeds_the_seat_value(members: int, filters: bool) -> None:
    paid = {"policy": "paid", "fee": 20, "commitment": 0.0}
    free = _runs(_group("none", True, members, 5))
    fee = _runs(_group("none", True, members, 5, paid))
    diff = paid_mean_diff = paired_mean_diff([s["ad_exposure"] for s in free], [s["ad_exposure"] for s in fee])
    assert all(s["joins"] >= members for s in fee)  # members all pay: no arm differs in who of them gets in
    if filters:  # a 60-member seat is worth less than 20 yuan to a spammer: they stay out
        assert diff[2] < 0 and diff[3] < 0.05
        assert sum(s["spammer_declined"] for s in fee) > 0
    else:  # a 300-member seat is worth more: they pay, and members see the same ads
        assert diff[0] == 0.0 and sum(s["spammer_declined"] for s in fee) == 0
    del paid_mean_diff
    # Responsiveness off: the fixed budget (50) covers the fee at any size, so the fee filters nobody.
    fixed_free = _runs(_group("none", False, members, 5))
    fixed_fee = _runs(_group("none", False, members, 5, paid))
    assert [s["ad_exposure"] for s in fixed_free] == [s["ad_exposure"] for s in fixed_fee]


def test_off_switch_restores_the_fixed_spammer_where_nothing_is_banned() -> None:
    on = replicate(_group("none", True, 40, 3), [3], workers=1)[0].summary
    off = replicate(_group("none", False, 40, 3), [3], workers=1)[0].summary
    assert on["msgs_ad"] == off["msgs_ad"] > 0 and on["ad_exposure"] == off["ad_exposure"]
