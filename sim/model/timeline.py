"""One group's time on a (possibly shared) simpy environment: scheduling, the inline horizon, the stop.

Members' posts between two simpy events are handled inline by the posting
process (sim/model/members/posting.py); ``horizon`` is the time of the next
simpy event, past which inline processing must stop. Every scheduling goes
through :meth:`Timeline.schedule`, which lowers the horizon of this group and
of the group whose posting process is running inline right now, if another
(a portfolio shares one environment, sim/run/portfolio.py).

Only those two horizons can be read before they are set again: a group's
horizon is read only by its own posting process, and that process resets it
to ``env.peek()`` each time it resumes, which already counts every event
scheduled while it waited. So lowering the other groups' horizons, as this
did before, changed nothing but cost O(groups) a scheduled event, O(groups²)
a portfolio run.
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
        # posting process -> its timeline, shared by every timeline on ``env`` (the first one's dict)
        self.inline: dict[object, Timeline] = timelines[0].inline if timelines else {}
        timelines.append(self)

    @property
    def now(self) -> float:
        """The environment's time (minutes)."""
        return float(self.env.now)

    @property
    def stopped(self) -> bool:
        """Whether the run is over (ended, or an outcome stopped it)."""
        return bool(self.stop_event.triggered)

    def inline_process(self, process: simpy.Process) -> None:
        """Register this group's posting process (the one that reads :attr:`horizon`)."""
        self.inline[process] = self

    def stop(self) -> None:
        """End the run now (no-op if it already ended)."""
        if not self.stop_event.triggered:
            self.stop_event.succeed()

    def schedule(self, when: float, fn: Callable[[], None]) -> None:
        """Call ``fn`` at simulated time ``when`` (absolute minutes; no process needed).

        ``when`` may lie ahead of ``env.now`` while a posting process handles
        posts inline, so this group's horizon and that of the group posting
        inline now come down to ``when``: no inline posting may run past this
        event (every other group's horizon is reset when its process resumes).
        """
        env = self.env
        when = max(when, env.now)
        ev = env.timeout(when - env.now)
        stop = self.stop_event
        ev.callbacks.append(lambda _ev: None if stop.triggered else fn())
        if when < self.horizon:
            self.horizon = when
        active = self.inline.get(env.active_process)
        if active is not None and when < active.horizon:
            active.horizon = when


__all__ = ["Timeline"]
