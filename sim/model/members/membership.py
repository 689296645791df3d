"""Joining and leaving: the door, the process of each agent, friendships made on joining.

A join passes the group's capacity, the portfolio's shared blacklist and the
entry gate (sim/model/designs/entry.py), then the rules see it. A departure,
voluntary or a kick, stops the agent's process, tells friends (who lose
satisfaction and count it for the cascades), lets the rules see it, frees a
place for the waiting list and, for a kick, calls the portfolio's hook.
The welcome ritual (欢迎仪式, seed 000) greets a newcomer: a small lift in
satisfaction and a sense of belonging (归属感) that lowers their leave
threshold by ``welcome_belonging`` (:func:`welcome`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from rules import MemberJoined, MemberLeft
from sim.model.members.friends import FriendExits
from sim.model.roster import LEAVE_THR

if TYPE_CHECKING:
    from sim.model.world import World


class Membership:
    """Who gets in and who goes, for one group."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.procs: dict[int, simpy.Process] = {}
        self.join_eng: dict[int, float] = {}  # a member's posting engagement once they join
        self.inviter: dict[int, int] = {}  # invited member -> who invited them (until the rules see the join)
        self.friend_exits = FriendExits(world)
        self.welcomed: set[int] = set()  # members the welcome ritual greeted (belonging given once)

    def start(self, i: int, life: Generator[Any, Any, Any]) -> None:
        """Run agent ``i``'s life as a simpy process (a kick interrupts it)."""
        self.procs[i] = self.world.env.process(life)

    def join(self, i: int, t: float | None = None) -> bool:
        """``i`` joins at ``t`` unless the group is full or over; rules see the join."""
        w = self.world
        g = w.roster
        t = w.env.now if t is None else t
        if g.present[i] or w.timeline.stopped:
            return False
        gate = w.gate
        if g.is_full():
            if not gate.queue(i, t):
                w.log.add(t, "join_refused", i)
            return False
        if w.person(i) in w.ties.blacklist:
            w.log.add(t, "join_refused", i, kind="blacklisted")
            return False
        if not gate.admit(i, t, i in self.inviter):
            self.inviter.pop(i, None)
            return False
        g.join(i, t)
        g.inviter[i] = self.inviter.get(i, -1)  # the roster keeps who invited them (rules' sender.invited_by)
        if g.reader[i]:
            g.eng[i] = self.join_eng.pop(i, g.eng[i])
        w.ticks.day_counts["joins"] += 1
        w.log.add(t, "join", i)
        if g.reader[i] and i not in w.graph:
            self.friend_exits.befriend(i)
        invited_by = self.inviter.pop(i, None)
        if w.rules.wants(MemberJoined):
            g.now = t
            w.moderation.apply_all(w.rules.handle(MemberJoined(t, i, invited_by), g), t)
        return True

    def leave(self, i: int, t: float | None = None, *, kicked_by: str = "", reason: str = "") -> None:
        """``i`` leaves (or is kicked by rule ``kicked_by``); ``reason`` goes in the log's kind column."""
        w = self.world
        g = w.roster
        if t is None:
            t = w.env.now
        if not g.present[i]:
            return
        g.remove(i, t)
        g.cum_leaves += 1.0
        if kicked_by:
            g.cum_punish += 1.0
        g.eng[i] = 0.0  # no more posts from the merged posting process
        if kicked_by:
            w.ticks.day_counts["kicks"] += 1
            w.log.add(t, "kick", -1, i, rule=kicked_by)
        else:
            w.ticks.day_counts["leaves"] += 1
            w.log.add(t, "leave", i, kind=reason)
        proc = self.procs.get(i)
        if proc is not None and proc.is_alive and proc is not w.env.active_process:
            proc.interrupt(kicked_by or "left")
            w.timeline.horizon = w.env.now  # the interrupt is an event now: stop inline processing
        graph, traits = w.graph, w.traits
        for j in list(graph.neighbors(i)) if i in graph else ():
            g.friend_leaves[j] += 1.0
            if g.present[j]:
                g.bump_satisfaction(j, -traits.get(j, {}).get("friend_leave_penalty", 0.0), t)
        if w.rules.wants(MemberLeft):
            g.now = t
            w.moderation.apply_all(w.rules.handle(MemberLeft(t, i, bool(kicked_by)), g), t)
        if w.gate.waiting:
            w.gate.on_leave(t)
        if kicked_by:
            w.ties.on_kick(w, i, t)
        self.friend_exits.after_leave(i, t)


WELCOME_GAIN = 0.05
"""A newcomer's satisfaction from being greeted (seed 000: 欢迎仪式)."""


def welcome(world: World, i: int, t: float) -> None:
    """The welcome ritual greets member ``i`` (seed 000: 进群后设置欢迎仪式 … 归属感、专属感).

    The greeting lifts satisfaction by :data:`WELCOME_GAIN` (it decays like any
    other gain); belonging, given once per member, lowers their leave threshold
    by their ``welcome_belonging`` (0: off), so the same bad days make them
    leave less often: a lower leave hazard that lasts.
    """
    g = world.roster
    if not g.present[i]:
        return
    g.bump_satisfaction(i, WELCOME_GAIN, t)
    membership = world.membership
    welcomed = getattr(membership, "welcomed", None)
    if welcomed is None or i in welcomed:
        return
    welcomed.add(i)
    belonging = float(world.traits.get(i, {}).get("welcome_belonging", 0.0))
    if belonging:
        g.par[i, LEAVE_THR] -= belonging


__all__ = ["WELCOME_GAIN", "Membership", "welcome"]
