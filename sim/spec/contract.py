"""What a scenario must satisfy beyond each field's own type: the engine's limits, checked at validation.

One contract: whatever ``groupsim validate`` accepts, ``groupsim run`` runs. Every
limit of the engine is therefore a check here, raised as a validation error with
the field it concerns, never discovered later as a crash:

- a role name is a built-in role or a registered plugin (``groupsim.roles``), with
  a suggestion for a near miss;
- at most one operator (the engine has one operator's desk; portfolios share one
  across groups), given by ``count``, never by ``share``;
- ``group.initial_members`` fits ``group.capacity`` (not silently capped);
- timed events (a brigade's ``attack_day``, an incident's ``day``, a planned
  ``dissolve_day``) fall inside ``duration_days``;
- no one's per-day rate can be negative or exceed :data:`MAX_RATE`, and the resources a run would use stay under :class:`Limits`, with defaults a
  laptop survives; a scenario that needs more raises them in its ``limits:``.
"""

from __future__ import annotations

import difflib
import math
import importlib.metadata as md
from collections.abc import Iterable
from typing import Any

from pydantic import Field

from rules import FieldError
from sim.base.params import param_bounds
from sim.base.schema import SpecModel

ROLE_PLUGIN_GROUP = "groupsim.roles"
"""Entry-point group of plugin roles (the model's role registry loads them; here only their names are read)."""


class Limits(SpecModel):
    """Resource limits of one run; exceeding one is a validation error naming the field that raises it."""

    members: int = Field(
        default=50_000, ge=1, le=10_000_000,
        description="Most people one run may hold: initial members, counted roles and expected arrivals.",
    )
    events: int = Field(
        default=5_000_000, ge=1, le=1_000_000_000,
        description="Most events (posts, visits, DMs, reports) one run may be expected to hold: people x mean rates x days.",
    )


MAX_RATE = 10_000.0
"""The most a day any one person's rate (posts, visits, complaints, ...) may reach: one every nine seconds."""

_TAIL = 1e-4
"""Rates drawn from a distribution are checked at their (1 - _TAIL) quantile."""


def plugin_role_names() -> list[str]:
    """Names of the roles registered by installed plugins."""
    return sorted({ep.name for ep in md.entry_points(group=ROLE_PLUGIN_GROUP)})


def check_role_name(role: str, builtin: Iterable[str]) -> None:
    """Raise ValueError unless ``role`` is a built-in or plugin role, suggesting the nearest names."""
    builtin = list(builtin)
    known = builtin + [name for name in plugin_role_names() if name not in builtin]
    if role in known:
        return
    near = difflib.get_close_matches(role, known, n=2, cutoff=0.5)
    near += [k for k in known if (role in k or k in role) and k not in near]
    hint = f"; did you mean {' or '.join(repr(n) for n in near[:2])}?" if near else ""
    raise ValueError(f"unknown role {role!r}{hint} (roles: {', '.join(known)})")


def _constant(value: Any) -> float | None:
    """The value of a parameter given as a plain number, else None (a distribution or a per-member list)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def quantile(value: Any, q: float) -> float:
    """The ``q`` quantile of a behaviour parameter (a number, a list of per-member values, or a distribution)."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list):
        return max(value) if value else 0.0
    return float(value.ppf(q))  # every distribution knows its quantiles (sim/base/params.py)


def param_mean(value: Any) -> float:
    """The mean of a behaviour parameter, or its (1 - _TAIL) quantile where the tail makes the mean infinite."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list):
        return sum(value) / len(value) if value else 0.0
    mean = float(value.mean())
    return mean if math.isfinite(mean) else quantile(value, 1.0 - _TAIL)


def rate_fields(params: Any) -> list[tuple[str, Any]]:
    """(name, value) of the per-day rates among a role's parameters (fields named ``*_rate`` or ``*_per_day``)."""
    if isinstance(params, dict):
        return []
    return [(name, getattr(params, name)) for name in type(params).model_fields
            if name.endswith(("_rate", "_per_day")) and _is_param(getattr(params, name))]


def _is_param(value: Any) -> bool:
    """A behaviour parameter: a number, a per-member list or a distribution (not a nested settings model)."""
    return isinstance(value, (int, float, list)) or hasattr(value, "dist")


def check_rates(scenario: Any) -> None:
    """Raise FieldError when anyone's per-day rate could be negative (the support) or exceed :data:`MAX_RATE` (at the far tail)."""
    for k, entry in enumerate(scenario.population):
        for name, value in rate_fields(entry.params):
            low = param_bounds(value)[0]
            if low < 0:
                raise FieldError(
                    ("population", k, "params", name),
                    f"a rate cannot be negative, but this parameter can be {low:g} (choose a distribution whose support is >= 0)",
                )
            top = quantile(value, 1.0 - _TAIL)
            if not math.isfinite(top) or top > MAX_RATE:
                raise FieldError(
                    ("population", k, "params", name),
                    f"a rate of {top:,.4g} a day is beyond any person (at most {MAX_RATE:,.0f} a day, one every nine seconds)",
                )


