"""Causal paths of the seeds' mechanisms (issue 15 items 5-6): unit tests per mechanism and 30-seed ablations.

Each ablation runs the arms of one claim of bench/claims_paths.py on the same 30
seeds: the effect holds with the mechanism and vanishes (or reverses) when only
its switch is off. The claims the model cannot reproduce (group size) are
checked for what the model does say, so the test fails if that changes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.experiments.design import plan_sweep
from sim.run.engine import Simulation
from sim.run.runner import replicate
from sim.spec.design_params import GROUP_PROFILES
from sim.spec.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import claims_paths as cp  # noqa: E402

SEEDS = 30


def _run(s: Scenario, seed: int | None = None) -> Simulation:
    sim = Simulation(s, seed=s.seed if seed is None else seed)
    sim.run()
    return sim


def _summary(s: Scenario, seed: int | None = None) -> dict[str, Any]:
    return replicate(s, [s.seed if seed is None else seed], workers=1)[0].summary


# ---- welcome ritual -> belonging ---------------------------------------------------------------
def test_welcome_gives_belonging_once_per_member() -> None:
    s = cp.welcome_group("w", True)
    on, off = _run(s), _run(cp.welcome_group("w", True, 0.0))
    welcomed = sorted(on.membership.welcomed)
    assert welcomed and welcomed == sorted(off.membership.welcomed)
    from sim.model.roster import LEAVE_THR
    drop = off.roster.par[welcomed, LEAVE_THR] - on.roster.par[welcomed, LEAVE_THR]
    assert np.allclose(drop, 0.1)  # given once, though the rules may greet a member again


def test_no_ritual_greets_nobody() -> None:
    assert _summary(cp.welcome_group("w", False))["welcomed"] == 0


# ---- volunteer admins share the answering load ---------------------------------------------------
def test_operator_spends_no_time_on_a_question_already_answered() -> None:
    """Regression: the operator's delayed answer spent attention minutes though someone had answered."""
    sim = Simulation(cp.volunteer_group("v", 0), seed=1)
    spent: list[float] = []

    class Counting:
        def spend(self, world: Any, t: float, minutes: float) -> bool:
            spent.append(minutes)
            return True

    sim.ties.attention = Counting()  # type: ignore[assignment]
    sim.operator._answer(10**9)  # no such open question
    assert spent == [] and sim.operator.answers == 0


def test_volunteers_answer_at_their_visits_only_when_switched_on() -> None:
    on, off = _summary(cp.volunteer_group("v", 3)), _summary(cp.volunteer_group("v", 3, 0.0))
    assert on["volunteer_admins"] > 0 and on["volunteer_answers"] > 0
    assert off["volunteer_answers"] == 0


# ---- referral gifts ----------------------------------------------------------------------------------
def test_referral_gift_brings_friends_in_and_pays_per_friend() -> None:
    sim = _run(cp.referral_group("r", True))
    invited = sim.calendar.invited
    assert invited > 0 and sim.population.referrals == invited
    assert sim.calendar.perk_cost == pytest.approx(10.0 * invited)
    newcomers = [i for i in range(sim.roster.n) if sim.roster.ever_joined[i] and sim.roster.inviter[i] >= 0]
    assert len(newcomers) == invited
    assert all(sim.graph.has_edge(i, int(sim.roster.inviter[i])) for i in newcomers)


def test_referral_gift_with_no_invitations_brings_nobody() -> None:
    s = _summary(cp.referral_group("r", True, 0.0))
    assert s["gift_referrals"] == 0 and s["referrals"] == 0 and s["activities_run"] > 0


# ---- attention: bystanders and lines followed ------------------------------------------------------
def test_bystander_factor_follows_group_size() -> None:
    big, small = _run(cp.sized_group("b", 500)), _run(cp.sized_group("s", 40))
    assert small.posting.bystand == 1.0
    assert big.posting.bystand == pytest.approx((50 / big.roster.count) ** 0.5, rel=0.2)
    assert _run(cp.sized_group("b", 500, attention=False)).posting.bystand == 1.0


# ---- role models -------------------------------------------------------------------------------------
def test_conversion_needs_examples_and_an_audience() -> None:
    assert _summary(cp.super_group("all super", 1.0))["converted_super_users"] == 0
    assert _summary(cp.super_group("no super", 0.0))["converted_super_users"] == 0
    assert _summary(cp.super_group("30/70", 0.3))["converted_super_users"] > 0
    assert _summary(cp.super_group("30/70 off", 0.3, 0.0))["converted_super_users"] == 0


