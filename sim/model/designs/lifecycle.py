"""A group's life after launch: the delivery gap, dissolution after inactivity, a second life.

Run once a day, before the outcome is judged (docs/MODEL.md, "Lifecycle",
"Delivery gap"):

* **Delivery gap** (交付群, seed 000): ``delivered`` is the value per day staff
  posted (content, answers, activities; deleted posts excluded) over the last
  ``window_days``; the relative shortfall ``gap = (promised - delivered) /
  promised``. With ``gap > 0`` every present member loses ``gap_cost * gap`` of
  satisfaction and complains with probability ``complain_propensity * gap``
  (at a uniform time in the next 12 hours; complaints spread to friends like
  any complaint, sim/model/members/cascades.py). With a surplus (excellent service:
  beyond what was promised) members gain ``exceed_gain * min(-gap, 1)``.
* **Dissolve after inactivity** (seed 004: 长期无互动的群要解散): a day is quiet
  when legitimate members' visible messages fall below ``quiet_messages_per_day`` (default the dead
  threshold); ``dissolve_after_inactive_days`` quiet days in a row dissolve
  the group (outcome ``dissolved``), before it would be judged dead.
* **Second life**: ``second_life.quiet_days`` quiet days in a row inject new
  content (a staff post of ``value``, split between information and
  activities), an @all notice that adds ``notify_gain`` to every present
  member's satisfaction, and new versions of every activity (staleness starts
  over), at most ``max_relaunches`` times (seed 004: groups decline when value
  stops; new value revives them).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.base.clock import MINUTES_PER_DAY
from sim.model.roster import LEGIT, STAFF
from sim.model.messages import Kind
from sim.model.outcomes import Outcome
from sim.spec.scenario import VALUE_DIMENSIONS

if TYPE_CHECKING:
    from sim.model.world import World

DELIVERY_COMPLAINTS = ("说好的内容呢？和宣传的不一样", "交付太差了，要求退款", "承诺的服务没兑现")
_INFORMATION, _ACTIVITIES = VALUE_DIMENSIONS.index("information"), VALUE_DIMENSIONS.index("activities")


def _present_legit(world: World) -> np.ndarray:
    g, n = world.roster, world.roster.n
    return np.flatnonzero(g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT))


def _bump_all(world: World, ids: np.ndarray, amount: float, t: float) -> None:
    if len(ids) and amount:
        g = world.roster
        g.sat[ids] = g.satisfaction_now(ids, t) + amount
        g.sat_time[ids] = t


class LifecycleClock:
    """Daily delivery judgement, dissolution after inactivity and relaunches of one group."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cfg = world.scenario.group.lifecycle
        self.delivery = world.scenario.group.delivery
        self.quiet_run = 0
        self.relaunches = 0
        self.delivery_complaints = 0
        window = self.delivery.window_days if self.delivery else 1
        self.delivered: deque[float] = deque(maxlen=window)
        self._seen = 0  # messages already counted for delivery

    def day(self, day: int, t: float, row: dict[str, Any]) -> None:
        if self.delivery is not None:
            self._deliver(day, t)
        cfg = self.cfg
        if cfg.dissolve_after_inactive_days is None and cfg.second_life is None:
            return
        quiet = cfg.quiet_messages_per_day
        if quiet is None:
            quiet = self.world.scenario.outcomes.dead_messages_per_day
        self.quiet_run = self.quiet_run + 1 if row["visible_member_messages"] < quiet else 0  # as the judge counts
        life = cfg.second_life
        if life is not None and self.quiet_run >= life.quiet_days and self.relaunches < life.max_relaunches:
            self._relaunch(t)
        elif cfg.dissolve_after_inactive_days is not None and self.quiet_run >= cfg.dissolve_after_inactive_days:
            self._dissolve(t)

    def _deliver(self, day: int, t: float) -> None:
        world, g, d = self.world, self.world.roster, self.delivery
        assert d is not None
        msgs = g.messages
        value = sum(m.value for m in msgs[self._seen :] if m.value_dim >= 0 and m.deleted_at < 0 and g.truth[m.sender] == STAFF)
        self._seen = len(msgs)
        self.delivered.append(value)
        if day < d.start_day:
            return
        gap = (d.promised_value_per_day - float(np.mean(self.delivered))) / d.promised_value_per_day
        ids = _present_legit(world)
        if gap <= 0:
            _bump_all(world, ids, d.exceed_gain * min(-gap, 1.0), t)
            return
        _bump_all(world, ids, -d.gap_cost * gap, t)
        rng = world.streams.get("delivery", day)
        u = rng.random(g.n)[ids]
        when = rng.uniform(0.0, 720.0, g.n)[ids]
        for i, dt in zip(ids[u < d.complain_propensity * gap].tolist(), when[u < d.complain_propensity * gap].tolist()):
            world.schedule(t + dt, lambda i=i, dt=dt: self._complain(i, t + dt))

    def _complain(self, i: int, t: float) -> None:
        if self.world.roster.present[i]:
            self.delivery_complaints += 1
            self.world.posting.complain(i, DELIVERY_COMPLAINTS[self.delivery_complaints % len(DELIVERY_COMPLAINTS)], t)

    def _relaunch(self, t: float) -> None:
        world, life = self.world, self.cfg.second_life
        assert life is not None
        self.relaunches += 1
        self.quiet_run = 0
        world.ticks.relaunched()  # the judge's count too, or a relaunched group is judged dead on its old quiet days
        staff = world.calendar.staff()
        world.post(staff, Kind.CONTENT, "全新内容上线！", t, value_dim=_INFORMATION, value=life.value / 2)
        world.post(staff, Kind.ACTIVITY, "@所有人 新活动开始啦", t, value_dim=_ACTIVITIES, value=life.value / 2)
        _bump_all(world, _present_legit(world), life.notify_gain, t)
        if life.refresh_activities:
            world.calendar.relaunch()
        world.log.add(t, "relaunch", -1, -1, kind=str(self.relaunches))

    def _dissolve(self, t: float) -> None:
        world = self.world
        if world.ticks.outcome is None:
            reason = f"dissolved after {self.quiet_run} quiet days"
            world.ticks.outcome = (Outcome.DISSOLVED, t / MINUTES_PER_DAY, reason)
            world.log.add(t, "dissolve")
            world.log.add(t, "outcome", kind=Outcome.DISSOLVED.value)
            world.timeline.stop()


__all__ = ["LifecycleClock"]
