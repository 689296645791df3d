"""The cast's accounts for the run summary: adversary economics and cascade counters.

Reach of an ad (docs/MODEL.md, "Adversary economics"): members who looked at the
group after it was posted and before it was deleted (or the run ended), taken
from the hourly reviews (how many members looked at each), capped at the
members ever in the group. A poacher's reach is the members it pulled away.
Return on investment is ``(reach * value_per_view - spent) / spent``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.run.engine import Simulation


def ad_reach(sim: Simulation, message_ids: list[int]) -> float:
    """Member-looks at these ads while they were up (see module docstring)."""
    if not message_ids or not sim.review_times:
        return 0.0
    g = sim.g
    times = np.asarray(sim.review_times)
    cum = np.r_[0, np.cumsum(sim.review_counts)]
    cap = float((g.ever_joined[: g.n] & g.reader[: g.n]).sum())
    t_end = sim.env.now
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


def cast_summary(sim: Simulation) -> dict[str, Any]:
    """Summary keys added by the cast (sim/model/roles/)."""
    for ledger in sim.ledgers:
        if ledger.ads:
            ledger.reach = ad_reach(sim, ledger.ads)
    spammers = [x for x in sim.ledgers if x.role == "ad_spammer"]
    s_spent, s_payoff, s_roi = _roi(spammers)
    a_spent, a_payoff, a_roi = _roi(sim.ledgers)
    return {
        "spammer_accounts": sum(len(x.accounts) for x in spammers),
        "spammer_reach": float(sum(x.reach for x in spammers)),
        "spammer_spent": float(s_spent),
        "spammer_payoff": float(s_payoff),
        "spammer_roi": float(s_roi),
        "adversary_spent": float(a_spent),
        "adversary_roi": float(a_roi),
        "poached": sim.poached,
        "brigade_complaints": sim.brigade_complaints,
        "grievance_complaints": sim.grievance_complaints,
        "reports_filed": len(sim.reports),
        "compensation_paid": float(sim.compensation_paid),
        "shill_exposures": sim.shill_exposures,
        "cascade_leaves": sim.cascades.cascade_leaves,
        "cascade_complaints": sim.cascades.cascade_complaints,
        "volunteer_admins": int(sim.g.volunteer[: sim.g.n].sum()),
        "referrals": sim.referrals,
    }


__all__ = ["ad_reach", "cast_summary"]
