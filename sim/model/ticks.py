"""The clock's ticks: the hourly review of members and the daily record and verdict.

Hourly, the members who visited in the hour read what came since their last
look (vectorised over them; docs/MODEL.md, "Exposure without visiting
readers"); daily, the day's row of the per-day series is written, the group
designs' daily steps run (delivery gap, business results, lifecycle; see
sim/model/activities.py, sim/model/business.py, sim/model/lifecycle.py) and the outcome is judged.
:class:`Ticks` is mixed into :class:`sim.engine.Simulation`.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from rules import ClockTick
from sim.model.agents import COMPLAINT_TEXTS
from sim.base.clock import MINUTES_PER_DAY
from sim.model.entry import no_gate_row
from sim.model.group import AD_ANNOY, CONFLICT_ANNOY, LEAVE_THR, MUTE_THR, MUTED_ATTENTION, MUTED_POST, N_KINDS, NOISE_ANNOY, NOISE_TOL, READ_CAP, TAU
from sim.model.messages import KIND_NAMES, MEMBER_KINDS, Kind
from sim.model.outcomes import Outcome
from sim.model.roles.cascades import engagement_factor
from sim.model.roles.staff import promote_volunteers

if TYPE_CHECKING:
    from sim.run.engine import Simulation

_AD, _COMPLAINT, _CHAT = int(Kind.AD), int(Kind.COMPLAINT), int(Kind.CHAT)
_UNMUTE_MARGIN = 0.2  # hysteresis: a muted member unmutes only well above their threshold


class Ticks:
    """Hourly and daily ticks of a :class:`~sim.engine.Simulation` (a mixin)."""

    def _ticks(self: Simulation) -> Generator[Any, Any, None]:
        hour = 0
        while True:
            yield self.env.timeout((hour + 1) * 60.0 - self.env.now)
            hour += 1
            t = self.env.now
            self._review(hour - 1, t)
            self._expire_questions(t)
            if self.rules.wants(ClockTick):
                self.g.now = t
                self.moderation.apply_all(self.rules.handle(ClockTick(t), self.g), t)
            if hour % 24 == 0 or t >= self.end:
                self._end_of_day((hour - 1) // 24, t)
            if t >= self.end and not self._stop.triggered:
                self._stop.succeed()
            if self._stop.triggered:
                return

    def _review(self: Simulation, hour: int, t: float) -> None:
        """Members who visited in ``hour`` read what came since their last look."""
        visit = self.visits.pop(hour, None)
        if visit is None:
            return
        g = self.g
        ids = np.asarray(visit[0], dtype=np.int64)
        par = g.par[ids]
        keep = g.present[ids] & (~g.muted[ids] | (np.asarray(visit[1]) < par[:, MUTED_ATTENTION]))
        n_keep = int(keep.sum())
        if n_keep == 0:
            return
        if n_keep < len(ids):
            ids, par = ids[keep], par[keep]
        self.review_times.append(t)
        self.review_counts.append(n_keep)
        last = g.last_read[ids]
        cum = np.asarray(g.cum)
        delta = cum - g.snap[ids]
        unseen = g.unseen_deleted(last)
        if unseen is not None:
            delta -= unseen
        counts = delta[:, :N_KINDS]
        f = np.minimum(1.0, par[:, READ_CAP] / np.maximum(counts.sum(axis=1), 1.0))
        gain = f * (delta[:, N_KINDS:] * g.needs[ids]).sum(axis=1)
        ads = f * counts[:, _AD]
        annoy = par[:, AD_ANNOY] * ads + par[:, CONFLICT_ANNOY] * f * counts[:, _COMPLAINT]
        excess_chat = f * counts[:, _CHAT] - par[:, NOISE_TOL] * ((t - last) / MINUTES_PER_DAY)
        annoy += par[:, NOISE_ANNOY] * np.maximum(excess_chat, 0.0)
        if g.cum_exposures:  # staged shows seen through since the last look (sim/model/roles/staff.py)
            annoy += g.exposure_loss[ids] * (g.cum_exposures - g.snap_exposures[ids])
            g.snap_exposures[ids] = g.cum_exposures
        sat = g.sat[ids] * np.exp((g.sat_time[ids] - t) / par[:, TAU]) + gain - annoy
        self.ad_views += float(ads.sum())
        g.sat[ids] = sat
        g.sat_time[ids] = t
        g.snap[ids] = cum
        g.last_read[ids] = t
        was_muted = g.muted[ids]
        below = sat < par[:, MUTE_THR]
        muted = np.where(was_muted, sat <= par[:, MUTE_THR] + _UNMUTE_MARGIN, below)
        g.muted[ids] = muted
        eng = np.minimum(np.maximum(sat, 0.0), 1.0) * np.where(muted, par[:, MUTED_POST], 1.0)
        if self._behaviour:  # imitation and chilling (sim/model/roles/cascades.py)
            talk = f * (counts[:, _CHAT] + counts[:, int(Kind.QUESTION)] + counts[:, int(Kind.ANSWER)])
            eng = np.clip(eng * engagement_factor(self, ids, talk, (t - last) / MINUTES_PER_DAY), 0.0, 1.0)
        g_eng = g.eng
        for i, e in zip(ids.tolist(), eng.tolist()):
            g_eng[i] = e
        changed = muted != was_muted
        if changed.any():
            for i, m in zip(ids[changed].tolist(), muted[changed].tolist()):
                self.log.add(t, "mute" if m else "unmute", i)
        leaving = sat < par[:, LEAVE_THR]
        if leaving.any():
            for i in ids[leaving].tolist():
                if self.streams_u(i) < self.traits[i]["complain_on_leave"]:
                    self.complain(i, COMPLAINT_TEXTS[i % len(COMPLAINT_TEXTS)], t)
                self.leave(i)
        if self.cascades.active and not self.cascades.sync:
            self.cascades.check_async(ids, t)

    def streams_u(self: Simulation, i: int) -> float:
        """A uniform from member ``i``'s own leave stream (rarely needed, so not pre-drawn)."""
        return float(self.streams.get("leave", i).random())

    def _expire_questions(self: Simulation, t: float) -> None:
        while self._deadlines and self._deadlines[0][0] <= t:
            _, qid = heapq.heappop(self._deadlines)
            q = self.open_questions.pop(qid, None)
            if q is not None:
                self.g.bump_satisfaction(q.sender, -self.traits.get(q.sender, {}).get("unanswered_cost", 0.0), t)

    def _end_of_day(self: Simulation, day: int, t: float) -> None:
        g = self.g
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
        if self.scenario.group.volunteer_admins.max_admins:
            promote_volunteers(self, t)
        if self.outcome is None:
            verdict = self.judge.judge(row, self._members_at_day_start)
            if verdict is not None:
                outcome, reason = verdict
                self.outcome = (outcome, day + 1.0, reason)
                self.log.add(t, "outcome", kind=outcome.value)
                if self.scenario.outcomes.stop_on_outcome and not self._stop.triggered:
                    self._stop.succeed()
        self._cum_at_day_start = g.cum[:N_KINDS]
        self._posts_at_day_start = posts
        self.day_counts = {"joins": 0, "leaves": 0, "kicks": 0, "deleted": 0}
        self._members_at_day_start = int(g.count)
        g.prune_deletions()

    def _design_day(self: Simulation, day: int, t: float, row: dict[str, Any]) -> None:
        """The group design's daily figures and steps (sim/model/entry.py, activities, business, lifecycle)."""
        row.update(self.entry_gate.day_row(t) if self.entry_gate is not None else no_gate_row())
        cal = self.calendar
        minutes, cal.day_minutes = cal.day_minutes, 0.0
        takers, cal.day_takers = cal.day_takers, []
        row.update(cal.day_row())
        row.update(self.business.day(day, t, takers, minutes))
        self.lifecycle.day(day, t, row)

    def _dissolve(self: Simulation) -> None:
        t = self.env.now
        self.log.add(t, "dissolve")
        if self.outcome is None:
            self.outcome = (Outcome.DISSOLVED, t / MINUTES_PER_DAY, "dissolved as planned")
            self.log.add(t, "outcome", kind=Outcome.DISSOLVED.value)
        day = int(t // MINUTES_PER_DAY)
        if not self.days or self.days[-1]["day"] < day:
            self._end_of_day(day, t)
        if not self._stop.triggered:
            self._stop.succeed()


__all__ = ["Ticks"]
