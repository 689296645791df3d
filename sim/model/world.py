"""The narrow world: what the model's parts may read of a run, and the few commands they may issue.

Roles (members, staff, adversaries), moderation, the designs (entry,
activities, lifecycle, business) and the cascades are each handed a
:class:`World` when they are built. They type against it, never against the
run object that implements it (``sim.run.engine.Simulation``), so no model
module imports the run layer.

What a world offers, grouped:

* **time**: ``now``, ``end``, ``env`` (the simpy environment, for processes and
  timeouts), ``clock`` (the diurnal clock), ``timeline`` (scheduling, the inline
  horizon, the stop);
* **inputs**: ``scenario``, ``streams`` (the run's keyed random streams),
  ``rules`` (the compiled ruleset), ``log`` (the event log);
* **state**: ``roster`` (per-member arrays and the messages), ``graph`` (social
  ties), ``traits`` (each member's drawn parameters);
* **parts**: the members package's ``population``, ``membership``, ``posting``,
  ``review`` and ``cascades``; the staff's ``operator`` (a
  :class:`~sim.model.staff.operator.NoOperator` when the group has none);
  ``moderation``; the designs' ``gate``, ``calendar``, ``business`` and
  ``lifecycle``; the daily ``ticks`` (the per-day series and the outcome);
  ``cast`` (the adversaries' accounts); ``ties`` (what a portfolio's groups
  share, or :class:`~sim.model.shared.NoPortfolio`);
* **commands**: :meth:`World.post`, :meth:`World.join`, :meth:`World.leave`,
  :meth:`World.kick`, :meth:`World.mute`, :meth:`World.delete`,
  :meth:`World.schedule`, :meth:`World.log_event`, and :meth:`World.person`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import networkx as nx
    import simpy

    from sim.base.clock import DiurnalClock
    from sim.base.records import EventLog
    from sim.base.streams import Streams
    from sim.model.adversaries.accounts import CastAccounts
    from sim.model.designs.activities import Calendar
    from sim.model.designs.business import BusinessLedger
    from sim.model.designs.entry import Gate
    from sim.model.designs.lifecycle import LifecycleClock
    from sim.model.members.cascades import CascadeModel
    from sim.model.members.membership import Membership
    from sim.model.members.population import Population
    from sim.model.members.posting import Posting
    from sim.model.members.review import Review
    from sim.model.members.roster import Roster
    from sim.model.messages import Kind, Message
    from sim.model.moderation import Moderation
    from sim.model.shared import PortfolioTies
    from sim.model.staff.operator import Staffing
    from sim.model.ticks import Ticks
    from sim.model.timeline import Timeline
    from sim.spec.scenario import Scenario


@runtime_checkable
class World(Protocol):
    """One group in one run, as the model's parts see it (see the module docstring)."""

    # time
    end: float
    env: simpy.Environment
    clock: DiurnalClock
    timeline: Timeline
    # inputs
    scenario: Scenario
    streams: Streams
    rules: Any
    log: EventLog
    # state
    roster: Roster
    graph: nx.Graph
    traits: dict[int, dict[str, float]]
    # parts
    population: Population
    membership: Membership
    posting: Posting
    review: Review
    cascades: CascadeModel
    operator: Staffing
    moderation: Moderation
    gate: Gate
    calendar: Calendar
    business: BusinessLedger
    lifecycle: LifecycleClock
    ticks: Ticks
    cast: CastAccounts
    ties: PortfolioTies

    @property
    def now(self) -> float:
        """Simulated minutes since the start."""
        ...

    def post(self, sender: int, kind: Kind, text: str, t: float | None = None, **form: Any) -> Message:
        """``sender`` posts at ``t`` (default now); ``form`` are :meth:`Posting.post`'s keyword options."""
        ...

    def join(self, member: int, t: float | None = None) -> bool:
        """``member`` joins unless the group is full, the gate refuses or the run is over."""
        ...

    def leave(self, member: int, t: float | None = None, *, reason: str = "") -> None:
        """``member`` leaves of their own accord; ``reason`` goes in the log's kind column."""
        ...

    def kick(self, member: int, t: float, rule: str) -> None:
        """``member`` is removed by rule ``rule``."""
        ...

    def mute(self, member: int, minutes: float, t: float, rule: str) -> None:
        """``member`` may not post for ``minutes`` (禁言), by rule ``rule``."""
        ...

    def delete(self, message_id: int, t: float, rule: str) -> None:
        """Message ``message_id`` is deleted by rule ``rule``."""
        ...

    def schedule(self, when: float, fn: Callable[[], None]) -> None:
        """Call ``fn`` at simulated time ``when`` (absolute minutes), unless the run stopped first."""
        ...

    def log_event(
        self, t: float, event: str, sender: int = -1, target: int = -1, *, kind: str = "", rule: str = ""
    ) -> None:
        """Add a row to the event log."""
        ...

    def person(self, member: int) -> Any:
        """Who ``member`` is across a portfolio's groups (the id itself in a lone group)."""
        ...


__all__ = ["World"]
