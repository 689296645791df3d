"""Named measures of a run, shared by comparisons, sensitivity analysis and strategy search.

A measure is either an outcome share (``alive``, ``dead``, ``ad_group``,
``blown_up``, ``dissolved``: 1 for a run that ended that way, else 0),
``survival`` (1 for a run still alive at the end or dissolved as planned), or
any numeric field of a run summary (``messages_per_day``, ``ad_exposure``,
``rule_actions_on_legitimate``, ``lifetime_days``, ...). What each measure
means, its unit and which direction is better come from the metrics catalogue
(:mod:`sim.base.metrics`); this module only reads a measure's value off a row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from sim.base.metrics import ALIASES, find
from sim.model.outcomes import Outcome

OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)
SURVIVED: frozenset[str] = frozenset({Outcome.ALIVE.value, Outcome.DISSOLVED.value})


def is_share(name: str) -> bool:
    """Whether ``name`` is a 0/1 measure (an outcome or survival), by the catalogue."""
    m = find(name)
    return m is not None and m.binary


def value(row: dict[str, Any], name: str) -> float:
    """The measure ``name`` of one stored run; KeyError if the summary has no such field."""
    name = ALIASES.get(name, name)
    if name in OUTCOMES:
        return float(row["outcome"] == name)
    if name == "survival":
        return float(row["outcome"] in SURVIVED)
    if name not in row:
        raise KeyError(name)
    v = row[name]
    if isinstance(v, bool):
        return float(v)
    if not isinstance(v, (int, float)):
        raise KeyError(name)
    return float(v)


def mean_of(rows: Iterable[dict[str, Any]], name: str) -> float:
    """Mean of a measure over the finite values of successful runs (NaN if none)."""
    xs = [value(r, name) for r in rows if r.get("status") == "ok"]
    xs = [x for x in xs if math.isfinite(x)]
    return sum(xs) / len(xs) if xs else math.nan


def check_names(names: Sequence[str], row: dict[str, Any]) -> list[str]:
    """The names that are not measures of ``row`` (a successful run)."""
    bad = []
    for name in names:
        try:
            value(row, name)
        except KeyError:
            bad.append(name)
    return bad


def available(row: dict[str, Any]) -> list[str]:
    """Every measure name a successful run offers."""
    numeric = [k for k, v in row.items() if isinstance(v, (int, float)) and k not in ("seed", "point")]
    return [*OUTCOMES, "survival", *ALIASES, *numeric]


__all__ = ["ALIASES", "OUTCOMES", "SURVIVED", "available", "check_names", "is_share", "mean_of", "value"]
