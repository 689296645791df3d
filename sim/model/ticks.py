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
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from rules import ClockTick
from sim.base.clock import MINUTES_PER_DAY
from sim.model.messages import KIND_NAMES, N_KINDS, Kind
from sim.model.outcomes import Outcome, OutcomeJudge
from sim.model.roster import ADVERSARY, LEGIT, STAFF
from sim.model.staff.crew import promote_volunteers

if TYPE_CHECKING:
    from sim.model.world import World

_AD = int(Kind.AD)
_COMPLAINT = int(Kind.COMPLAINT)


def by_sender(world: World, first_message: int, first_event: int) -> dict[str, int]:
    """Who did what since message ``first_message`` and log row ``first_event``, by the sender's truth.

    The day's verdict inputs (docs/MODEL.md, "Outcomes"): messages by
    legitimate members (all, and those still visible at the day's end), staff (operator, admins, KOLs run by the brand, shills)
    and adversaries; the distinct legitimate members who complained; ads from
    senders who are not staff that are still visible; and the legitimate
    members who left of their own accord (kicks are not leaves).
    """
    g = world.roster
    new = g.messages[first_message:]
    k = len(new)
    senders = np.fromiter(map(attrgetter("sender"), new), np.int64, k)
    kinds = np.fromiter(map(attrgetter("kind"), new), np.int64, k)
    gone = np.fromiter(map(attrgetter("deleted_at"), new), np.float64, k) >= 0
    truth = g.truth[senders] if k else np.zeros(0, dtype=np.int8)
    legit = truth == LEGIT
    log = world.log
    leavers = [a for e, a in zip(log.event[first_event:], log.actor[first_event:]) if e == "leave" and a >= 0]
    return {
        "member_messages": int(legit.sum()),
        "visible_member_messages": int((legit & ~gone).sum()),
        "staff_messages": int((truth == STAFF).sum()),
        "adversary_messages": int((truth == ADVERSARY).sum()),
        "legit_complaints": int((legit & (kinds == _COMPLAINT)).sum()),
        "legit_complainers": int(len(np.unique(senders[legit & (kinds == _COMPLAINT)]))),
        "visible_foreign_ads": int(((kinds == _AD) & (truth != STAFF) & ~gone).sum()),
        "legit_leaves": int(sum(1 for a in leavers if g.truth[a] == LEGIT)),
    }


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
        self._legit_at_day_start = 0
        self._msg_at_day_start = 0
        self._event_at_day_start = 0

    def _count_legit(self) -> int:
        g = self.world.roster
        return int(np.count_nonzero(g.present[: g.n] & (g.truth[: g.n] == LEGIT)))

    def begin(self) -> None:
        """The run starts: the first day counts its members from now."""
        self._legit_at_day_start = self._count_legit()

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
            **by_sender(w, self._msg_at_day_start, self._event_at_day_start),
            **{f"msgs_{name}": int(counts[k]) for k, name in enumerate(KIND_NAMES)},
            "legit_members": self._count_legit(),
            "legit_members_at_start": self._legit_at_day_start,
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
        close_day = getattr(w.cascades, "close_day", None)  # role models (sim/model/members/cascades.py)
        if close_day is not None:
            close_day(t, self._msg_at_day_start)
        if self.outcome is None:
            verdict = self.judge.judge(row)
            if verdict is not None:
                outcome, reason = verdict
                self.outcome = (outcome, day + 1.0, reason)
                w.log.add(t, "outcome", kind=outcome.value)
                if w.scenario.outcomes.stop_on_outcome:
                    w.timeline.stop()
        self._cum_at_day_start = g.cum[:N_KINDS]
        self._posts_at_day_start = posts
        self.day_counts = _new_day_counts()
        self._legit_at_day_start = self._count_legit()
        self._msg_at_day_start = len(g.messages)
        self._event_at_day_start = len(w.log.event)
        g.prune_deletions()

    def _design_day(self, day: int, t: float, row: dict[str, Any]) -> None:
        """The group design's daily figures and steps (sim/model/designs/)."""
        w = self.world
        row.update(w.gate.day_row(t))
        minutes, takers, activities = w.calendar.close_day()
        row.update(activities)
        row.update(w.business.day(day, t, takers, minutes))
        w.lifecycle.day(day, t, row)

    def relaunched(self) -> None:
        """A relaunch (second life): the judge's quiet-day count starts again with the lifecycle's."""
        self.judge.restart()

    def dissolve(self) -> None:
        """The planned end (a flash group after its sale): close the day, judge it by its purpose, stop.

        A planned end is ``dissolved`` when the sale it was for happened: at
        least ``dissolve_min_buyer_share`` of the legitimate members ever in the
        group bought in it. A sale nobody bought at is a dead group that was
        closed, not a success (docs/MODEL.md, "Outcomes").
        """
        w = self.world
        t = w.env.now
        w.log.add(t, "dissolve")
        day = int(t // MINUTES_PER_DAY)
        if not self.days or self.days[-1]["day"] < day:
            self.end_of_day(day, t)
        if self.outcome is None:
            share = self.buyer_share()
            if share >= w.scenario.outcomes.dissolve_min_buyer_share:
                self.outcome = (Outcome.DISSOLVED, t / MINUTES_PER_DAY, f"dissolved as planned after a sale: {share:.0%} of members bought")
            else:
                self.outcome = (Outcome.DEAD, t / MINUTES_PER_DAY, f"dissolved as planned, but only {share:.0%} of members bought in its sale")
            w.log.add(t, "outcome", kind=self.outcome[0].value)
        w.timeline.stop()

    def buyer_share(self) -> float:
        """Share of the legitimate members ever in the group who bought in it."""
        g, bought = self.world.roster, self.world.business.bought
        n = min(g.n, len(bought))
        ever = g.ever_joined[:n] & (g.truth[:n] == LEGIT)
        return float((bought[:n][ever] > 0).mean()) if ever.any() else 0.0


__all__ = ["Ticks"]
