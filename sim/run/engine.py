"""One run of one scenario with one seed: wire the model's parts together, run them, summarise.

:class:`Simulation` is the run object: it builds the parts of the model
(sim/model/: members, staff, adversaries, moderation, designs, ticks), hands
each the :class:`~sim.model.world.World` it implements, runs the simpy
environment until the run stops, and summarises. It does no domain logic of
its own: its commands route to the parts that own them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import simpy

from rules import RulesetSpec
from sim.base.clock import MINUTES_PER_DAY, DiurnalClock
from sim.base.records import EventLog
from sim.base.streams import Streams
from sim.model.adversaries.accounts import CastAccounts
from sim.model.designs.activities import Calendar
from sim.model.designs.business import BusinessLedger
from sim.model.designs.entry import gate_for
from sim.model.designs.lifecycle import LifecycleClock
from sim.model.effects import mute as mute_effect
from sim.model.effects import remove as remove_message
from sim.model.members.cascades import CascadeModel
from sim.model.members.membership import Membership
from sim.model.population import Population
from sim.model.members.posting import Posting
from sim.model.members.review import Review
from sim.model.roster import Roster
from sim.model.messages import KIND_NAMES, Kind, Message
from sim.model.moderation import Moderation
from sim.model.shared import NoPortfolio, PortfolioTies
from sim.model.staff.operator import NoOperator
from sim.model.ticks import Ticks
from sim.model.timeline import Timeline
from sim.model.world import Operator
from sim.run.gc_policy import quiet_gc
from sim.spec.scenario import Scenario, resolve_ruleset


@dataclass
class RunResult:
    """Everything one run produced."""

    summary: dict[str, Any]
    days: list[dict[str, Any]]
    log: EventLog
    digest: str = field(default="")


class Simulation:
    """A single run, and the :class:`~sim.model.world.World` its parts see. Build, then call :meth:`run` once.

    Args:
        scenario: A validated scenario.
        seed: The run's seed (default: the scenario's).
        run_id: The run's name in results (default ``name#seed``).
        env: The simpy environment (a portfolio shares one over its groups).
        streams: The run's random streams (a portfolio gives each group its own).
        ties: What the group shares with a portfolio's other groups (default: it runs alone).
    """

    def __init__(
        self, scenario: Scenario, seed: int | None = None, run_id: str = "", *,
        env: simpy.Environment | None = None, streams: Streams | None = None, ties: PortfolioTies | None = None,
    ) -> None:
        self.scenario = sc = resolve_ruleset(scenario)
        assert isinstance(sc.ruleset, RulesetSpec)
        self.seed = sc.seed if seed is None else int(seed)
        self.run_id = run_id or f"{sc.name}#{self.seed}"
        self.env = simpy.Environment() if env is None else env
        self.streams = Streams(self.seed) if streams is None else streams
        self.ties = NoPortfolio() if ties is None else ties
        self.clock = DiurnalClock(sc.diurnal)
        self.end = float(np.ceil(sc.duration_days * 24.0) * 60.0)
        self.timeline = Timeline(self.env, self.end, self.ties.timelines)
        expected = sc.group.initial_members + sum(r.count or 0 for r in sc.population) + 16
        self.roster = Roster(sc.group.capacity, expected)
        self.log = EventLog()
        self.rules = sc.ruleset.build()
        self.traits: dict[int, dict[str, float]] = {}
        self.graph = nx.Graph()
        self.operator: Operator = NoOperator()  # the operator's builder appoints one (sim/model/staff/operator.py)
        self.cast = CastAccounts()
        self.ticks = Ticks(self)
        self.posting = Posting(self)
        self.review = Review(self)
        self.membership = Membership(self)
        self.population = Population(self)
        # the parts that schedule events at once, in the order they always did (event order is part of the log)
        self.gate = gate_for(self)
        self.moderation = Moderation(self)
        self.cascades = CascadeModel(self)
        self.population.build()
        self.review.merge()
        self.posting.merge()
        self.calendar = Calendar(self)
        self.business = BusinessLedger(self)
        self.lifecycle = LifecycleClock(self)
        if sc.group.dissolve_day is not None and sc.group.dissolve_day * MINUTES_PER_DAY < self.end:
            self.schedule(sc.group.dissolve_day * MINUTES_PER_DAY, self.ticks.dissolve)
        self.env.process(self.ticks.run())
        self.timeline.inline_process(self.env.process(self.posting.chatter()))

    # ---- the World's commands (each routes to the part that owns it) -----------------
    @property
    def now(self) -> float:
        """Simulated minutes since the start."""
        return float(self.env.now)

    def post(self, sender: int, kind: Kind, text: str, t: float | None = None, **form: Any) -> Message:
        """``sender`` posts at ``t`` (default now); see :meth:`Posting.post` for ``form``."""
        return self.posting.post(sender, kind, text, t, **form)

    def join(self, member: int, t: float | None = None) -> bool:
        """``member`` joins unless the group is full, the gate refuses or the run is over."""
        return self.membership.join(member, t)

    def leave(self, member: int, t: float | None = None, *, reason: str = "") -> None:
        """``member`` leaves of their own accord."""
        self.membership.leave(member, t, reason=reason)

    def kick(self, member: int, t: float, rule: str) -> None:
        """``member`` is removed by rule ``rule``."""
        self.membership.leave(member, t, kicked_by=rule)

    def mute(self, member: int, minutes: float, t: float, rule: str) -> None:
        """``member`` may not post for ``minutes``, by rule ``rule`` (as a :class:`rules.Mute`)."""
        mute_effect(self, member, minutes, t, rule)

    def delete(self, message_id: int, t: float, rule: str) -> None:
        """Message ``message_id`` is deleted by rule ``rule`` (as a :class:`rules.Delete`)."""
        remove_message(self, rule, message_id, t)

    def schedule(self, when: float, fn: Callable[[], None]) -> None:
        """Call ``fn`` at simulated time ``when`` (see :meth:`Timeline.schedule`)."""
        self.timeline.schedule(when, fn)

    def log_event(
        self, t: float, event: str, sender: int = -1, target: int = -1, *, kind: str = "", rule: str = ""
    ) -> None:
        """Add a row to the event log."""
        self.log.add(t, event, sender, target, kind, rule)

    def person(self, member: int) -> Any:
        """Who ``member`` is across the groups of a portfolio (``member`` itself in a lone group)."""
        return self.ties.person_of.get(member, member)

    # ---- running -------------------------------------------------------------
    def run(self) -> RunResult:
        """Run to the end (or the outcome that stops it) and summarise."""
        self.ticks.begin()
        with quiet_gc():  # the built model is frozen, collections are rare (sim/run/gc_policy.py)
            self.env.run(until=self.timeline.stop_event)
        from sim.run.summary import summarise

        self.log.attach_messages(self.roster.messages, KIND_NAMES)
        summary = summarise(self)
        return RunResult(summary, self.ticks.days, self.log, summary["event_log_digest"])


def run_scenario(scenario: Scenario, seed: int | None = None, run_id: str = "") -> RunResult:
    """Build and run one replication."""
    return Simulation(scenario, seed, run_id).run()


__all__ = ["RunResult", "Simulation", "run_scenario"]