# ---- group.type profiles ---------------------------------------------------------------------------
def _group(**group: Any) -> Any:
    return Scenario.model_validate({"name": "t", "group": group, "population": [{"role": "member", "share": 1.0}]}).group


def test_group_type_selects_its_profile_and_explicit_fields_win() -> None:
    assert _group(type="paid").entry.policy == "paid" and _group(type="paid").entry.fee == 99.0
    assert _group(type="flash").dissolve_day == 7.0
    assert _group(type="flash", dissolve_day=None).dissolve_day is None
    assert _group(type="traffic", activities=[]).activities == []
    assert _group(type="super_user", use_type_profile=False).entry.policy == "open"
    assert _group(type="community") == _group()
    assert set(GROUP_PROFILES) == {t.value for t in type(_group().type)}


# ---- purge_lurkers ----------------------------------------------------------------------------------
def test_purge_lurkers_fires_within_30_days() -> None:
    """Regression: its 30-day window never fired in a 30-day run (the last Monday purge is day 28)."""
    s = Scenario.model_validate({"name": "lurkers", "seed": 3, "duration_days": 30, "ruleset": "purge_lurkers",
                                 "group": {"initial_members": 40},
                                 "population": [{"role": "member", "share": 1.0, "params": {"tier": "lurker"}},
                                                {"role": "operator", "count": 1}],
                                 "outcomes": {"stop_on_outcome": False}})
    kicks = _summary(s)["kicks"]
    assert kicks > 0


# ---- base rate ----------------------------------------------------------------------------------------
def test_base_rate_sweep_plans_typical_designs() -> None:
    plan = plan_sweep(cp.BASE_RATE_SWEEP)
    assert len(plan.points) == 60 and len(plan.seeds) == 1
    assert {p.scenario.duration_days for p in plan.points} == {30}
    assert {p.values["ruleset"] for p in plan.points} == {"none", "basic"}
    assert load_scenario(ROOT / "scenarios" / "presets" / "typical_group.yaml").duration_days == 30


# ---- 30-seed ablations -------------------------------------------------------------------------------
def _ablation(k: int, seeds: int = SEEDS) -> dict[str, Any]:
    r = cp.measure_path(cp.PATH_CLAIMS[k], seeds)
    print(f"[groupsim] {r['claim'].claim}: with {r['on']}, off {r['off']}: {r['verdict']}")
    return r


@pytest.mark.slow
@pytest.mark.parametrize("k", [2, 3, 5], ids=["referral_gift", "water_group", "role_models"])
def test_seed_mechanism_holds_and_vanishes_without_it(k: int) -> None:
    assert _ablation(k)["verdict"] == "holds, and vanishes without the mechanism"


@pytest.mark.slow
def test_volunteer_admins_share_the_load_mostly_through_their_answers() -> None:
    """Volunteers' answers at their visits cut the operator's answers; since this round's merge a small part
    (-2 [-4.2, -0.1] on 30 seeds) remains with that path off: promoted members' higher answer propensity in chat."""
    r = _ablation(1)
    assert r["verdict"] != "not reproduced"
    assert r["on"][0] < r["off"][0] <= 0


@pytest.mark.slow
def test_welcome_ritual_keeps_newcomers_mostly_through_belonging() -> None:
    """The ritual cuts leaves; without belonging the greeting's own small lift still cuts a few (both counted)."""
    r = _ablation(0)
    assert r["verdict"] != "not reproduced"
    assert r["on"][0] < r["off"][0] <= 0  # fewer leaves with belonging than with the greeting alone


@pytest.mark.slow
def test_size_alone_does_not_favour_the_small_group_in_the_model() -> None:
    """Seed 004's small-group advantage is not reproduced by size alone (docs/VALIDATION.md says so).

    Attention does not reverse the big group's lead (since this round's merge it no longer narrows it
    either: -2.94 with attention against -2.86 without, 30 seeds); if a model change reverses it, this
    test fails and docs/VALIDATION.md must be regenerated and the claim moved out of "cannot reproduce".
    """
    r = _ablation(4, 10)
    assert r["verdict"] == "not reproduced"
