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
from sim.calibration.clustered import (burstiness_estimate, clustered_profile, clustered_share, gini_estimate, net_growth,
                                       weekly_profile)
from sim.calibration.fit import Estimate, fit_rates, poisson_rate
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
    weekly: list[Estimate] = field(default_factory=list)  # Monday first
    reply_share: Estimate | None = None
    forms: dict[str, Estimate] = field(default_factory=dict)
    burstiness: Estimate | None = None
    gini: Estimate | None = None
    growth: Estimate | None = None  # members gained a day
    removed_rate: Estimate | None = None  # kicks a day (kicked members are fitted apart)

    def sizes(self) -> list[int]:
        """Group size at the end of each day of the log: members at the start plus joins minus leaves and kicks."""
        obs = self.observed
        first, last = int(obs.start // 86_400), int(obs.end // 86_400)
        size, out = self.initial_members, []
        for day in range(first, last + 1):
            size += obs.day_joins.get(day, 0) - obs.day_leaves.get(day, 0)
            out.append(size)
        return out

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
    if obs.removed:
        notes.append(f"{len(obs.removed):,} kicked members are fitted apart (a removal says they did not post as members do)")
    initial = members if members is not None else obs.initial_posters
    calendar = sorted(obs.day_hours)
    totals = [float(obs.day_hours[d].sum()) for d in calendar]
    forms = sorted(obs.forms)
    return Calibration(
        name=name, days=obs.days, initial_members=int(initial),
        join_rate=poisson_rate(obs.joins, obs.days, "joins"),
        post_median=rates.median, post_sigma=rates.sigma,
        hourly=clustered_profile(obs.day_hours),
        leave_rate=poisson_rate(obs.leaves + obs.kicks, obs.days, "leaves"),
        staff_rate=poisson_rate(sum(obs.staff.values()), obs.days, "staff messages"),
        observed=obs, notes=notes,
        weekly=weekly_profile(obs.day_hours, int(obs.start // 86_400), int(obs.end // 86_400)),
        reply_share=clustered_share([obs.day_replies.get(d, 0) for d in calendar], totals),
        forms={f: clustered_share([obs.day_forms[d].get(f, 0) for d in calendar], totals) for f in forms},
        burstiness=burstiness_estimate(obs.day_gaps),
        gini=gini_estimate(counts),
        growth=net_growth(obs.day_joins, obs.day_leaves, obs.days),
        removed_rate=poisson_rate(obs.kicks, obs.days, "kicks"),
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


def _measured(cal: Calibration) -> list[str]:
    """Comment lines for what the log shows that no scenario parameter sets: each with its interval and n."""
    sizes = cal.sizes()
    lines = [
        "Also measured (the model produces these from its mechanisms; the fit report compares a run):",
        f"  group size: {sizes[0]:,} after the first day, {sizes[-1]:,} after the last "
        f"(lowest {min(sizes):,}, highest {max(sizes):,}; {len(sizes)} days)",
    ]
    if cal.growth is not None:
        lines.append(f"  members gained a day (joins - leaves - kicks): {cal.growth.comment()}")
    lines.append(f"  leaves and kicks a day: {cal.leave_rate.comment()} (leaving follows satisfaction in the model)")
    if cal.removed_rate is not None:
        lines.append(f"  kicks a day: {cal.removed_rate.comment()}")
    if cal.reply_share is not None:
        lines.append(f"  reply probability (share of members' messages that reply): {cal.reply_share.comment()}")
    for form, e in cal.forms.items():
        lines.append(f"  share of form {form}: {e.comment()}")
    if cal.burstiness is not None:
        lines.append(f"  burstiness B of inter-message times (0 Poisson, 1 bursty; Goh & Barabasi 2008): "
                     f"{cal.burstiness.comment()} (day-block bootstrap)")
    if cal.gini is not None:
        lines.append(f"  participation inequality, Gini of messages per member: {cal.gini.comment()} (bootstrap over members)")
    if cal.weekly:
        days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        lines.append(f"  weekly profile (the model has no weekly cycle): each weekday's share of an average week, "
                     f"from {sum(e.n for e in cal.weekly)} days:")
        lines += [f"    {d}: {e.comment()}" for d, e in zip(days, cal.weekly)]
    return lines


def to_yaml(cal: Calibration) -> str:
    """The fitted scenario as YAML, each fitted number with its estimate, interval and data points as a comment."""
    data = cal.scenario()
    doc = CommentedMap(data)
    doc.yaml_set_start_comment("\n".join([
        f"Calibrated from a chat log by `groupsim calibrate`: {cal.observed.messages:,} messages,",
        f"{len(cal.observed.per_sender):,} posting members, {cal.days:.1f} days.",
        *cal.notes,
        *_measured(cal),
    ]))
    group = CommentedMap(data["group"])
    group["arrivals"] = CommentedMap(data["group"]["arrivals"])
    group["arrivals"].yaml_add_eol_comment(cal.join_rate.comment() + " (a day)", "rate_per_day")
    given = not any("not given" in n for n in cal.notes)
    group.yaml_add_eol_comment(f"members at the log's start ({'given' if given else 'posting members seen'})", "initial_members")
    doc["group"] = group
    rate = CommentedMap(data["population"][0]["params"]["post_rate"])
    rate.yaml_add_eol_comment(cal.post_median.comment() + " (messages a day)", "median")
    rate.yaml_add_eol_comment(cal.post_sigma.comment(), "sigma")
    member = CommentedMap(data["population"][0])
    member["params"] = CommentedMap({"post_rate": rate})
    population: list[Any] = [member]
    if len(data["population"]) > 1:
        staff = CommentedMap(data["population"][1])
        staff["params"] = CommentedMap(data["population"][1]["params"])
        staff["params"].yaml_add_eol_comment(cal.staff_rate.comment() + " (a day, owner and admins)", "content_per_day")
        population.append(staff)
    doc["population"] = population
    hours = CommentedSeq(data["diurnal"])
    hours.fa.set_flow_style()
    doc["diurnal"] = hours
    low = ", ".join(f"{h.low * 24:.3g}" for h in cal.hourly)
    high = ", ".join(f"{h.high * 24:.3g}" for h in cal.hourly)
    doc.yaml_add_eol_comment(f"hourly weights (mean 1): each hour's share of messages x 24, from {cal.hourly[0].n:,} messages "
                             f"over {len(cal.observed.day_hours)} days (days as clusters); 95% CI low [{low}], "
                             f"high [{high}]", "diurnal")
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()


__all__ = ["Calibration", "calibrate", "correct", "to_yaml"]