def check_population(scenario: Any) -> None:
    """Operators, capacity and event days of a validated scenario (see the module docstring)."""
    operators = [r for r in scenario.population if r.role == "operator"]
    if any(r.share is not None for r in operators):
        k = scenario.population.index(next(r for r in operators if r.share is not None))
        raise FieldError(("population", k, "share"), "an operator is given by `count: 1`, not `share` (the group has one operator's desk)")
    if sum(r.count or 0 for r in operators) > 1:
        k = scenario.population.index(operators[-1])
        raise FieldError(("population", k, "count"), "at most one operator per group (the group has one operator's desk)")
    group = scenario.group
    if group.initial_members > group.capacity:
        raise FieldError(
            ("group", "initial_members"),
            f"{group.initial_members} members do not fit group.capacity ({group.capacity});"
            " raise the capacity or draw fewer members (it is an error, not a silent cap)"
        )
    days = scenario.duration_days
    for k, entry in enumerate(scenario.population):
        for key in ("attack_day", "day"):
            value = _constant(getattr(entry.params, key, None)) if not isinstance(entry.params, dict) else None
            if value is not None and value >= days:
                raise FieldError(
                    ("population", k, "params", key),
                    f"day {value:g} of {entry.label!r} is on or after the run's end (duration_days: {days:g}):"
                    " it would never happen"
                )
    if group.dissolve_day is not None and group.dissolve_day > days:
        raise FieldError(
            ("group", "dissolve_day"),
            f"day {group.dissolve_day:g} is after the run's end (duration_days: {days:g}): it would never happen"
        )


def expected_members(scenario: Any) -> float:
    """People one run is expected to hold: initial members, counted roles and mean arrivals."""
    arrivals = scenario.group.arrivals
    days = scenario.duration_days if arrivals.until_day is None else min(scenario.duration_days, arrivals.until_day)
    arriving = sum(arrivals.per_day[: int(days) + 1]) if arrivals.per_day else arrivals.rate_per_day * days
    counted = sum(r.count or 0 for r in scenario.population)
    return scenario.group.initial_members + counted + arriving


def scheduled_events(scenario: Any) -> float:
    """Events a design schedules by the calendar: activity occurrences (with their reminders) and QR renewals."""
    days = scenario.duration_days
    total = 0.0
    for activity in scenario.group.activities:
        until = days if activity.until_day is None else min(days, activity.until_day)
        occurrences = max(0.0, until - activity.start_day) / activity.every_days
        total += occurrences * (activity.count + (3 if activity.reminders else 0))  # its posts, and three reminders
    renew = scenario.group.entry.qr_renew_days
    if renew is not None:
        total += days / renew
    return total


def expected_events(scenario: Any) -> float:
    """Events one run would hold if everyone stayed fully engaged: people x their mean per-day rates x days,
    plus what the design schedules by the calendar."""
    shares = sum(r.share or 0.0 for r in scenario.population) or 1.0
    by_share = expected_members(scenario) - sum(r.count or 0 for r in scenario.population)
    total = 0.0
    for entry in scenario.population:
        n = entry.count if entry.count is not None else by_share * (entry.share or 0.0) / shares
        total += n * sum(param_mean(value) for _, value in rate_fields(entry.params))
    return total * scenario.duration_days + scheduled_events(scenario)


def check_limits(scenario: Any) -> None:
    """Raise FieldError when a run would exceed ``scenario.limits``, naming the field that raises the limit."""
    limits = scenario.limits
    people = expected_members(scenario)
    if people > limits.members:
        raise FieldError(
            ("limits", "members"),
            f"this run would hold about {people:,.0f} people, over the limit of {limits.members:,}"
            " (raise `limits.members` if this machine can take it)"
        )
    events = expected_events(scenario)
    if events > limits.events:
        raise FieldError(
            ("limits", "events"),
            f"this run would hold about {events:,.0f} events (posts, visits, ...), over the limit of {limits.events:,}"
            " (raise `limits.events` if this machine can take it)"
        )


__all__ = [
    "ROLE_PLUGIN_GROUP",
    "Limits",
    "check_limits",
    "check_population",
    "check_role_name",
    "expected_members",
    "expected_events",
    "MAX_RATE",
    "check_rates",
    "quantile",
    "scheduled_events",
    "rate_fields",
    "param_mean",
    "plugin_role_names",
]
