"""Leave and complain cascades (Granovetter thresholds), trust loss, imitation and chilling.

A member leaves once the departures they have seen since joining reach their
``leave_cascade_threshold``, and complains (once) once the complaints they have
seen reach their ``complain_cascade_threshold`` (Granovetter 1978, "Threshold
models of collective behavior"; seed 001 §九.2: bad news ferments, departures
spread). Counts come from the group's accumulators, never from visiting
members: the group counts every departure (``cum_leaves``) and complaint
(``cum[COMPLAINT]``); a member stores both at joining; a departure or complaint
by a friend adds to that friend's ``friend_*`` counter in O(degree), so the
count a member sees is ``C - C_join + (w - 1) * C_friends``: strangers weigh 1,
friends ``w``. With ``share: true`` the count is divided by the membership at
the moment of the decision (``roster.count``), so a share threshold means the
same thing to an early joiner as to a late one.

Updating is asynchronous (each member checks at their own visits and sees
departures as they happen, even within the hour) or synchronous (every
``round_minutes`` all present members check against the counts at the round's
start, then all who crossed act together), as in Granovetter's crowd.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.spec.cast_params import NEVER
from sim.model.messages import Kind

if TYPE_CHECKING:
    from sim.model.world import World

_COMPLAINT = int(Kind.COMPLAINT)
CASCADE_COMPLAINTS = ("我也遇到了同样的问题", "大家都在说，看来是真的", "+1，要个说法")


class CascadeModel:
    """The cascades of one run; inactive (free) unless some member has a finite threshold."""

    def __init__(self, world: World) -> None:
        self.world = world
        cfg = world.scenario.group.cascades
        self.cfg = cfg
        self.w = float(cfg.friend_weight)
        self.sync = cfg.updating == "sync"
        self.active = any(
            getattr(e.params, "leave_cascade_threshold", NEVER) != NEVER
            or getattr(e.params, "complain_cascade_threshold", NEVER) != NEVER
            for e in world.scenario.population
            if e.role == "member"
        )
        self.cascade_leaves = 0
        self.cascade_complaints = 0
        if self.active and self.sync:
            world.env.process(self._rounds())

    def seen(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Departures and complaints ``ids`` have seen since joining (friends weighted ``w``)."""
        g = self.world.roster
        dep = g.cum_leaves - g.base_leaves[ids] + (self.w - 1.0) * g.friend_leaves[ids]
        com = g.cum[_COMPLAINT] - g.base_complaints[ids] + (self.w - 1.0) * g.friend_complaints[ids]
        if self.cfg.share:
            crowd = float(max(g.count, 1))  # the members present now, not at joining (issue 16 item 8)
            dep, com = dep / crowd, com / crowd
        return dep, com

    def _act(self, ids: np.ndarray, dep: np.ndarray, com: np.ndarray, t: float) -> int:
        """Members who crossed a threshold complain (once) or leave; returns how many acted."""
        world, g = self.world, self.world.roster
        complain = (com >= g.thr_complain[ids]) & ~g.cascaded[ids]
        leave = dep >= g.thr_leave[ids]
        acted = 0
        for i in ids[complain].tolist():
            if g.present[i]:
                g.cascaded[i] = True
                self.cascade_complaints += 1
                world.posting.complain(i, CASCADE_COMPLAINTS[i % len(CASCADE_COMPLAINTS)], t)
                acted += 1
        for i in ids[leave].tolist():
            if g.present[i]:
                self.cascade_leaves += 1
                world.leave(i, t, reason="cascade")
                acted += 1
        return acted

    def check_async(self, ids: np.ndarray, t: float) -> None:
        """Visitors check their thresholds one after another, each seeing the earlier ones act."""
        g = self.world.roster
        while len(ids):
            ids = ids[g.present[ids]]
            dep, com = self.seen(ids)
            crossed = ((com >= g.thr_complain[ids]) & ~g.cascaded[ids]) | (dep >= g.thr_leave[ids])
            if not crossed.any():
                return
            k = int(np.argmax(crossed))  # the first to cross acts; the rest look again
            self._act(ids[k : k + 1], dep[k : k + 1], com[k : k + 1], t)  # then everyone looks again

    def _rounds(self) -> Generator[Any, Any, None]:
        world, g = self.world, self.world.roster
        step = float(self.cfg.round_minutes)
        k = 0
        while True:
            k += 1
            yield world.env.timeout(k * step - world.env.now)
            n = g.n
            ids = np.flatnonzero(g.present[:n] & g.reader[:n])
            if len(ids):
                dep, com = self.seen(ids)  # everyone looks at the round's start, then all act
                self._act(ids, dep, com, world.env.now)


def engagement_factor(world: World, ids: np.ndarray, member_msgs_seen: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Imitation and chilling: more posting after seeing others post, less after punishments.

    ``factor = exp(-chilling * punishments seen) * (1 + imitation * member messages seen a day / 100)``
    """
    g = world.roster
    punish = g.cum_punish - g.snap_punish[ids]
    g.snap_punish[ids] = g.cum_punish
    rate = member_msgs_seen / np.maximum(days, 1.0 / 24.0)
    return np.exp(-g.chilling[ids] * punish) * (1.0 + g.imitation[ids] * rate / 100.0)


__all__ = ["CASCADE_COMPLAINTS", "CascadeModel", "engagement_factor"]
