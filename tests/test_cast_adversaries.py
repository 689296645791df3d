"""Adversaries, staff and their signatures in the presets (scenarios/presets/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rules import BanAdsAndLinks, MessagePosted
from sim.run.engine import Simulation, run_scenario
from sim.model.roster import ADMIN, ADVERSARY
from sim.model.messages import Kind
from sim.spec.scenario import Scenario, load_scenario

PRESETS = Path(__file__).resolve().parent.parent / "scenarios" / "presets"
SEEDS = (1, 2, 3)


def _preset(name: str, **top: Any) -> Scenario:
    data = load_scenario(PRESETS / f"{name}.yaml").model_dump(mode="json", by_alias=True)
    data.update(top)
    return Scenario.model_validate(data)


def _ran(s: Scenario, seed: int) -> Simulation:
    sim = Simulation(s, seed)
    sim.run()
    return sim


@pytest.mark.parametrize("seed", SEEDS)
def test_sleepers_wait_before_their_first_ad(seed: int) -> None:
    sim = _ran(_preset("sleeper_spammers"), seed)
    ads = [m.time for m in sim.roster.messages if m.kind is Kind.AD]
    assert ads and min(ads) >= (0.2 + 3) * 1440


@pytest.mark.parametrize("seed", SEEDS)
def test_evasive_ads_survive_where_plain_ones_are_deleted(seed: int) -> None:
    evasive = run_scenario(_preset("evasive_spammers"), seed).summary
    data = _preset("evasive_spammers").model_dump(mode="json", by_alias=True)
    data["population"][2]["params"]["evasion"] = 0.0
    plain = run_scenario(Scenario.model_validate(data), seed).summary
    assert evasive["msgs_ad"] > 20 and evasive["ads_deleted"] <= 0.1 * evasive["msgs_ad"]
    assert plain["ads_deleted"] >= 0.5 * plain["msgs_ad"] or plain["kicks"] >= 3


def test_evasion_changes_observables_only() -> None:
    """Evasive ads are still ads in truth; the keyword rule cannot see them."""
    sim = _ran(_preset("evasive_spammers"), 1)
    rule = BanAdsAndLinks()
    ads = [m for m in sim.roster.messages if m.kind is Kind.AD]
    assert {m.form.value for m in ads} >= {"text", "image"}
    assert not any(rule.offends(MessagePosted(m.time, m)) for m in ads)
    gaps = np.diff(sorted(m.time for m in ads if m.sender == ads[0].sender))
    assert (gaps >= 30 - 1e-9).all()  # min_gap_minutes keeps them under flood limits


@pytest.mark.parametrize("seed", SEEDS)
def test_returning_spammers_buy_new_accounts_and_report_roi(seed: int) -> None:
    s = run_scenario(_preset("returning_spammers"), seed).summary
    assert s["spammer_accounts"] > 3
    assert s["spammer_spent"] == pytest.approx(5.0 * s["spammer_accounts"])
    assert s["spammer_spent"] <= 3 * 100  # never over budget
    assert np.isfinite(s["spammer_roi"]) and s["spammer_roi"] < 0  # kicked on the first ad: money lost


def test_unmoderated_spam_pays() -> None:
    s = run_scenario(_preset("sleeper_spammers"), 1).summary
    assert s["spammer_reach"] > 0 and s["spammer_roi"] > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_poachers_shrink_the_group_with_no_rule_firing(seed: int) -> None:
    s = run_scenario(_preset("poachers"), seed).summary
    assert s["poached"] >= 30 and s["final_members"] <= 200 - 30
    # no rule touches a poacher (members' own coupon questions may still trip the keyword rule: scenarios/texts/)
    assert s["rule_actions_on_adversaries"] == 0 and s["msgs_ad"] == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_brigade_complaint_spike_after_infiltration(seed: int) -> None:
    sim = _ran(_preset("competitor_brigade"), seed)
    g = sim.roster
    attack = 6 * 1440
    before = [m for m in g.messages if m.kind is Kind.COMPLAINT and g.truth[m.sender] == ADVERSARY and m.time < attack]
    assert before == []
    daily = [d["msgs_complaint"] for d in sim.ticks.days]
    assert max(daily[6:]) >= 10 * max(max(daily[:6]), 1)
    assert len(sim.cast.reports) > 0 and all(g.truth[r.target] != ADVERSARY for r in sim.cast.reports)


@pytest.mark.parametrize("seed", SEEDS)
def test_complaint_wave_calmed_only_by_substantive_compensation(seed: int) -> None:
    from sim.spec.texts import bundled_pools

    GRIEVANCE_TEXTS = bundled_pools("zh")["member_grievance"]

    response = (2 + 6 / 24) * 1440

    def after(sim: Simulation) -> int:
        return sum(1 for m in sim.roster.messages if m.text in GRIEVANCE_TEXTS and m.time > response)

    good, token = _ran(_preset("complaint_wave_compensated"), seed), _ran(_preset("complaint_wave_token"), seed)
    def calmed(sim: Simulation) -> int:
        return next(tg for e, tg in zip(sim.log.event, sim.log.target) if e == "response")

    def hit(sim: Simulation) -> int:
        return next(tg for e, tg in zip(sim.log.event, sim.log.target) if e == "incident")

    assert hit(good) == hit(token) > 10
    assert calmed(good) >= 0.6 * hit(good) and calmed(token) <= 0.25 * hit(token)
    assert after(good) < after(token)
    assert good.roster.count > token.roster.count
    assert good.cast.compensation_paid > token.cast.compensation_paid


@pytest.mark.parametrize("seed", SEEDS)
def test_exposed_shills_cost_trust(seed: int) -> None:
    sim = _ran(_preset("shills"), seed)
    data = _preset("shills").model_dump(mode="json", by_alias=True)
    data["population"][0]["params"]["exposure_trust_loss"] = 0.0
    blind = _ran(Scenario.model_validate(data), seed)
    assert sim.posting.shill_exposures > 0
    assert sim.ticks.days[-1]["mean_satisfaction"] < blind.ticks.days[-1]["mean_satisfaction"]
    warm = [m for m in sim.roster.messages if m.sender in {i for i in range(sim.roster.n) if sim.roster.entry[i] == 2}]
    assert warm  # the crew posted


def test_full_cast_mixes_every_role() -> None:
    sim = _ran(_preset("full_cast"), 1)
    s = run_scenario(_preset("full_cast"), 1).summary
    roles = {e.role for e in sim.scenario.population}
    assert roles == {"member", "operator", "admin", "kol", "shill", "ad_spammer", "poacher", "brigade", "incident"}
    g = sim.roster
    present_volunteers = int((g.volunteer[: g.n] & g.present[: g.n]).sum())
    # max_admins caps the volunteers in the group at once; one who leaves is replaced, so more can be promoted in all
    assert s["volunteer_admins"] >= 2 and present_volunteers <= 2
    assert ((g.visible[: g.n] == ADMIN) & ~g.volunteer[: g.n]).sum() == 2  # the two staff admins
    for key in ("referrals", "poached", "brigade_complaints", "grievance_complaints", "spammer_accounts"):
        assert s[key] > 0, key


def test_plugin_role_from_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import BaseModel

    import sim.model.registry as registry

    class Params(BaseModel):
        posts: int = 1

    class Lurker:
        params_model = Params

        @staticmethod
        def build(sim: Simulation, k: int, entry: Any, first: int, n: int, t0: float, stream: Any) -> list[int]:
            built.append((entry.params.posts, n))
            return []

    built: list[tuple[int, int]] = []
    import importlib.metadata as md
    from types import SimpleNamespace

    real = md.entry_points
    plugin = SimpleNamespace(name="quiet_bot", load=lambda: Lurker())
    monkeypatch.setattr(md, "entry_points", lambda **kw: [plugin] if kw.get("group") == registry.ENTRY_POINT_GROUP else real(**kw))
    s = Scenario.model_validate({"name": "p", "duration_days": 1, "group": {"initial_members": 5},
                                 "population": [{"role": "member", "share": 1.0},
                                                {"role": "quiet_bot", "count": 2, "params": {"posts": 3}}]})
    Simulation(s, 1)
    assert built == [(3, 2)]
    # an unknown role is a validation error, before any run (what validate accepts, run runs)
    with pytest.raises(ValueError, match="unknown role 'nobody'"):
        Scenario.model_validate({"name": "p", "population": [{"role": "nobody", "count": 1}]})


def test_brigade_report_bombing_reaches_report_rules() -> None:
    """Report-bombing (seed 000: 竞对) makes a report-count rule punish legitimate members."""
    base = load_scenario(PRESETS / "competitor_brigade.yaml").model_dump(mode="json", by_alias=True)
    base["ruleset"] = {"name": "reports", "rules": [
        {"name": "reported_twice", "trigger": {"on": "reports", "count": 2}, "then": ["delete", {"warn": "被举报"}]}]}
    base["population"][2]["params"]["reports_per_day"] = 40
    calm = {**base, "population": [p for p in base["population"] if p["role"] != "brigade"]}
    hit = [run_scenario(Scenario.model_validate(base), s).summary["false_positives"] for s in (1, 2, 3)]
    quiet = [run_scenario(Scenario.model_validate(calm), s).summary["false_positives"] for s in (1, 2, 3)]
    assert sum(hit) > sum(quiet) + 10, (hit, quiet)
