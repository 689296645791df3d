"""One group's time on a (possibly shared) simpy environment: scheduling, the inline horizon, the stop.

Members' posts between two simpy events are handled inline by the posting
process (sim/model/members/posting.py); ``horizon`` is the time of the next
simpy event, past which inline processing must stop. Every scheduling goes
through :meth:`Timeline.schedule`, which lowers the horizon of this group and
of every group sharing the environment (a portfolio, sim/run/portfolio.py).
"""

from __future__ import annotations

from collections.abc import Callable

import simpy


class Timeline:
    """Scheduling and stopping for one group.

    Args:
        env: The simpy environment (shared by a portfolio's groups).
        end: The run's end, in minutes.
        timelines: Every timeline on ``env``; this one adds itself.
    """

    def __init__(self, env: simpy.Environment, end: float, timelines: list[Timeline]) -> None:
        self.env = env
        self.end = end
        self.horizon = 0.0  # the time of the next simpy event (inline processing stops there)
        self.stop_event = env.event()
        self._timelines = timelines
        timelines.append(self)

    @property
    def now(self) -> float:
        """The environment's time (minutes)."""
        return float(self.env.now)

    @property
    def stopped(self) -> bool:
        """Whether the run is over (ended, or an outcome stopped it)."""
        return bool(self.stop_event.triggered)

    def stop(self) -> None:
        """End the run now (no-op if it already ended)."""
        if not self.stop_event.triggered:
            self.stop_event.succeed()

    def schedule(self, when: float, fn: Callable[[], None]) -> None:
        """Call ``fn`` at simulated time ``when`` (absolute minutes; no process needed).

        ``when`` may lie ahead of ``env.now`` while the posting process handles
        posts inline, so every group's horizon on this environment comes down
        to ``when``: no group's inline posting may run past this event.
        """
        env = self.env
        when = max(when, env.now)
        ev = env.timeout(when - env.now)
        stop = self.stop_event
        ev.callbacks.append(lambda _ev: None if stop.triggered else fn())
        for timeline in self._timelines:  # this one included
            if when < timeline.horizon:
                timeline.horizon = when


__all__ = ["Timeline"]
