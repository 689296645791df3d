"""Poachers (盗粉): adversaries who chat like members and pull members out in private.

Nothing a poacher does to members appears in the group: a pulled member simply
leaves, so no in-group rule can see it. Each poacher keeps an
:class:`~sim.model.adversaries.spammers.AdversaryLedger` (money spent, members pulled away).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from sim.model.adversaries.spammers import AdversaryLedger, param_picker
from sim.model.roster import ADVERSARY, LEGIT, MEMBER
from sim.model.messages import Kind

if TYPE_CHECKING:
    from sim.model.world import World
    from sim.spec.scenario import PoacherRole


class Poacher:
    """A poacher (盗粉): chats like a member, adds members privately and pulls them out.

    Nothing it does to members appears in the group: a pulled member simply
    leaves, so no in-group rule can see it (seed 001 §八.1, §九.2).
    """

    def __init__(self, world: World, entry_idx: int, entry: PoacherRole, index: int, rng: np.random.Generator) -> None:
        p = entry.params
        pick = param_picker(rng, index)
        self.world, self.rng = world, rng
        join_t = max(pick(p.join_day), 0.0) * 1440.0
        end = min(join_t + max(pick(p.stay_days), 0.0) * 1440.0, world.end)
        self.pull = pick(p.pull_probability)
        chat = world.clock.poisson_times(rng, pick(p.chat_rate), join_t, end)
        dms = world.clock.poisson_times(rng, pick(p.dm_per_day), join_t, end)
        e = p.economics
        self.ledger = AdversaryLedger("poacher", spent=pick(e.account_cost) + pick(e.entry_fee), value_per_view=pick(e.value_per_view))
        world.cast.ledgers.append(self.ledger)
        self.id = world.roster.new_agent(entry_idx, ADVERSARY, MEMBER)
        self.texts = world.posting.texts  # what it says in the open: scenarios/texts/ (poacher_chat)
        self.text_rng = world.streams.get("poacher-texts", self.id)  # its own stream: text choice shifts no other draw
        self.ledger.accounts.append(self.id)
        events = sorted([(float(t), 0) for t in chat] + [(float(t), 1) for t in dms])
        world.membership.start(self.id, self.life(join_t, end, events))

    def life(self, join_t: float, end: float, events: list[tuple[float, int]]) -> Generator[Any, Any, None]:
        world, env, g = self.world, self.world.env, self.world.roster
        try:
            yield env.timeout(max(join_t - env.now, 0.0))
            if not world.join(self.id):
                return
            for t, what in events:
                yield env.timeout(t - env.now)
                if what == 0:
                    if g.muted_until[self.id] <= t:
                        world.post(self.id, Kind.CHAT, self.texts.pick("poacher_chat", float(self.text_rng.random())), t)
                else:
                    self._poach(t)
                if not g.present[self.id]:
                    return
            yield env.timeout(max(end - env.now, 0.0))
            world.leave(self.id)
        except simpy.Interrupt:
            return

    def _poach(self, t: float) -> None:
        g, n = self.world.roster, self.world.roster.n
        targets = np.flatnonzero(g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT))
        if not len(targets):
            return
        j = int(targets[int(self.rng.integers(len(targets)))])
        self.world.log.add(t, "private_add", self.id, j)  # ground truth only; no group event
        if self.rng.random() < self.pull:
            self.ledger.reach += 1.0
            self.world.cast.poached += 1
            self.world.leave(j, t, reason="poached")


def add_poachers(world: World, k: int, entry: PoacherRole, first: int, n: int, t0: float, stream: Callable[[str], np.random.Generator]) -> list[int]:
    return [Poacher(world, k, entry, j, stream(f"poacher-{j}")).id for j in range(first, first + n)]


__all__ = ["Poacher", "add_poachers"]
