"""The seeds' mechanisms as causal paths: ablation claims and the base-rate sweep (issue 15 items 5-6).

Imported by bench/claims.py, which writes docs/VALIDATION.md; run alone,
``python bench/claims_paths.py --base-rate`` prints only the base rate. Each claim runs
three arms on the same seeds (common random numbers): the design with the
credited mechanism, the baseline without it, and the design with only that
mechanism switched off (its parameter in docs/MODEL.md, "Causal paths of the
seeds' mechanisms"). ``direction`` says which way the seed says the metric
moves (+1 up, -1 down). Every run is small (30-80 members, 10-16 days) so 30
paired seeds take seconds per arm.

The base-rate experiment plans ``scenarios/sweeps/base_rate.yaml`` through the
sweep machinery (sim/experiments/design.py), runs each sampled design on its
seeds and reports the share of groups dead or failed by day 30 with a Wilson
interval (sim.base.stats), to hold against seed 000's "10个社群9个死".
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.base.stats import paired_mean_diff, wilson
from sim.experiments.design import plan_sweep
from sim.run.runner import replicate
from sim.spec.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
BASE_RATE_SWEEP = ROOT / "scenarios" / "sweeps" / "base_rate.yaml"
FAILED = ("dead", "ad_group", "blown_up")
"""Outcomes that count as a failed group in the base rate (a planned dissolution is not a failure)."""

ATTENTION_OFF: dict[str, Any] = {"chat_lines_per_day": None, "bystander_exponent": 0.0}


def _scenario(name: str, members: int, days: float, population: list[dict[str, Any]], seed: int,
              group: dict[str, Any] | None = None, ruleset: str = "none", stop: bool = True) -> Scenario:
    return Scenario.model_validate({
        "name": name, "seed": seed, "duration_days": days, "ruleset": ruleset,
        "group": {"initial_members": members, **(group or {})}, "population": population,
        "outcomes": {"stop_on_outcome": stop},
    })


def welcome_group(name: str, ritual: bool, belonging: float = 0.1) -> Scenario:
    """A thin group (little content) with newcomers for ten days; the welcome ritual greets each of them or not.

    The run goes on past a verdict (``stop_on_outcome: false``) so every arm is watched for the same 16 days.
    """
    pop = [{"role": "member", "share": 1.0, "params": {"welcome_belonging": belonging}},
           {"role": "operator", "count": 1, "params": {"content_per_day": 0.1}}]
    return _scenario(name, 30, 16, pop, 300, {"arrivals": {"rate_per_day": 4, "until_day": 8}},
                     "welcome_ritual" if ritual else "none", stop=False)


def volunteer_group(name: str, admins: int, visit_answer: float = 0.5) -> Scenario:
    """A question-and-answer group: members ask often and rarely answer; one operator answers slowly."""
    pop = [{"role": "member", "share": 1.0,
            "params": {"post_rate": {"dist": "lognormal", "median": 0.3, "sigma": 1.0}, "check_rate": 6,
                       "question_share": 0.3, "answer_propensity": 0.05}},
           {"role": "operator", "count": 1, "params": {"content_per_day": 2.0, "answer_probability": 0.6}}]
    vol = {"max_admins": admins, "min_posts": 3, "visit_answer_probability": visit_answer}
    return _scenario(name, 80, 12, pop, 400, {"volunteer_admins": vol})


def referral_group(name: str, gift: bool, invite_probability: float | None = None) -> Scenario:
    """A traffic-style group with or without a weekly referral gift (推荐送礼 / 老带新任务)."""
    pop = [{"role": "member", "share": 1.0, "params": {"tier": "ordinary"}},
           {"role": "operator", "count": 1, "params": {"content_per_day": 2.0}}]
    acts = [{"kind": "referral_gift", "hour": 20, "every_days": 3, "start_day": 1,
             "invite_probability": invite_probability}] if gift else []
    return _scenario(name, 40, 12, pop, 500, {"activities": acts})


def water_group(name: str, chat_factor: float, attention: bool = True) -> Scenario:
    """A valued group plus ten chatterers whose idle chat is 1x or 100x (水群, seed 001 §七.4)."""
    noise = {} if attention else {"noise_annoyance": 0.0, "read_cap": 1e9}
    pop = [{"role": "member", "share": 0.8, "params": {"tier": "ordinary", **noise}},
           {"role": "member", "name": "chatter", "share": 0.2,
            "params": {"tier": "ordinary", "post_rate": 0.5 * chat_factor, "question_share": 0.0,
                       "answer_propensity": 0.0, **noise}},
           {"role": "operator", "count": 1, "params": {"content_per_day": 3.0}}]
    group = {} if attention else {"attention": ATTENTION_OFF}
    return _scenario(name, 50, 10, pop, 600, group)


def sized_group(name: str, members: int, attention: bool = True) -> Scenario:
    """The small precise group's design at a given size: only the head count differs (seed 004)."""
    pop = [{"role": "member", "share": 1.0,
            "params": {"needs": {"perks": 0.2, "information": 4, "resources": 1, "cases": 4, "activities": 0.2,
                                 "connections": 1}, "needs_concentration": 20, "answer_propensity": 0.5}},
           {"role": "kol", "count": 1, "params": {"content_per_day": 1, "content_mix": {"information": 1, "cases": 1},
                                                   "answer_probability": 0.8}},
           {"role": "operator", "count": 1, "params": {"content_per_day": 2, "content_mix": {"information": 2, "cases": 2}}}]
    group: dict[str, Any] = {"social": {"mean_friends": 8}}
    if not attention:
        group["attention"] = ATTENTION_OFF
    return _scenario(name, members, 10, pop, 700, group, "basic")


