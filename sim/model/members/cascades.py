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

Role models (:class:`RoleModels`; seed 000: a super-user group is 30% super users
and 70% potential super users): at each day's end a potential super user
(``conversion_rate`` > 0) who looked at the group that day becomes a super user
with probability ``1 - exp(-conversion_rate * min(1, E / example_saturation))``,
where ``E`` is the super users' visible posts of the day (the example). A convert
posts like one: extra post candidates at the mean post rate of the super users
present, on top of their own, and is an example from then on. The example
saturates and needs an audience: past ``example_saturation`` posts a day more
super users convert no one more, and a group of super users only has no one
to convert.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.base.clock import MINUTES_PER_DAY
from sim.spec.cast_params import NEVER
from sim.model.messages import Kind
from sim.model.roster import LEGIT

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
        self.role_models = RoleModels(world)

    def close_day(self, t: float, first_message: int) -> None:
        """The day's end (sim/model/ticks.py): potential super users follow the day's example."""
        if self.role_models.active:
            self.role_models.close_day(t, first_message)

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


class RoleModels:
    """Potential super users who become super users by their example (seed 000: 30% + 70%)."""

    def __init__(self, world: World) -> None:
        self.world = world
        pop = world.scenario.population
        self.model_entries = {k for k, e in enumerate(pop) if e.role == "member" and getattr(e.params, "tier", None) == "super"}
        self.active = bool(self.model_entries) and any(
            e.role == "member" and getattr(e.params, "conversion_rate", 0.0) != 0.0 for e in pop
        )
        self.converted: list[int] = []
        self._converts: set[int] = set()
        self._day = 0

    def is_model(self, i: int) -> bool:
        """Whether ``i`` is a super user now (started as one or converted)."""
        return int(self.world.roster.entry[i]) in self.model_entries or i in self._converts

    def close_day(self, t: float, first_message: int) -> None:
        """Potentials who looked today convert with a chance that saturates in the day's example."""
        w, g = self.world, self.world.roster
        self._day += 1
        example = sum(1 for m in g.messages[first_message:] if m.deleted_at < 0 and g.truth[m.sender] == LEGIT and self.is_model(m.sender))
        if not example:
            return
        n = g.n
        present = np.flatnonzero(g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT))
        models = [i for i in present.tolist() if self.is_model(i)]
        rates = [float(w.traits[i].get("post_rate", 0.0)) for i in models]
        model_rate = float(np.mean(rates)) if rates else 0.0
        looked = g.last_read[present] > t - MINUTES_PER_DAY
        rng = w.streams.get("role-models", self._day)
        u = rng.random(len(present))
        for k, i in enumerate(present.tolist()):
            rate = float(w.traits.get(i, {}).get("conversion_rate", 0.0))
            if rate <= 0 or not looked[k] or self.is_model(i):
                continue
            full = max(float(w.traits[i].get("example_saturation", 1.0)), 1e-9)
            if u[k] < 1.0 - np.exp(-rate * min(1.0, example / full)):
                self._convert(i, t, max(model_rate - float(w.traits[i].get("post_rate", 0.0)), 0.0), rng)

    def _convert(self, i: int, t: float, extra_rate: float, rng: np.random.Generator) -> None:
        w = self.world
        self._converts.add(i)
        self.converted.append(i)
        w.log.add(t, "convert", -1, i, kind="super_user")
        times = w.clock.poisson_times(rng, extra_rate, t, w.end)
        if len(times):
            w.posting.add_posts(np.full(len(times), i, dtype=np.int64), times, rng.random((len(times), 3)))


def engagement_factor(world: World, ids: np.ndarray, member_msgs_seen: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Imitation and chilling: more posting after seeing others post, less after punishments.

    ``factor = exp(-chilling * punishments seen) * (1 + imitation * member messages seen a day / 100)``
    """
    g = world.roster
    punish = g.cum_punish - g.snap_punish[ids]
    g.snap_punish[ids] = g.cum_punish
    rate = member_msgs_seen / np.maximum(days, 1.0 / 24.0)
    return np.exp(-g.chilling[ids] * punish) * (1.0 + g.imitation[ids] * rate / 100.0)


__all__ = ["CASCADE_COMPLAINTS", "CascadeModel", "RoleModels", "engagement_factor"]
