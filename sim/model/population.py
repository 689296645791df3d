"""The population: every agent of a run, built from the scenario's population entries.

At the start, entries with a ``count`` are built, then ``initial_members``
drawn over the entries with a ``share``; the initial readers get a friendship
graph (``group.social``: Watts-Strogatz by default, or another generator, or a
file; sim/model/members/friends.py); arrivals over the run come as a Poisson
stream (or a per-day schedule), each of a role drawn by share. Each agent is
built by its role's builder (sim/model/registry.py), on streams keyed by
purpose (docs/MODEL.md, "Randomness"). Members can also invite friends later
(转介绍; sim/model/members/timing.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.base.clock import MINUTES_PER_DAY
from sim.model.members.friends import initial_edges
from sim.model.registry import builder_for

if TYPE_CHECKING:
    from sim.model.world import World


class Population:
    """Builds the agents of one group."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.referrals = 0

    def build(self) -> None:
        """The initial members, their friendships, and everyone who arrives later."""
        w = self.world
        sc = w.scenario
        shares = [(k, e) for k, e in enumerate(sc.population) if e.share]
        weights = np.array([e.share for _, e in shares], dtype=float)
        weights = weights / weights.sum() if len(weights) else weights
        initial: list[int] = []
        for k, entry in enumerate(sc.population):
            if entry.count:
                initial += self.create(k, entry, 0, entry.count, 0.0, self._entry_streams(k, "count"))
        if sc.group.initial_members:
            pick = w.streams.get("initial-roles").choice(len(shares), size=sc.group.initial_members, p=weights)
            for s, (k, entry) in enumerate(shares):
                n = int((pick == s).sum())
                initial += self.create(k, entry, 0, n, 0.0, self._entry_streams(k, "share"))
        self._build_graph([i for i in initial if w.roster.reader[i]])
        self._arrivals(shares, weights)

    def _entry_streams(self, k: int, how: str) -> Callable[[str], np.random.Generator]:
        """Streams for population entry ``k``, keyed by purpose (see docs/MODEL.md, "Randomness")."""
        streams = self.world.streams
        label = self.world.scenario.population[k].label
        return lambda purpose: streams.get(f"{how}:{label}:{purpose}")

    def create(
        self, k: int, entry: Any, first: int, n: int, t0: float, stream: Callable[[str], np.random.Generator]
    ) -> list[int]:
        """Build ``n`` agents of population entry ``k`` with its role's builder (sim/model/registry.py)."""
        build, as_built = builder_for(entry)
        return build(self.world, k, as_built, first, n, t0, stream)

    def invite(self, k: int, inviter: int) -> None:
        """``inviter`` brings a friend of role entry ``k`` into the group now (转介绍; seed 000, 001)."""
        w = self.world
        n = self.referrals
        self.referrals += 1
        t = w.env.now
        ids = self.create(k, w.scenario.population[k], 0, 1, t, lambda purpose: w.streams.get(f"referral:{n}:{purpose}"))
        for i in ids:
            w.membership.inviter[i] = inviter
            w.graph.add_edge(i, inviter)

    def _build_graph(self, members: list[int]) -> None:
        w = self.world
        w.graph.add_nodes_from(members)
        w.graph.add_edges_from(initial_edges(w.scenario.group.social, members, lambda: w.streams.get("graph")))

    def _arrivals(self, shares: list[tuple[int, Any]], weights: np.ndarray) -> None:
        w = self.world
        arr = w.scenario.group.arrivals
        rng = w.streams.get("arrivals")
        until = w.end if arr.until_day is None else min(w.end, arr.until_day * MINUTES_PER_DAY)
        if arr.per_day:
            chunks = [
                w.clock.poisson_times(rng, rate, d * MINUTES_PER_DAY, min((d + 1) * MINUTES_PER_DAY, until))
                for d, rate in enumerate(arr.per_day)
                if d * MINUTES_PER_DAY < until
            ]
            times = np.concatenate(chunks) if chunks else np.empty(0)
        else:
            times = w.clock.poisson_times(rng, arr.rate_per_day, 0.0, until)
        if not len(times) or not shares:
            return
        roles = rng.choice(len(shares), size=len(times), p=weights)
        streams = w.streams
        for n, (t, s) in enumerate(zip(times.tolist(), roles.tolist())):
            k, entry = shares[s]
            self.create(k, entry, 0, 1, t, lambda purpose, n=n: streams.get(f"arrival:{n}:{purpose}"))


__all__ = ["Population"]