def super_group(name: str, super_share: float, conversion: float = 0.1) -> Scenario:
    """The super-user group's mix, small: super users (tier super) and potential super users (tier core)."""
    pop: list[dict[str, Any]] = []
    if super_share > 0:
        pop.append({"role": "member", "name": "super", "share": super_share,
                    "params": {"tier": "super", "post_rate": {"dist": "lognormal", "median": 1.0, "sigma": 0.5}}})
    if super_share < 1:
        pop.append({"role": "member", "name": "potential", "share": 1.0 - super_share,
                    "params": {"tier": "core", "conversion_rate": conversion}})
    pop.append({"role": "operator", "count": 1, "params": {"content_per_day": 2.0}})
    return _scenario(name, 40, 12, pop, 800, {"type": "super_user", "use_type_profile": False})


@dataclass(frozen=True)
class PathClaim:
    """One seed mechanism's causal path, as a three-arm ablation."""

    claim: str
    seed_line: str
    mechanism: str
    switch: str  # the one parameter that turns the mechanism off
    metric: str
    direction: int  # +1: the seed says the metric rises with the mechanism; -1: falls
    with_mechanism: Callable[[], Scenario]
    baseline: Callable[[], Scenario]
    without_mechanism: Callable[[], Scenario]
    note: str = ""


