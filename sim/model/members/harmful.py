"""Harmful messages, tracked exactly: who saw each one, and when (issue 16 item 1).

Ordinary chat is read in aggregate by the hourly review (sim/model/members/review.py).
The few harmful messages -- ads, scams, rumours and abuse, i.e. every ad or
complaint posted by an adversary (ad spammer, brigade) -- are followed one by
one, in continuous time. Each visit happens at its own minute ``tau`` (the
first look of the hour, sim/model/members/build.py). A visitor whose previous
look was at ``tau_prev`` sees harmful message ``m`` (posted at ``t_m``, removed
at ``d_m`` or never) when::

    tau_prev < t_m <= tau,   d_m < 0 or d_m > tau,   N(tau) - id(m) - 1 < read_cap

where ``N(tau)`` is the number of messages posted up to ``tau``: the member
reads newest first and scrolls back at most ``read_cap`` messages, so a message
buried under more than that is missed (the read-depth rule), and a message
removed before the visit is never seen. A moderator who removes an ad within 5
minutes therefore protects everyone whose visit falls after minute 5, and one
who takes 50 minutes protects fewer. The views feed the run's harmful-message
metrics (:meth:`HarmfulViews.metrics`). Members' own satisfaction still comes
from the aggregated review; the exact views are measurement, not behaviour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.base.stats import km_median
from sim.model.messages import Kind, Message
from sim.model.roster import ADVERSARY, READ_CAP

if TYPE_CHECKING:
    from sim.model.world import World

HARMFUL_KINDS = (Kind.AD, Kind.COMPLAINT)


@dataclass(slots=True)
class Tracked:
    """One harmful message and who saw it."""

    message: Message
    viewers: list[int] = field(default_factory=list)
    view_times: list[float] = field(default_factory=list)
    first_report: float = math.inf


class HarmfulViews:
    """Every harmful message of a run, with its viewers and their view times."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.tracked: list[Tracked] = []
        self._by_id: dict[int, Tracked] = {}
        self._active: list[Tracked] = []  # still visible to someone who has not yet looked
        self.reports: Any = None  # the members' report path (sim/model/members/reports.py), set by Posting
        # Other exact readers (sim/model/members/watched.py, norms.py, forwarding.py): each gets
        # ``seen(rec, viewers, view_times, t)`` for new views of these messages, and
        # ``visits(ids, tau, t)`` for every batch of visits, before last_look moves on.
        self.watchers: list[Any] = []
        self._reporting = any(
            getattr(e.params, "report_propensity", 0.0) != 0.0 for e in world.scenario.population if e.role == "member"
        )

    @staticmethod
    def is_harmful(m: Message, truth: int) -> bool:
        """Whether ``m`` (from a sender of ground truth ``truth``) is tracked as harmful."""
        return truth == ADVERSARY and m.kind in HARMFUL_KINDS

    def track(self, m: Message) -> None:
        """Follow harmful message ``m`` from now on."""
        rec = Tracked(m)
        self.tracked.append(rec)
        self._by_id[m.id] = rec
        self._active.append(rec)

    def get(self, message_id: int) -> Tracked | None:
        """The tracked record of message ``message_id``, if it is harmful."""
        return self._by_id.get(message_id)

    def is_tracked(self, message_id: int) -> bool:
        """Whether message ``message_id`` is a tracked harmful message."""
        return message_id in self._by_id

    def note_report(self, message_id: int, t: float) -> None:
        """Someone reported message ``message_id`` at ``t`` (only the first report's time is kept)."""
        rec = self._by_id.get(message_id)
        if rec is not None and t < rec.first_report:
            rec.first_report = t

    def on_visits(self, ids: np.ndarray, tau: np.ndarray, t: float) -> None:
        """Members ``ids`` looked at minutes ``tau`` (this review, ending at ``t``): who saw what."""
        g = self.world.roster
        if self._active and len(ids):
            last = g.last_look[ids]
            cap = g.par[ids, READ_CAP]
            msgs = g.messages
            lo = self._active[0].message.id
            times = np.fromiter((x.time for x in msgs[lo:]), np.float64, len(msgs) - lo)
            n_upto = lo + np.searchsorted(times, tau, side="right")  # messages posted up to each visit
            for rec in self._active:
                m = rec.message
                gone = m.deleted_at
                seen = (last < m.time) & (tau >= m.time) & (ids != m.sender) & (n_upto - m.id - 1 < cap)
                if gone >= 0:
                    seen &= tau < gone
                if seen.any():
                    rec.viewers += ids[seen].tolist()
                    rec.view_times += tau[seen].tolist()
                    if self._reporting:
                        self._report(rec, ids[seen], t)
                    for watcher in self.watchers:
                        watcher.seen(rec, ids[seen], tau[seen], t)
            self._retire(t, len(msgs))
        for watcher in self.watchers:
            watcher.visits(ids, tau, t)
        g.last_look[ids] = tau

    def _report(self, rec: Tracked, viewers: np.ndarray, t: float) -> None:
        """Each viewer reports with their own propensity, at this review (within the hour of the view)."""
        g = self.world.roster
        u = self.world.streams.get("member-reports", rec.message.id, len(rec.viewers)).random(len(viewers))
        for i in viewers[u < g.report_p[viewers]].tolist():
            self.reports.file(rec.message, i, t, "harmful")

    def _retire(self, t: float, n_messages: int) -> None:
        """Forget messages nobody can see any more: removed, or buried deeper than anyone reads."""
        g = self.world.roster
        n = g.n
        readers = g.reader[:n]
        deepest = float(g.par[:n, READ_CAP][readers].max()) if readers.any() else 0.0
        self._active = [
            r for r in self._active
            if not (0 <= r.message.deleted_at <= t) and n_messages - r.message.id - 1 < deepest
        ]

    def metrics(self) -> dict[str, Any]:
        """The run's harmful-message metrics (declared in sim/base/metrics.py)."""
        recs = self.tracked
        views = sum(len(r.viewers) for r in recs)
        before = sum(sum(1 for v in r.view_times if v < r.first_report) for r in recs)
        end = float(self.world.env.now)
        removed = [r.message.deleted_at >= 0 for r in recs]
        lifetimes = [(r.message.deleted_at if r.message.deleted_at >= 0 else end) - r.message.time for r in recs]
        unseen = sum(1 for r, gone in zip(recs, removed) if gone and not r.viewers)
        return {
            "harmful_messages": len(recs),
            "harmful_views": views,
            "harmful_views_before_report": before,
            "harmful_removal_minutes_median": _finite(km_median(lifetimes, removed)) if any(removed) else math.nan,
            "harmful_removed_unseen_share": unseen / len(recs) if recs else math.nan,
        }


def _finite(x: float) -> float:
    """NaN for a median that is never reached (fewer than half were removed by the end)."""
    return x if math.isfinite(x) else math.nan


__all__ = ["HARMFUL_KINDS", "HarmfulViews", "Tracked"]
