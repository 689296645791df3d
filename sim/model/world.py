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
* **parts**, each seen through the small protocol above it here (what the
  other parts may use of it): the members package's ``population``, ``membership``, ``posting``,
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

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np
    import simpy

    from rules import MessageForm, RuleEngine
    from sim.base.clock import DiurnalClock
    from sim.base.records import EventLog
    from sim.base.streams import Streams
    from sim.model.roster import Roster
    from sim.model.messages import Kind, Message
    from sim.model.shared import PortfolioTies
    from sim.model.timeline import Timeline
    from sim.spec.scenario import Scenario


# ---- the parts, as the other parts see them (each implemented in its own module) ----------
class Reports(Protocol):
    """The members' report path (举报), brigade's false reports included (sim/model/members/reports.py)."""

    reporters: dict[int, list[int]]

    def file(self, m: Message, reporter: int, t: float, reason: str) -> None: ...
    def report_member(self, member: int, reporter: int, t: float, reason: str, lookback: int = 2000) -> bool: ...
    def count(self, message_id: int) -> int: ...
    def against(self, member: int) -> int: ...


class Posting(Protocol):
    """Members' posts and open questions (sim/model/members/posting.py)."""

    open_questions: dict[int, Message]
    answerers: list[Any]
    questions: int
    answered: int
    private_complaints: int
    shill_exposures: int
    reports: Reports

    def add_posts(self, ids: np.ndarray, times: np.ndarray, draws: np.ndarray) -> None: ...
    def post(
        self, i: int, kind: Kind, text: str, t: float | None = None, *, form: MessageForm = ...,
        has_link: bool = ..., value_dim: int = ..., value: float = ..., reply_to: int = ...,
        has_card: bool = ..., has_mini_program: bool = ..., has_image: bool = ...,
    ) -> Message: ...
    def complain(self, i: int, text: str, t: float) -> Message | None: ...
    def after_removal(self, m: Message, rule: str, t: float) -> None: ...
    def expose(self, i: int, t: float, *, callout: bool = True) -> None: ...
    def answer(self, i: int, text: str, t: float | None = None, *, question_id: int | None = None,
               value: float = ...) -> None: ...
    def expire_questions(self, t: float) -> None: ...


class Membership(Protocol):
    """Joining and leaving, and each agent's process (sim/model/members/membership.py)."""

    join_eng: dict[int, float]
    inviter: dict[int, int]

    def start(self, i: int, life: Generator[Any, Any, Any]) -> None: ...


class Review(Protocol):
    """Members' visits and the hourly review (sim/model/members/review.py)."""

    ad_views: float
    review_times: list[float]
    review_counts: list[int]

    def schedule_visits(self, ids: np.ndarray, hours: np.ndarray, u: np.ndarray) -> None: ...
    def review(self, hour: int, t: float) -> None: ...


class Population(Protocol):
    """Building agents from the population entries (sim/model/population.py)."""

    referrals: int

    def create(self, k: int, entry: Any, first: int, n: int, t0: float,
               stream: Callable[[str], np.random.Generator]) -> list[int]: ...
    def invite(self, k: int, inviter: int) -> None: ...