PATH_CLAIMS: tuple[PathClaim, ...] = (
    PathClaim(
        "A welcome ritual gives belonging, so newcomers stay", "seed 000: 進群后,可以設置相應的歡迎儀式 … 會有歸屬感",
        "a greeted member's leave threshold falls by welcome_belonging", "welcome_belonging: 0", "legit_leaves", -1,
        lambda: welcome_group("welcome ritual", True), lambda: welcome_group("no welcome", False),
        lambda: welcome_group("welcome ritual, no belonging", True, 0.0),
        "Arms differ only in the ritual; no arm's leaves are counted from the greeting itself. The greeting's own "
        "satisfaction lift (WELCOME_GAIN 0.05, decaying) stays when belonging is off, so some of the effect "
        "comes through it.",
    ),
    PathClaim(
        "Volunteer admins share the answering load", "seed 001 §九.4: 招募群内积极主动的用户成为管理,共同维护群内秩序",
        "promoted members answer open questions at their visits", "visit_answer_probability: 0", "operator_answers", -1,
        lambda: volunteer_group("3 volunteer admins", 3), lambda: volunteer_group("no volunteers", 0),
        lambda: volunteer_group("3 volunteers who do not answer", 3, 0.0),
        "operator_answers counts the operator's own answers; the volunteers' answers are not in it.",
    ),
    PathClaim(
        "Referral gifts bring members in (推荐送礼, 老带新)", "seed 001: 推荐送礼 … 老带新任务",
        "each participant of a referral gift brings a friend in with invite_probability", "invite_probability: 0",
        "legit_joined", +1,
        lambda: referral_group("referral gift", True), lambda: referral_group("no gift", False),
        lambda: referral_group("gift activity, nobody invited", True, 0.0),
        "No arm has arrivals; legit_joined counts every legitimate member ever in.",
    ),
    PathClaim(
        "Too much idle chat makes a water group (水群)", "seed 001 §七.4: 群成员只是闲聊,很容易变成水群,社群就失去了存在的价值",
        "chat beyond what a reader follows adds no value, beyond tolerance it annoys, and it crowds the read cap",
        "chat_lines_per_day: null, noise_annoyance: 0, read_cap: 1e9", "mean_satisfaction", -1,
        lambda: water_group("100x idle chat", 100.0), lambda: water_group("1x idle chat", 1.0),
        lambda: water_group("100x idle chat, attention off", 100.0, False),
        "Baseline and both 100x arms have the same members; the 100x arms post the same chat.",
    ),
    PathClaim(
        "Small groups beat big ones through attention (小群, seed 004)", "seed 004: 一個大群里,小白想認識大咖,大咖又端著不願意搭理小白",
        "a reader follows chat_lines_per_day lines; each member answers less in a crowd ((50/N)^0.5)",
        "chat_lines_per_day: null, bystander_exponent: 0", "mean_satisfaction", +1,
        lambda: sized_group("60 members", 60), lambda: sized_group("500 members", 500),
        lambda: sized_group("60 members, attention off", 60, False),
        "The without-mechanism arm compares 60 with 500 members both with attention off "
        "(its baseline is the 500-member design with attention off).",
    ),
    PathClaim(
        "30% super users convert the 70% potential super users", "seed 000: 30%超級用戶和70%潛在超級用戶構成",
        "potentials who see super users' posts convert (saturating in example_saturation posts a day) and post like them",
        "conversion_rate: 0", "potential_posts_per_member", +1,
        lambda: super_group("30/70", 0.3), lambda: super_group("potential only", 0.0),
        lambda: super_group("30/70, no conversion", 0.3, 0.0),
        "potential_posts_per_member counts only members who did not start as super users, per such member, so "
        "neither the super users' own higher post rate nor the number of potentials is in it (issue 15: it used to be).",
    ),
)

#: The no-mechanism baseline of the size claim's ablation arm (both sizes with attention off).
OFF_BASELINES: dict[str, Callable[[], Scenario]] = {
    PATH_CLAIMS[4].claim: lambda: sized_group("500 members, attention off", 500, False),
}


def _runs(scenario: Scenario, seeds: int, workers: int) -> list[dict[str, Any]]:
    return [r.summary for r in replicate(scenario, [scenario.seed + k for k in range(seeds)], workers=workers)]


def measure_path(c: PathClaim, seeds: int, workers: int = 1) -> dict[str, Any]:
    """Three arms on the same seeds: effect with the mechanism, and with only it switched off."""
    base = _runs(c.baseline(), seeds, workers)
    on_runs = _runs(c.with_mechanism(), seeds, workers)
    off_base = _runs(OFF_BASELINES[c.claim](), seeds, workers) if c.claim in OFF_BASELINES else base
    off_runs = _runs(c.without_mechanism(), seeds, workers)
    on = paired_mean_diff([s[c.metric] for s in base], [s[c.metric] for s in on_runs])
    off = paired_mean_diff([s[c.metric] for s in off_base], [s[c.metric] for s in off_runs])
    lo, hi = sorted((on[1] * c.direction, on[2] * c.direction))
    holds = lo > 0 and on[3] < 0.05
    olo, ohi = sorted((off[1] * c.direction, off[2] * c.direction))
    vanishes = olo <= 0 <= ohi or off[0] * c.direction < 0
    verdict = ("holds, and vanishes without the mechanism" if holds and vanishes
               else "holds, but not only through the mechanism" if holds else "not reproduced")
    return {"claim": c, "on": on, "off": off, "verdict": verdict}


def super_share_curve(seeds: int, workers: int = 1, shares: tuple[float, ...] = (0.1, 0.3, 0.5, 0.7, 0.9)) -> list[tuple[float, float, float, float]]:
    """Converted super users by the super users' share: (share, mean, low, high)."""
    from sim.base.stats import mean_interval
    from sim.base.metrics import metric

    out = []
    for s in shares:
        runs = _runs(super_group(f"{s:.0%} super", s), seeds, workers)
        mean, lo, hi = mean_interval([r["converted_super_users"] for r in runs], metric("converted_super_users"))
        out.append((s, mean, lo, hi))
    return out


