"""Other messages followed exactly, viewer by viewer: norm violations and red packets.

The harmful tracker (sim/model/members/harmful.py) follows adversaries' ads and
rumours. Norms (sim/model/members/norms.py) need the viewers of members' own
violations, and forwarding (sim/model/members/forwarding.py) those of red
packets. :class:`Watched` follows such messages with the same reading rule
(docs/MODEL.md, "Harmful messages, read in continuous time"): a visitor whose
previous look was at ``tau_prev`` sees message ``m`` iff ``tau_prev < t_m <=
tau``, ``m`` was not removed by ``tau``, the visitor did not send it, and fewer
than ``read_cap`` messages came after it by ``tau``. It is one of the harmful
tracker's watchers, so it reads each batch of visits before ``last_look`` moves
on; a message is dropped once removed or buried deeper than anyone reads.
Each tracked message carries a tag (``violation``, ``red_packet``); the
subscribers of a tag get ``seen(rec, viewers, view_times, t)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.model.members.harmful import Tracked
from sim.model.messages import Message
from sim.model.roster import READ_CAP

if TYPE_CHECKING:
    from sim.model.world import World

Seen = Callable[[Tracked, np.ndarray, np.ndarray, float], None]


class Watched:
    """Messages other than harmful ones, with who saw them and when."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.by_id: dict[int, Tracked] = {}
        self._active: list[tuple[Tracked, str]] = []
        self._subscribers: dict[str, list[Seen]] = {}

    def subscribe(self, tag: str, fn: Seen) -> None:
        """Call ``fn(rec, viewers, view_times, t)`` for new views of messages tagged ``tag``."""
        self._subscribers.setdefault(tag, []).append(fn)

    def wants(self, tag: str) -> bool:
        """Whether anyone follows messages tagged ``tag``."""
        return tag in self._subscribers

    def track(self, m: Message, tag: str) -> Tracked:
        """Follow message ``m`` from now on."""
        rec = self.by_id.get(m.id)
        if rec is None:
            rec = self.by_id[m.id] = Tracked(m)
            self._active.append((rec, tag))
        return rec

    def seen(self, rec: Tracked, viewers: np.ndarray, view_times: np.ndarray, t: float) -> None:
        """Harmful messages are the harmful tracker's: nothing to do here."""

    def visits(self, ids: np.ndarray, tau: np.ndarray, t: float) -> None:
        """Members ``ids`` looked at minutes ``tau`` (a review ending at ``t``): who saw what."""
        if not self._active or not len(ids):
            return
        g = self.world.roster
        last = g.last_look[ids]
        cap = g.par[ids, READ_CAP]
        msgs = g.messages
        lo = min(rec.message.id for rec, _ in self._active)
        times = np.fromiter((x.time for x in msgs[lo:]), np.float64, len(msgs) - lo)
        n_upto = lo + np.searchsorted(times, tau, side="right")
        for rec, tag in self._active:
            m = rec.message
            seen = (last < m.time) & (tau >= m.time) & (ids != m.sender) & (n_upto - m.id - 1 < cap)
            if m.deleted_at >= 0:
                seen &= tau < m.deleted_at
            if seen.any():
                who, when = ids[seen], tau[seen]
                rec.viewers += who.tolist()
                rec.view_times += when.tolist()
                for fn in self._subscribers.get(tag, ()):
                    fn(rec, who, when, t)
        n = g.n
        readers = g.reader[:n]
        deepest = float(g.par[:n, READ_CAP][readers].max()) if readers.any() else 0.0
        self._active = [
            (r, tag) for r, tag in self._active
            if not (0 <= r.message.deleted_at <= t) and len(msgs) - r.message.id - 1 < deepest
        ]


__all__ = ["Watched"]
