"""Forwarding (转发): members pass what they read to friends outside the group, and to other groups.

Issue 16 item 6; docs/MODEL.md, "Forwarding". Each member has a propensity per
form: ``forward_content`` (useful content: staff and expert content posts),
``forward_ads`` (ads: adversaries' and members' own violations),
``forward_rumours`` (an adversary's complaint: rumours and abuse) and
``forward_red_packets``. A forward reaches ``audience`` friends outside the
group, so outside exposure is ``audience`` per forward.

* Tracked messages (harmful ones, norm violations, red packets) are forwarded
  viewer by viewer: at each view, one Bernoulli draw with the viewer's
  propensity. Views stop when a message is removed, so a removed message can
  no longer be forwarded and removal speed sets outside exposure too.
* Useful content is aggregated like the rest of ordinary reading: at a visit a
  member who reads ``f * dC`` new content posts (``f`` the share read,
  sim/model/members/review.py) forwards ``Poisson(f * dC * p)`` of them (one
  stream, ``forward-content``, drawn review after review; deleted content is
  not subtracted here, an approximation: staff content is rarely deleted).
* A forward of content or a red packet brings ``Poisson(audience *
  join_probability)`` invitations: each invitee is a new member of the entry
  ``entry``, invited by the forwarder (their friend), and joins through the
  group's entry policy (sim/model/designs/entry.py; an invitee needs no QR code).
* In a portfolio, a forward of a tracked message also goes, with probability
  ``to_groups``, into each other group where the forwarder is present, as a
  post of form ``forward`` (sim/run/portfolio.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.members.harmful import HarmfulViews, Tracked
from sim.model.members.watched import Watched
from sim.model.messages import N_KINDS, Kind, Message
from sim.model.roster import READ_CAP

if TYPE_CHECKING:
    from sim.model.world import World

FORMS = ("content", "ads", "rumours", "red_packets")
_PARAMS = tuple(f"forward_{f}" for f in FORMS)
_CONTENT, _ADS, _RUMOURS, _RED = range(4)
_INVITING = (_CONTENT, _RED)  # forwards that can bring members: the group's value, not its ads


class Forwarding:
    """Forwards out of one group, with the exposure and invitations they bring."""

    def __init__(self, world: World, harmful: HarmfulViews, watched: Watched) -> None:
        self.world, self.watched = world, watched
        self.cfg = cfg = world.scenario.group.forwarding
        on = any(getattr(e.params, p, 0.0) != 0.0 for e in world.scenario.population if e.role == "member" for p in _PARAMS)
        self.active = cfg.enabled and on
        self.forwards = [0, 0, 0, 0]
        self.exposure = [0.0, 0.0, 0.0, 0.0]
        self.joins = self.to_groups = 0
        self.invitees: list[int] = []
        self.p = np.zeros((0, 4))
        self._entry = -1
        self._content_rng = world.streams.get("forward-content")  # one stream, drawn review after review
        if self.active:
            harmful.watchers.append(self)
            watched.subscribe("red_packet", lambda rec, v, tau, t: self._exact(rec, v, t, _RED))
            labels = [e.label for e in world.scenario.population]
            members = [k for k, e in enumerate(world.scenario.population) if e.role == "member"]
            self._entry = labels.index(cfg.entry) if cfg.entry in labels else (members[0] if members else -1)

    def _ensure(self) -> None:
        n, k = self.world.roster.n, len(self.p)
        if n > k:
            traits = self.world.traits
            rows = [[float(traits.get(i, {}).get(p, 0.0)) for p in _PARAMS] for i in range(k, n)]
            self.p = np.vstack([self.p, np.clip(np.asarray(rows, dtype=float).reshape(-1, 4), 0.0, 1.0)])

    def track_red_packet(self, m: Message) -> None:
        """Follow a red packet just posted, viewer by viewer (so it can be forwarded)."""
        if self.active:
            self.watched.track(m, "red_packet")

    # ---- the harmful tracker's watcher ---------------------------------------------------
    def seen(self, rec: Tracked, viewers: np.ndarray, view_times: np.ndarray, t: float) -> None:
        """New views of a harmful message: an ad, or a rumour (an adversary's complaint)."""
        self._exact(rec, viewers, t, _ADS if rec.message.kind is Kind.AD else _RUMOURS)

    def visits(self, ids: np.ndarray, tau: np.ndarray, t: float) -> None:
        """Useful content read at these visits, forwarded in aggregate (Poisson per member)."""
        g = self.world.roster
        self._ensure()
        p = self.p[ids, _CONTENT]
        if not p.any():
            return
        counts = np.asarray(g.cum[:N_KINDS]) - g.snap[ids, :N_KINDS]
        f = np.minimum(1.0, g.par[ids, READ_CAP] / np.maximum(counts.sum(axis=1), 1.0))
        lam = f * np.maximum(counts[:, int(Kind.CONTENT)], 0.0) * p
        if not lam.any():
            return
        n = self._content_rng.poisson(lam)
        if n.any():
            for j, k in zip(ids[n > 0].tolist(), n[n > 0].tolist()):
                self._count(j, _CONTENT, int(k), t)

    # ---- forwards ------------------------------------------------------------------------
    def _exact(self, rec: Tracked, viewers: np.ndarray, t: float, form: int) -> None:
        self._ensure()
        m = rec.message
        before = len(rec.viewers) - len(viewers)
        u = self.world.streams.get("forward", m.id, before).random(len(viewers))
        for j in viewers[u < self.p[viewers, form]].tolist():
            self._count(j, form, 1, t)
            if self.cfg.to_groups > 0:
                hook = getattr(self.world.ties, "on_forward", None)
                if hook is not None:
                    self.to_groups += hook(self.world, j, m, t, self.cfg.to_groups)

    def _count(self, j: int, form: int, k: int, t: float) -> None:
        """Member ``j`` forwarded ``k`` messages of ``form`` outside at ``t``; invitations may follow."""
        self.forwards[form] += k
        self.exposure[form] += k * self.cfg.audience
        if form in _INVITING and self.cfg.join_probability > 0 and self._entry >= 0:
            w = self.world
            rng = w.streams.get("forward-joins", j, int(t))
            for _ in range(int(rng.poisson(k * self.cfg.audience * self.cfg.join_probability))):
                self._invite(j, t)

    def _invite(self, j: int, t: float) -> None:
        w = self.world
        if w.timeline.stopped or not w.roster.present[j]:
            return
        n = self.joins
        self.joins += 1
        entry = w.scenario.population[self._entry]
        ids = w.population.create(self._entry, entry, 0, 1, t, lambda purpose: w.streams.get(f"forward-join:{n}:{purpose}"))
        self.invitees += ids
        for i in ids:
            w.membership.inviter[i] = j
            w.graph.add_edge(i, j)

    def metrics(self) -> dict[str, Any]:
        """Forwards and outside exposure by form, invitations, forwards into other groups."""
        out: dict[str, Any] = {
            "forwards": int(sum(self.forwards)),
            "outside_exposure": float(sum(self.exposure)),
            "forward_invitations": self.joins,
            "forward_joins": int(sum(1 for i in self.invitees if self.world.roster.ever_joined[i])),
            "forwards_to_groups": self.to_groups,
        }
        for k, form in enumerate(FORMS):
            out[f"forwards_{form}"] = int(self.forwards[k])
            out[f"outside_exposure_{form}"] = float(self.exposure[k])
        return out


__all__ = ["FORMS", "Forwarding"]