class Cascades(Protocol):
    """Leave and complain cascades (sim/model/members/cascades.py)."""

    active: bool
    sync: bool
    cascade_leaves: int
    cascade_complaints: int

    def seen(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...
    def check_async(self, ids: np.ndarray, t: float) -> None: ...


class Operator(Protocol):
    """The operator, or the null operator (sim/model/staff/operator.py)."""

    present: bool
    id: int

    def maybe_answer(self, question_id: int, t: float) -> None: ...
    def response_delay(self, t: float) -> float: ...


class Moderation(Protocol):
    """Routing rule actions and keeping per-rule ground truth (sim/model/moderation.py)."""

    stats: dict[str, dict[str, Any]]

    def apply_all(self, actions: list[Any], t: float) -> None: ...
    def stat(self, rule: str) -> dict[str, Any]: ...
    def case(self, rule: str, member: int, t: float) -> None: ...
    def truth(self, member: int) -> int: ...
    def feed(self, event: Any, t: float) -> None: ...
    def staff_account(self) -> int: ...


class Gate(Protocol):
    """The entry policy, or the open door (sim/model/designs/entry.py)."""

    waiting: Any

    def queue(self, i: int, t: float) -> bool: ...
    def admit(self, i: int, t: float, invited: bool) -> bool: ...
    def on_leave(self, t: float) -> None: ...
    def day_row(self, t: float) -> dict[str, float]: ...
    def summary(self) -> dict[str, float]: ...


class Calendar(Protocol):
    """The activities calendar (sim/model/designs/activities.py)."""

    occurrences: list[int]
    participants: int
    failed_group_buys: int
    perk_cost: float

    def staff(self) -> int: ...
    def relaunch(self) -> None: ...
    def close_day(self) -> tuple[float, list[int], dict[str, Any]]: ...


class Business(Protocol):
    """Purchases and costs (sim/model/designs/business.py)."""

    bought: Any  # purchases in the group, per member id (numpy array)

    def day(self, day: int, t: float, takers: list[int], activity_minutes: float) -> dict[str, Any]: ...
    def summary(self, entry_fees: float, perk_cost: float, compensation: float) -> dict[str, Any]: ...


class Lifecycle(Protocol):
    """Delivery, second life and dissolution (sim/model/designs/lifecycle.py)."""

    relaunches: int
    delivery_complaints: int

    def day(self, day: int, t: float, row: dict[str, Any]) -> None: ...


class Days(Protocol):
    """The ticks: the per-day series, its counters and the outcome (sim/model/ticks.py)."""

    days: list[dict[str, Any]]
    day_counts: dict[str, int]
    deleted_by_day: dict[int, list[int]]
    outcome: Any

    def begin(self) -> None: ...
    def dissolve(self) -> None: ...
    def relaunched(self) -> None: ...


class Cast(Protocol):
    """The adversaries' accounts (sim/model/adversaries/accounts.py)."""

    ledgers: list[Any]
    reports: list[Any]
    poached: int
    brigade_complaints: int
    grievance_complaints: int
    compensation_paid: float


@runtime_checkable
class World(Protocol):
    """One group in one run, as the model's parts see it (see the module docstring).

    Everything is read-only but ``operator``, which the operator's builder sets
    (sim/model/staff/operator.py); the parts change the world through their own
    methods and the commands below.
    """

    # time
    @property
    def end(self) -> float: ...
    @property
    def env(self) -> simpy.Environment: ...
    @property
    def clock(self) -> DiurnalClock: ...
    @property
    def timeline(self) -> Timeline: ...
    # inputs
    @property
    def scenario(self) -> Scenario: ...
    @property
    def streams(self) -> Streams: ...
    @property
    def rules(self) -> RuleEngine: ...
    @property
    def log(self) -> EventLog: ...
    # state
    @property
    def roster(self) -> Roster: ...
    @property
    def graph(self) -> nx.Graph: ...
    @property
    def traits(self) -> dict[int, dict[str, float]]: ...
    # parts
    @property
    def population(self) -> Population: ...
    @property
    def membership(self) -> Membership: ...
    @property
    def posting(self) -> Posting: ...
    @property
    def review(self) -> Review: ...
    @property
    def cascades(self) -> Cascades: ...
    operator: Operator
    @property
    def moderation(self) -> Moderation: ...
    @property
    def gate(self) -> Gate: ...
    @property
    def calendar(self) -> Calendar: ...
    @property
    def business(self) -> Business: ...
    @property
    def lifecycle(self) -> Lifecycle: ...
    @property
    def ticks(self) -> Days: ...
    @property
    def cast(self) -> Cast: ...
    @property
    def ties(self) -> PortfolioTies: ...

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


__all__ = [
    "Business", "Calendar", "Cascades", "Cast", "Days", "Gate", "Lifecycle", "Membership", "Moderation", "Operator",
    "Population", "Posting", "Reports", "Review", "World",
]
