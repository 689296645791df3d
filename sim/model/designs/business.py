"""Business results: purchases, GMV, operator hours, cost of perks and return on effort (投产比).

Observation only: nothing here changes what members do, so the event log of a
run is the same with or without it (docs/MODEL.md, "Business results").
Once a day, each present legitimate member ``i`` with satisfaction ``s_i``
(clipped to [0, 1]) buys with probability

    p_i = rate_i * s_i + deal_lift * [i took a flash deal or successful group buy today]

where ``rate_i`` is ``repurchase_per_day`` for a customer (a member who had
bought before joining, with ``prior_customer_share``, or in the group) and
``conversion_per_day`` otherwise (seed 000: value decides repurchase). Any
customer, whether they bought before joining or in the group, upgrades to the
high-ticket product once, with daily probability ``upgrade_per_day * s_i``.
Draws come from a per-day stream indexed by member id. GMV = purchases x
``product_price`` + upgrades x ``high_ticket_price`` + entry fees.

Over the whole horizon: a group that failed (dead, ad group, blown up) sells
nothing from the day it failed, but with ``costs_to_horizon`` its operator
hours go on at their mean daily rate until ``duration_days`` (the operator was
committed to it), and ``gmv_forgone`` is the GMV it would have made at its
pre-failure daily rate. A blown-up group refunds ``refund_share`` of its GMV.
A planned end (dissolved) stops costs and sales alike. Operator hours =
(operator content posts x ``content_minutes`` + staff answers x
``answer_minutes`` + activity and reminder minutes + moderator minutes of the
rules) / 60. Cost of perks = activity perks + compensation. Spent = perks +
operator hours x ``operator_hourly_cost``. Return on effort = (GMV - refunds) x
``margin`` / spent (seed 002: 投产比; NaN when nothing was spent); it breaks
even at 1, where ``profit`` = (GMV - refunds) x margin - spent is 0.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.base.clock import MINUTES_PER_DAY
from sim.model.roster import LEGIT, STAFF
from sim.model.messages import Kind
from sim.model.outcomes import Outcome

if TYPE_CHECKING:
    from sim.model.world import World


class BusinessLedger:
    """The brand's purchases and costs in one group."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cfg = world.scenario.business
        size = 64
        self.known = np.zeros(size, dtype=bool)  # prior-customer flag drawn
        self.customer = np.zeros(size, dtype=bool)
        self.bought = np.zeros(size, dtype=np.int64)  # purchases in the group
        self.upgraded = np.zeros(size, dtype=bool)
        self.prior = np.zeros(size, dtype=bool)
        self.purchases = self.conversions = self.repurchases = self.upgrades = 0
        self.operator_minutes = 0.0
        self._seen = 0  # messages already counted for operator minutes
        self._moderator_minutes = 0.0  # the rules' moderator minutes at the last day's end

    def _fit(self, n: int) -> None:
        if n <= len(self.known):
            return
        size = max(n, 2 * len(self.known))
        for name in ("known", "customer", "bought", "upgraded", "prior"):
            old = getattr(self, name)
            new = np.zeros(size, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def _minutes(self, activity_minutes: float) -> float:
        """Operator minutes since the last day's end: content, staff answers, activities, moderation."""
        world, g, cfg = self.world, self.world.roster, self.cfg
        op = world.operator.id
        content = answers = 0
        new = g.messages[self._seen :]
        if new:  # the day's posts as columns (a Python loop here cost as much as the day's reviews)
            senders = np.fromiter(map(attrgetter("sender"), new), np.int64, len(new))
            kinds = np.fromiter(map(attrgetter("kind"), new), np.int64, len(new))
            content = int(((senders == op) & (kinds == Kind.CONTENT)).sum())
            answers = int(((kinds == Kind.ANSWER) & (g.truth[senders] == STAFF)).sum())
        self._seen = len(g.messages)
        moderation = float(sum(s.get("moderator_minutes", 0) for s in world.moderation.stats.values()))
        minutes = content * cfg.content_minutes + answers * cfg.answer_minutes + activity_minutes
        minutes += moderation - self._moderator_minutes
        self._moderator_minutes = moderation
        self.operator_minutes += minutes
        return minutes

    def day(self, day: int, t: float, takers: list[int], activity_minutes: float) -> dict[str, Any]:
        """Purchases and operator minutes of ``day`` (ending at ``t``) for the per-day series."""
        world, g, cfg = self.world, self.world.roster, self.cfg
        minutes = self._minutes(activity_minutes)
        n = g.n
        self._fit(n)
        ids = np.flatnonzero(g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT))
        new = ids[~self.known[ids]]
        if len(new):
            prior = world.streams.get("prior-customer").random(n)[new] < cfg.prior_customer_share
            self.prior[new] = prior
            self.customer[new] = prior
            self.known[new] = True
        if self._failed():  # a failed group sells nothing more (its costs still count, above)
            ids = ids[:0]
        s = np.clip(g.satisfaction_now(ids, t), 0.0, 1.0) if len(ids) else np.empty(0)
        u = world.streams.get("purchases", day).random((n, 2))[ids]
        took = np.zeros(len(ids), dtype=bool)
        if takers:
            took = np.isin(ids, np.asarray(takers, dtype=np.int64))
        cust = self.customer[ids]
        p = np.where(cust, cfg.repurchase_per_day, cfg.conversion_per_day) * s + cfg.deal_lift * took
        buy = u[:, 0] < p
        conv = int((buy & ~cust).sum())
        rep = int((buy & cust).sum())
        can_up = cust & ~self.upgraded[ids]  # buyers anywhere in the funnel, before joining or in the group
        up = can_up & (u[:, 1] < cfg.upgrade_per_day * s)
        self.bought[ids[buy]] += 1
        self.customer[ids[buy]] = True
        self.upgraded[ids[up]] = True
        n_up = int(up.sum())
        self.purchases += conv + rep
        self.conversions += conv
        self.repurchases += rep
        self.upgrades += n_up
        gmv = (conv + rep) * cfg.product_price + n_up * cfg.high_ticket_price
        return {"purchases": conv + rep, "conversions": conv, "repurchases": rep, "upgrades": n_up, "gmv": float(gmv),
                "operator_minutes": float(minutes)}

    def _failed(self) -> bool:
        outcome = self.world.ticks.outcome
        return outcome is not None and outcome[0] not in (Outcome.ALIVE, Outcome.DISSOLVED)

    def summary(self, entry_fees: float, perk_cost: float, compensation: float) -> dict[str, Any]:
        """Run totals over the horizon: purchases, rates, GMV, refunds, operator hours, perks and return on effort."""
        world, g, cfg = self.world, self.world.roster, self.cfg
        n = min(g.n, len(self.known))
        seen = self.known[:n]
        non_cust = seen & ~self.prior[:n]
        prior = seen & self.prior[:n]
        hours = self.operator_minutes / 60.0
        perks = perk_cost + compensation
        gmv = (self.purchases * cfg.product_price + self.upgrades * cfg.high_ticket_price + entry_fees)
        ran = world.env.now / MINUTES_PER_DAY
        left = max(float(world.scenario.duration_days) - ran, 0.0) if self._failed() else 0.0
        forgone = (gmv - entry_fees) / max(ran, 1e-9) * left  # sales only: entry fees are paid once
        if cfg.costs_to_horizon and left > 0:
            hours += hours / max(ran, 1e-9) * left
        outcome = world.ticks.outcome
        refunds = cfg.refund_share * gmv if outcome is not None and outcome[0] is Outcome.BLOWN_UP else 0.0
        spent = perks + hours * cfg.operator_hourly_cost
        net = (gmv - refunds) * cfg.margin
        return {
            "purchases": self.purchases,
            "conversions": self.conversions,
            "repurchases": self.repurchases,
            "upgrades": self.upgrades,
            "conversion_rate": float((self.bought[:n][non_cust] > 0).mean()) if non_cust.any() else float("nan"),
            "repurchase_rate": float((self.bought[:n][prior] > 0).mean()) if prior.any() else float("nan"),
            "upgrade_rate": float(self.upgraded[:n][seen].mean()) if seen.any() else float("nan"),
            "gmv": float(gmv),
            "operator_hours": float(hours),
            "perk_cost": float(perks),
            "refunds": float(refunds),
            "gmv_forgone": float(forgone),
            "days_costed": float(ran + left if cfg.costs_to_horizon else ran),
            "profit": float(net - spent),
            "return_on_effort": float(net / spent) if spent > 0 else float("nan"),
            "gmv_per_member_day": float(gmv / max(int(seen.sum()), 1) / max(world.env.now / MINUTES_PER_DAY, 1e-9)),
        }


__all__ = ["BusinessLedger"]
