"""Carrying out what the rules ask for: who acts, when, and what it cost.

The rule engine (``rules/``) decides; this module applies its actions to the
simulated group: at once for a bot, after the operator's response delay for a
human executor. It also keeps the ground truth the rules never see: for each
rule, how many of its actions hit adversaries and how many hit legitimate
members (docs/MODEL.md, "Rules").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rules import Delete, Executor, Kick, Mute, Warn
from rules.actions import Action
from sim.clock import MINUTES_PER_DAY
from sim.group import ADVERSARY
from sim.messages import KIND_NAMES, Kind

if TYPE_CHECKING:
    from sim.engine import Simulation


class Moderation:
    """Applies rule actions to one simulation and counts them per rule."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.executors = sim.scenario.ruleset.executors()  # type: ignore[union-attr]
        self.stats: dict[str, dict[str, int]] = {}

    def apply_all(self, actions: list[Action], t: float) -> None:
        """Carry out ``actions`` raised at time ``t`` (now, or later for a human)."""
        sim = self.sim
        for a in actions:
            stats = self.stats.setdefault(a.rule, {"actions": 0, "on_adversaries": 0, "on_legitimate": 0})
            stats["actions"] += 1
            stats["on_adversaries" if sim.g.truth[a.member] == ADVERSARY else "on_legitimate"] += 1
            if self.executors.get(a.rule) is Executor.OPERATOR and sim.operator is not None:
                delay = sim.operator.delay(t, sim.operator.params.response_delay_minutes)
                sim.at(t + delay, lambda a=a, when=t + delay: self.apply(a, when))
            else:
                self.apply(a, t)

    def apply(self, a: Action, t: float) -> None:
        """Carry out one action at time ``t``."""
        sim = self.sim
        g = sim.g
        if isinstance(a, Delete):
            m = g.messages[a.message_id]
            if g.delete_message(m, t):
                sim.day_counts["deleted"] += 1
                gone = sim.deleted_by_day.setdefault(int(m.time // MINUTES_PER_DAY), [0, 0])
                gone[0] += m.kind is Kind.AD
                gone[1] += 1
                sim.log.add(t, "delete", -1, m.id, KIND_NAMES[m.kind], a.rule)
        elif isinstance(a, Kick):
            sim.leave(a.member, t, kicked_by=a.rule)
        elif isinstance(a, Warn) and g.present[a.member]:
            g.warn_count[a.member] += 1
            sim.log.add(t, "warn", -1, a.member, rule=a.rule)
        elif isinstance(a, Mute) and g.present[a.member]:
            g.muted_until[a.member] = max(g.muted_until[a.member], t + float(a.minutes))
            sim.log.add(t, "rule_mute", -1, a.member, rule=a.rule)


__all__ = ["Moderation"]
