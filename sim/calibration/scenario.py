"""A scenario fitted to a chat log, every number with its 95% interval, corrected by simulation.

:func:`calibrate` fits what a log shows directly: the join rate (Poisson,
Garwood interval), the hourly profile (Wilson intervals) and members' posting
rates (Poisson-lognormal maximum likelihood over each member's days present).
A member's observed rate is what the model's posting produces after
engagement and moderation, not the rate "when fully engaged" that a scenario
sets, so :func:`correct` closes the gap by simulation (indirect inference,
Gouriéroux, Monfort & Renault 1993): it simulates the fitted scenario on
common seeds, fits the same statistics to the simulated logs, and moves each
parameter by the difference between the observed and the simulated fit, a few
rounds. Intervals move with their estimate. :func:`to_yaml` writes the
scenario with a comment on each fitted number: its estimate, interval and
how many data points it rests on.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from sim.base.chatlog.events import ChatEvent
from sim.calibration.fit import Estimate, fit_rates, poisson_rate, profile
from sim.calibration.observe import Observed, observe


@dataclass
class Calibration:
    """The fitted numbers of one log (each an :class:`Estimate`) and what they rest on."""

    name: str
    days: float
    initial_members: int
    join_rate: Estimate
    post_median: Estimate
    post_sigma: Estimate
    hourly: list[Estimate]
    leave_rate: Estimate
    staff_rate: Estimate
    observed: Observed
    notes: list[str] = field(default_factory=list)

    def scenario(self) -> dict[str, Any]:
        """The fitted scenario as the mapping a scenario file holds."""
        weights = [max(h.value, 1e-6) * 24 for h in self.hourly]
        members = max(self.initial_members, 1)
        return {
            "name": self.name,
            "description": f"Fitted by groupsim calibrate to {self.observed.messages:,} messages over {self.days:.1f} days.",
            "seed": 1,
            "duration_days": round(self.days, 3),
            "diurnal": [round(w, 6) for w in weights],
            "group": {
                "capacity": int(min(100_000, max(500, math.ceil((members + self.join_rate.value * self.days) * 1.2)))),
                "initial_members": members,
                "arrivals": {"rate_per_day": round(self.join_rate.value, 6)},
            },
            "population": [{"role": "member", "share": 1.0, "params": {
                "post_rate": {"dist": "lognormal", "median": round(self.post_median.value, 6),
                              "sigma": round(self.post_sigma.value, 6)},
            }}] + ([{"role": "operator", "count": 1, "params": {"content_per_day": round(self.staff_rate.value, 6)}}]
                   if self.staff_rate.n else []),
            "ruleset": "none",
        }


def calibrate(events: Iterable[ChatEvent], *, members: int | None = None, name: str = "my group") -> Calibration:
    """Fit a scenario to ``events`` (see the module docstring); ``members`` is the group's size at the log's start."""
    obs = observe(events)
    if obs.messages < 10:
        raise ValueError(f"only {obs.messages} messages: too few to calibrate a group")
    counts, days = obs.exposure(members)
    truncated = members is None
    rates = fit_rates(counts, days, truncated=truncated)
    notes = []
    if truncated:
        notes.append("the group's size was not given (--members): rates are fitted to posting members only")
    initial = members if members is not None else obs.initial_posters
    return Calibration(
        name=name, days=obs.days, initial_members=int(initial),
        join_rate=poisson_rate(obs.joins, obs.days, "joins"),
        post_median=rates.median, post_sigma=rates.sigma,
        hourly=profile(obs.hourly, "messages"),
        leave_rate=poisson_rate(obs.leaves + obs.kicks, obs.days, "leaves"),
        staff_rate=poisson_rate(sum(obs.staff.values()), obs.days, "staff messages"),
        observed=obs, notes=notes,
    )


def _shift(e: Estimate, factor: float) -> Estimate:
    return replace(e, value=e.value * factor, low=e.low * factor, high=e.high * factor)


def correct(cal: Calibration, *, seeds: Iterable[int] = tuple(range(1, 9)), rounds: int = 2) -> Calibration:
    """Correct the posting-rate and hourly parameters by simulation (indirect inference; module docstring)."""
    from sim.calibration.observe import from_run_log
    from sim.run.runner import run_one
    from sim.spec.scenario import Scenario

    target_median, target_sigma = cal.post_median.value, cal.post_sigma.value
    target_hours = np.array([h.value for h in cal.hourly])
    current = cal
    seeds = list(seeds)
    for _ in range(rounds):
        scenario = Scenario.model_validate(current.scenario())
        fits = []
        for seed in seeds:
            tables = run_one(scenario, seed)
            events = from_run_log(tables.events, tables.agents)
            fits.append(calibrate(events, members=current.initial_members, name=cal.name))
        sim_median = math.exp(np.mean([math.log(f.post_median.value) for f in fits]))
        sim_sigma = math.exp(np.mean([math.log(f.post_sigma.value) for f in fits]))
        sim_hours = np.mean([[h.value for h in f.hourly] for f in fits], axis=0)
        ratio_hours = np.where(sim_hours > 0, target_hours / np.maximum(sim_hours, 1e-9), 1.0)
        current = replace(
            current,
            post_median=_shift(current.post_median, target_median / sim_median),
            post_sigma=_shift(current.post_sigma, target_sigma / sim_sigma),
            hourly=[_shift(h, float(r)) for h, r in zip(current.hourly, ratio_hours)],
        )
    notes = current.notes + [f"posting rates and the hourly profile corrected by simulation ({rounds} rounds, {len(seeds)} seeds)"]
    return replace(current, notes=notes)


def to_yaml(cal: Calibration) -> str:
    """The fitted scenario as YAML, each fitted number with its estimate, interval and data points as a comment."""
    data = cal.scenario()
    doc = CommentedMap(data)
    doc.yaml_set_start_comment("\n".join([
        f"Calibrated from a chat log by `groupsim calibrate`: {cal.observed.messages:,} messages,",
        f"{len(cal.observed.per_sender):,} posting members, {cal.days:.1f} days.",
        *cal.notes,
        f"Leaves and kicks seen: {cal.leave_rate.comment()} a day (the model's leaving comes from",
        "satisfaction, not a rate: compare it with a run of this scenario).",
    ]))
    group = CommentedMap(data["group"])
    group["arrivals"] = CommentedMap(data["group"]["arrivals"])
    group["arrivals"].yaml_add_eol_comment(cal.join_rate.comment() + " (a day)", "rate_per_day")
    group.yaml_add_eol_comment(f"members at the log's start ({'given' if not cal.notes or 'not given' not in cal.notes[0] else 'posting members seen'})",
                               "initial_members")
    doc["group"] = group
    rate = CommentedMap(data["population"][0]["params"]["post_rate"])
    rate.yaml_add_eol_comment(cal.post_median.comment() + " (messages a day)", "median")
    rate.yaml_add_eol_comment(cal.post_sigma.comment(), "sigma")
    member = CommentedMap(data["population"][0])
    member["params"] = CommentedMap({"post_rate": rate})
    doc["population"] = [member]
    hours = CommentedSeq(data["diurnal"])
    hours.fa.set_flow_style()
    doc["diurnal"] = hours
    doc.yaml_add_eol_comment("hourly weights (mean 1): each hour's share of messages x 24; "
                             f"shares with Wilson 95% intervals from {cal.hourly[0].n:,} messages", "diurnal")
    yaml = YAML()
    yaml.default_flow_style = False
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()


__all__ = ["Calibration", "calibrate", "correct", "to_yaml"]
