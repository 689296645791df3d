"""The clock's ticks: the hourly round and the daily record and verdict.

Hourly, the members who visited in the hour read what came since their last
look (sim/model/members/review.py), questions past their askers' patience
close, and rules that want the clock see it. Daily, the day's row of the
per-day series is written, the group designs' daily steps run (entry,
delivery gap, business results, lifecycle; sim/model/designs/), volunteer
admins are promoted and the outcome is judged (sim/model/outcomes.py).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from rules import ClockTick
from sim.base.clock import MINUTES_PER_DAY
from sim.model.messages import KIND_NAMES, MEMBER_KINDS, N_KINDS, Kind
from sim.model.outcomes import Outcome, OutcomeJudge
from sim.model.staff.crew import promote_volunteers

if TYPE_CHECKING:
    from sim.model.world import World

_AD = int(Kind.AD)


def _new_day_counts() -> dict[str, int]:
    return {"joins": 0, "leaves": 0, "kicks": 0, "deleted": 0}


class Ticks:
    """The hourly and daily ticks of one group, the per-day series and the outcome."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.judge = OutcomeJudge(world.scenario.outcomes)
        self.outcome: tuple[Outcome, float, str] | None = None
        self.days: list[dict[str, Any]] = []
        # Day totals are differences of cumulative counters taken at the day's start,
        # so the per-message path updates nothing per day.
        self._cum_at_day_start = [0.0] * N_KINDS
        self._posts_at_day_start = np.zeros(0, dtype=np.int64)
        self.deleted_by_day: dict[int, list[int]] = {}  # post day -> [ads deleted, messages deleted]
        self.day_counts = _new_day_counts()
        self._members_at_day_start = 0

    def begin(self) -> None:
        """The run starts: the first day counts its members from now."""
        self._members_at_day_start = int(self.world.roster.count)

    def run(self) -> Generator[Any, Any, None]:
        """The hourly round, as a simpy process, until the run stops."""
        w = self.world
        env, timeline = w.env, w.timeline
        hour = 0
        while True:
            yield env.timeout((hour + 1) * 60.0 - env.now)
            hour += 1
            t = env.now
            w.review.review(hour - 1, t)
            w.posting.expire_questions(t)
            if w.rules.wants(ClockTick):
                w.roster.now = t
                w.moderation.apply_all(w.rules.handle(ClockTick(t), w.roster), t)
            if hour % 24 == 0 or t >= w.end:
                self.end_of_day((hour - 1) // 24, t)
            if t >= w.end:
                timeline.stop()
            if timeline.stopped:
                return

    def end_of_day(self, day: int, t: float) -> None:
        """Record ``day`` (ending at ``t``), run the designs' daily steps and judge the outcome."""
        w = self.world
        g = w.roster
        n = g.n
        readers = g.present[:n] & g.reader[:n]
        ids = np.flatnonzero(readers)
        counts = [int(round(c - c0)) for c, c0 in zip(g.cum[:N_KINDS], self._cum_at_day_start)]
        posts = np.asarray(g.posts, dtype=np.int64)
        posters = int(np.count_nonzero(posts[: len(self._posts_at_day_start)] - self._posts_at_day_start))
        posters += int(np.count_nonzero(posts[len(self._posts_at_day_start) :]))
        gone = self.deleted_by_day.get(day, [0, 0])
        visible_ads, visible = counts[_AD] - gone[0], sum(counts) - gone[1]
        row: dict[str, Any] = {
            "day": day,
            "members": int(g.count),
            "active_members": int((readers & ~g.muted[:n]).sum()),
            "posters": posters,
            "messages": int(sum(counts)),
            "member_messages": int(sum(counts[k] for k in MEMBER_KINDS)),
            **{f"msgs_{name}": int(counts[k]) for k, name in enumerate(KIND_NAMES)},
            "visible_ads": int(visible_ads),
            "visible_messages": int(visible),
            "ad_share": float(visible_ads / visible) if visible else 0.0,
            "mean_satisfaction": float(g.satisfaction_now(ids, t).mean()) if len(ids) else float("nan"),
            **self.day_counts,
        }
        self._design_day(day, t, row)
        self.days.append(row)
        if w.scenario.group.volunteer_admins.max_admins:
            promote_volunteers(w, t)
        if self.outcome is None:
            verdict = self.judge.judge(row, self._members_at_day_start)
            if verdict is not None:
                outcome, reason = verdict
                self.outcome = (outcome, day + 1.0, reason)
                w.log.add(t, "outcome", kind=outcome.value)
                if w.scenario.outcomes.stop_on_outcome:
                    w.timeline.stop()
        self._cum_at_day_start = g.cum[:N_KINDS]
        self._posts_at_day_start = posts
        self.day_counts = _new_day_counts()
        self._members_at_day_start = int(g.count)
        g.prune_deletions()

    def _design_day(self, day: int, t: float, row: dict[str, Any]) -> None:
        """The group design's daily figures and steps (sim/model/designs/)."""
        w = self.world
        row.update(w.gate.day_row(t))
        minutes, takers, activities = w.calendar.close_day()
        row.update(activities)
        row.update(w.business.day(day, t, takers, minutes))
        w.lifecycle.day(day, t, row)

    def dissolve(self) -> None:
        """The planned end (a flash group after its sale): log it, record the day, stop."""
        w = self.world
        t = w.env.now
        w.log.add(t, "dissolve")
        if self.outcome is None:
            self.outcome = (Outcome.DISSOLVED, t / MINUTES_PER_DAY, "dissolved as planned")
            w.log.add(t, "outcome", kind=Outcome.DISSOLVED.value)
        day = int(t // MINUTES_PER_DAY)
        if not self.days or self.days[-1]["day"] < day:
            self.end_of_day(day, t)
        w.timeline.stop()


__all__ = ["Ticks"]
