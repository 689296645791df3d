"""Friends: the initial friendship graph, newcomers' friendships, and exits that follow friends out.

The graph of the initial members comes from a generator or a file
(``group.social``; sim/spec/scenario.py :class:`SocialGraph`). A newcomer
befriends ``mean_friends // 2`` members already present: chosen uniformly, or
with probability proportional to degree + 1 under ``barabasi_albert``
(preferential attachment); nobody under ``empty``.

Friend exits (issue 16 item 7): when a member's friend leaves, the member looks
at their friends still in the group, ``f``, out of all their friends, ``d``.
They are *below threshold* when ``f < min_friends`` or ``f / d <
min_friend_share`` (either rule on when its parameter is positive). Below
threshold a leave hazard ``1 / friend_exit_hours`` switches on: the member
leaves after an exponential wait, unless by then friends who joined have lifted
them above it again; ``friend_exit_hours: 0`` means at once. Exits then cascade
along ties: with immediate exits and ``min_friends: k`` the members a departure
removes are those the k-core peeling would remove, starting from it
(Seidman 1983; tests/test_members_friends.py works a small graph by hand).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from sim.spec.scenario import SocialGraph

if TYPE_CHECKING:
    from sim.model.world import World


def initial_edges(cfg: SocialGraph, members: list[int], rng_for: Any) -> list[tuple[int, int]]:
    """The friendships among ``members`` (the initial readers, in build order).

    Args:
        cfg: The scenario's ``group.social``.
        members: Agent ids, in the order the population was built.
        rng_for: ``rng_for()`` gives the ``graph`` stream (called once, only by generators that draw).
    """
    n, k = len(members), cfg.mean_friends
    if cfg.kind == "empty":
        return []
    if cfg.kind == "file":
        index = {name: members[i] for i, name in enumerate((cfg.nodes or [])[:n])}
        return [(index[a], index[b]) for a, b in cfg.edges or () if a in index and b in index]
    if n < 3 or k < 1:
        return []
    seed = int(rng_for().integers(2**31))
    if cfg.kind == "watts_strogatz":
        g = nx.watts_strogatz_graph(n, min(k, n - 1), cfg.rewire, seed=seed)
    elif cfg.kind == "barabasi_albert":
        g = nx.barabasi_albert_graph(n, max(1, min(k // 2, n - 1)), seed=seed)
    else:  # stochastic block: equal communities, members placed in them at random
        sizes = [n // cfg.blocks + (1 if b < n % cfg.blocks else 0) for b in range(cfg.blocks)]
        within = [max(s - 1, 1) for s in sizes]
        p_in = [min(1.0, k * (1 - cfg.mixing) / w) for w in within]
        p_out = min(1.0, k * cfg.mixing / max(n - n / cfg.blocks, 1.0))
        p = [[p_in[a] if a == b else p_out for b in range(cfg.blocks)] for a in range(cfg.blocks)]
        g = nx.stochastic_block_model(sizes, p, seed=seed)
        perm = np.random.default_rng(seed).permutation(n)
        return [(members[int(perm[a])], members[int(perm[b])]) for a, b in g.edges()]
    return [(members[a], members[b]) for a, b in g.edges()]


class FriendExits:
    """Members who leave when too few of their friends are left in the group."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cfg = world.scenario.group.social
        self.active = self.cfg.friend_exit
        self.exits = 0  # members who left because their friends had gone
        self._queue: list[int] = []
        self._draining = False
        self._pending: set[int] = set()
        self._tries: dict[int, int] = {}  # a fresh wait each time a member falls below

    def befriend(self, i: int) -> None:
        """Newcomer ``i`` befriends members already present (from ``i``'s own stream)."""
        w = self.world
        w.graph.add_node(i)
        k = self.cfg.mean_friends // 2
        if self.cfg.kind == "empty" or not k:
            return
        g = w.roster
        present = np.flatnonzero(g.present[: g.n] & g.reader[: g.n])
        present = present[present != i]
        if not len(present):
            return
        rng = w.streams.get("befriend", i)
        size = min(k, len(present))
        if self.cfg.kind == "barabasi_albert":
            deg = np.array([w.graph.degree(int(j)) if int(j) in w.graph else 0 for j in present], dtype=float) + 1.0
            chosen = rng.choice(present, size=size, replace=False, p=deg / deg.sum())
        else:
            chosen = rng.choice(present, size=size, replace=False)
        w.graph.add_edges_from((i, int(j)) for j in chosen)

    def below(self, j: int) -> bool:
        """Whether member ``j`` has too few friends left in the group."""
        w = self.world
        friends = list(w.graph.neighbors(j)) if j in w.graph else []
        if not friends:
            return False
        left = sum(1 for f in friends if w.roster.present[f])
        if self.cfg.min_friends > 0 and left < self.cfg.min_friends:
            return True
        return self.cfg.min_friend_share > 0 and left / len(friends) < self.cfg.min_friend_share

    def after_leave(self, i: int, t: float) -> None:
        """``i`` has gone: each friend still here who is now below threshold starts to leave."""
        w = self.world
        if not self.active or i not in w.graph:
            return
        g = w.roster
        for j in sorted(w.graph.neighbors(i)):
            if g.present[j] and g.reader[j] and j not in self._pending and self.below(j):
                self._pending.add(j)
                if self.cfg.friend_exit_hours > 0:
                    w.env.process(self._wait_then_leave(j))
                else:
                    self._queue.append(j)
        if self._draining:
            return
        self._draining = True  # departures at once go through a queue, not recursion (long chains)
        try:
            while self._queue:
                self._exit(self._queue.pop(0), t)
        finally:
            self._draining = False

    def _exit(self, j: int, t: float) -> None:
        self._pending.discard(j)
        if self.world.roster.present[j] and self.below(j):
            self.exits += 1
            self.world.leave(j, t, reason="friends")

    def _wait_then_leave(self, j: int) -> Generator[Any, Any, None]:
        w = self.world
        n = self._tries[j] = self._tries.get(j, -1) + 1
        rng = w.streams.get("friend-exit", j, n)
        yield w.env.timeout(float(rng.exponential(self.cfg.friend_exit_hours * 60.0)))
        if not w.timeline.stopped:
            self._exit(j, w.env.now)


__all__ = ["FriendExits", "initial_edges"]
