"""The cast's accounts for the run summary: adversary economics and cascade counters.

Reach of an ad (docs/MODEL.md, "Adversary economics"): members who looked at the
group after it was posted and before it was deleted (or the run ended), taken
from the hourly reviews (how many members looked at each), capped at the
members ever in the group. A poacher's reach is the members it pulled away.
Return on investment is ``(reach * value_per_view - spent) / spent``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.model.world import World


@dataclass
class CastAccounts:
    """What the cast beyond members did, for the summary: adversaries' ledgers and counters."""

    ledgers: list[Any] = field(default_factory=list)  # AdversaryLedger of every adversary
    reports: list[Any] = field(default_factory=list)  # brigade reports to the platform (sim/model/adversaries/attacks.py)
    poached: int = 0
    brigade_complaints: int = 0
    grievance_complaints: int = 0
    compensation_paid: float = 0.0
    venues: dict[Any, Any] = field(default_factory=dict)  # the charter and ad boards (sim/model/adversaries/venues.py)


def ad_reach(world: World, message_ids: list[int]) -> float:
    """Member-looks at these ads while they were up (see module docstring)."""
    if not message_ids or not world.review.review_times:
        return 0.0
    g = world.roster
    times = np.asarray(world.review.review_times)
    cum = np.r_[0, np.cumsum(world.review.review_counts)]
    cap = float((g.ever_joined[: g.n] & g.reader[: g.n]).sum())
    t_end = world.env.now
    total = 0.0
    for mid in message_ids:
        m = g.messages[mid]
        gone = m.deleted_at if m.deleted_at >= 0 else t_end
        a, b = np.searchsorted(times, m.time, side="right"), np.searchsorted(times, gone, side="right")
        total += min(float(cum[b] - cum[a]), cap)
    return total


def _roi(ledgers: list[Any]) -> tuple[float, float, float]:
    spent = sum(x.spent for x in ledgers)
    payoff = sum(x.reach * x.value_per_view for x in ledgers)
    return spent, payoff, (payoff - spent) / spent if spent > 0 else float("nan")


def cast_summary(world: World) -> dict[str, Any]:
    """Summary keys added by the cast (sim/model/staff/, sim/model/adversaries/)."""
    for ledger in world.cast.ledgers:
        if ledger.ads:
            ledger.reach = ad_reach(world, ledger.ads)
        ledger.reach += getattr(ledger, "thread_views", 0.0)
    spammers = [x for x in world.cast.ledgers if x.role == "ad_spammer"]
    s_spent, s_payoff, s_roi = _roi(spammers)
    a_spent, a_payoff, a_roi = _roi(world.cast.ledgers)
    return {
        "spammer_accounts": sum(len(x.accounts) for x in spammers),
        "spammer_reach": float(sum(x.reach for x in spammers)),
        "spammer_spent": float(s_spent),
        "spammer_payoff": float(s_payoff),
        "spammer_roi": float(s_roi),
        "spammer_thread_posts": int(sum(x.thread_posts for x in spammers)),
        "spammer_window_posts": int(sum(x.window_posts for x in spammers)),
        "spammer_declined": int(sum(x.declined for x in spammers)),
        "adversary_spent": float(a_spent),
        "adversary_roi": float(a_roi),
        "poached": world.cast.poached,
        "brigade_complaints": world.cast.brigade_complaints,
        "grievance_complaints": world.cast.grievance_complaints,
        "reports_filed": len(world.cast.reports),
        "compensation_paid": float(world.cast.compensation_paid),
        "shill_exposures": world.posting.shill_exposures,
        "cascade_leaves": world.cascades.cascade_leaves,
        "cascade_complaints": world.cascades.cascade_complaints,
        "volunteer_admins": int(world.roster.volunteer[: world.roster.n].sum()),
        "referrals": world.population.referrals,
    }


__all__ = ["CastAccounts", "ad_reach", "cast_summary"]