def base_rate(workers: int = 1, path: Path = BASE_RATE_SWEEP) -> dict[str, Any]:
    """Share of sampled typical designs dead or failed by day 30, with its Wilson interval."""
    plan = plan_sweep(path)
    outcomes: list[str] = []
    for point in plan.points:
        outcomes += [r.summary["outcome"] for r in replicate(point.scenario, plan.seeds, workers=workers)]
    k = sum(o in FAILED for o in outcomes)
    counts = {o: outcomes.count(o) for o in sorted(set(outcomes))}
    return {"n": len(outcomes), "failed": k, "interval": wilson(k, len(outcomes)), "counts": counts,
            "points": len(plan.points), "seeds": len(plan.seeds)}


def _fmt(d: tuple[float, float, float, float]) -> str:
    est, lo, hi, p = d
    return f"{est:+.3g} [{lo:+.3g}, {hi:+.3g}], p = {p:.2g}"


def render_paths(results: list[dict[str, Any]], curve: list[tuple[float, float, float, float]],
                 rate: dict[str, Any] | None) -> list[str]:
    """The sections of docs/VALIDATION.md for the causal paths and the base rate."""
    lines = [
        "## Causal paths of the seeds' mechanisms (issue 15 item 5)", "",
        "Three arms per claim on the same seeds: with the mechanism, the baseline, and the design with only "
        "the mechanism's switch off. Effects are paired differences (arm minus baseline); "
        "direction: the way the seed says the metric moves.", "",
        "| claim | seed line | mechanism | switch | metric | direction | effect with mechanism | effect with it off | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        c: PathClaim = r["claim"]
        lines.append(f"| {c.claim} | {c.seed_line} | {c.mechanism} | `{c.switch}` | `{c.metric}` | "
                     f"{'up' if c.direction > 0 else 'down'} | {_fmt(r['on'])} | {_fmt(r['off'])} | {r['verdict']} |")
    lines += ["", "Notes:", ""] + [f"- **{r['claim'].claim}**: {r['claim'].note}" for r in results if r["claim"].note]
    if curve:
        lines += ["", "Why 30/70 (seed 000): converted super users by the super users' share (40 members, 12 days; "
                  "mean and 95% BCa interval). The example saturates (`example_saturation`) and needs an audience: "
                  "more super users leave fewer potentials to convert.", "",
                  "| super users | converted super users |", "|---|---|"]
        lines += [f"| {s:.0%} | {m:.2f} [{lo:.2f}, {hi:.2f}] |" for s, m, lo, hi in curve]
    if rate is not None:
        p, lo, hi = rate["interval"]
        shown = ", ".join(f"{k} {v}" for k, v in rate["counts"].items())
        lines += ["", "## Base rate: how many typical groups fail by day 30 (issue 15 item 6)", "",
                  "`groupsim sweep scenarios/sweeps/base_rate.yaml` samples designs from the range of typical practice "
                  "documented in that file (Latin hypercube); each design runs on its own seeds for 30 days. "
                  "Failed = dead, ad group or blown up (a planned dissolution is not a failure).", "",
                  f"**{rate['failed']} of {rate['n']} runs failed by day 30: {p:.0%} [{lo:.0%}, {hi:.0%}] "
                  f"(95% Wilson)**, against seed 000's \"10个社群9个死\" (90%). "
                  f"{rate['points']} designs x {rate['seeds']} seeds; outcomes: {shown}. "
                  "Runs of one design share it, so the interval treats them as independent (slightly too narrow)."]
    return lines


def main(argv: list[str] | None = None) -> int:
    """``--base-rate``: the base-rate figure alone; ``--claims N``: the causal-path claims on N seeds."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-rate", action="store_true", help="the share of typical designs failed by day 30")
    ap.add_argument("--claims", type=int, default=0, help="run the causal-path claims on this many seeds")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    if args.claims:
        for c in PATH_CLAIMS:
            r = measure_path(c, args.claims, args.workers)
            print(f"{c.claim}: with {_fmt(r['on'])}; off {_fmt(r['off'])}; {r['verdict']}", flush=True)
    if args.base_rate:
        r = base_rate(args.workers)
        p, lo, hi = r["interval"]
        print(f"{r['failed']} of {r['n']} typical groups dead or failed by day 30: {p:.1%} [{lo:.1%}, {hi:.1%}] "
              f"(95% Wilson); outcomes {r['counts']}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())


__all__ = ["BASE_RATE_SWEEP", "FAILED", "PATH_CLAIMS", "PathClaim", "base_rate", "measure_path", "render_paths",
           "super_share_curve"]
