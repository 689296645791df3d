"""What a chat log shows about its group: the statistics a calibration fits and a fit report compares.

:func:`observe` reduces a stream of normalised events (from ``groupsim import``,
or from a simulated run's event log through :func:`from_run_log`) to counts:
messages per sender, joins and leaves, the hourly and weekly profile of
messages, inter-message times, replies and forms. Lurkers never appear in an
export; a calibration is told the group's size, or counts only those it sees.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from sim.base.chatlog.events import ChatEvent

DAY = 86_400.0


@dataclass
class Observed:
    """The summary statistics of one chat log."""

    start: float = math.inf
    end: float = -math.inf
    per_sender: Counter[str] = field(default_factory=Counter)
    joins: int = 0
    leaves: int = 0
    kicks: int = 0
    joined: set[str] = field(default_factory=set)
    join_time: dict[str, float] = field(default_factory=dict)  # a member's first join inside the log
    leave_time: dict[str, float] = field(default_factory=dict)  # a member's last leave or kick
    hourly: np.ndarray = field(default_factory=lambda: np.zeros(24))
    weekly: np.ndarray = field(default_factory=lambda: np.zeros(7))
    gaps: list[float] = field(default_factory=list)  # seconds between consecutive messages (the whole group)
    replies: int = 0
    forms: Counter[str] = field(default_factory=Counter)
    staff: Counter[str] = field(default_factory=Counter)  # messages of senders the log shows as owner or admin
    removed: set[str] = field(default_factory=set)  # members the log shows kicked: fitted apart from members
    day_hours: dict[int, np.ndarray] = field(default_factory=dict)  # members' messages per hour, per calendar day
    day_replies: Counter[int] = field(default_factory=Counter)  # members' replies, per day
    day_forms: dict[int, Counter[str]] = field(default_factory=dict)  # members' messages per form, per day
    day_gaps: dict[int, list[float]] = field(default_factory=dict)  # (n, sum, sum of squares) of gaps ending that day
    day_joins: Counter[int] = field(default_factory=Counter)
    day_leaves: Counter[int] = field(default_factory=Counter)  # leaves and kicks

    @property
    def messages(self) -> int:
        return sum(self.per_sender.values())

    @property
    def days(self) -> float:
        """Days the log spans (at least one)."""
        return max((self.end - self.start) / DAY, 1.0) if self.end >= self.start else 1.0

    @property
    def initial_posters(self) -> int:
        """Senders who posted and never joined inside the log: members from before it began."""
        return len([s for s in self.per_sender if s not in self.joined])

    def exposure(self, members: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(messages, days present) of every member the log shows, plus silent members from the start.

        A member is present from their join (or the log's start) to their leave
        (or its end). ``members`` is the group's size at the log's start; those
        of them never seen posting or leaving are added with 0 messages over
        the whole span. Members the log shows kicked are left out: a removal
        says they were not posting as members do (a spammer, a rule breaker).
        """
        span = self.days
        people = (set(self.per_sender) | set(self.join_time) | set(self.leave_time)) - set(self.staff) - self.removed
        counts, days = [], []
        for who in sorted(people):
            start = self.join_time.get(who, self.start)
            end = self.leave_time.get(who, self.end)
            counts.append(self.per_sender.get(who, 0))
            days.append(max((end - start) / DAY, 1.0 / 24.0))
        initial_removed = len([w for w in self.removed if w not in self.join_time])  # were members at the start
        initial_seen = len([w for w in people if w not in self.join_time]) + initial_removed
        if members is not None and members > initial_seen:
            counts += [0] * (members - initial_seen)
            days += [span] * (members - initial_seen)
        return np.asarray(counts, dtype=float), np.asarray(days, dtype=float)

    def rates(self, members: int | None = None) -> np.ndarray:
        """Messages a day of each member seen posting (and of ``members`` minus those, at zero, when given)."""
        seen = np.array(sorted(self.per_sender.values()), dtype=float) / self.days
        if members is not None and members > len(seen):
            seen = np.concatenate([np.zeros(members - len(seen)), seen])
        return seen


def observe(events: Iterable[ChatEvent]) -> Observed:
    """The statistics of ``events`` (in time order)."""
    obs = Observed()
    last = None
    for e in events:
        obs.start, obs.end = min(obs.start, e.time), max(obs.end, e.time)
        if e.event == "message" and e.role in ("owner", "admin"):
            obs.staff[e.sender] += 1  # staff are not members: they are fitted apart
        elif e.event == "message":
            obs.per_sender[e.sender] += 1
            day, hour = int(e.time // DAY), int((e.time % DAY) // 3600) % 24
            obs.hourly[hour] += 1
            obs.weekly[(day + 3) % 7] += 1  # 1970-01-01 was a Thursday: Monday is 0
            if day not in obs.day_hours:
                obs.day_hours[day], obs.day_forms[day], obs.day_gaps[day] = np.zeros(24), Counter(), [0.0, 0.0, 0.0]
            obs.day_hours[day][hour] += 1
            if last is not None and e.time >= last:
                gap = e.time - last
                obs.gaps.append(gap)
                acc = obs.day_gaps[day]
                acc[0], acc[1], acc[2] = acc[0] + 1, acc[1] + gap, acc[2] + gap * gap
            last = e.time
            obs.replies += e.reply_to >= 0
            obs.day_replies[day] += e.reply_to >= 0
            obs.forms[e.form] += 1
            obs.day_forms[day][e.form] += 1
        elif e.event == "join":
            who = e.target or e.sender
            obs.joins += 1
            obs.joined.add(who)
            obs.join_time.setdefault(who, e.time)
            obs.day_joins[int(e.time // DAY)] += 1
        elif e.event == "leave":
            obs.leaves += 1
            obs.leave_time[e.target or e.sender] = e.time
            obs.day_leaves[int(e.time // DAY)] += 1
        elif e.event == "kick":
            obs.kicks += 1
            who = e.target or e.sender  # groupsim's CSV names the removed member as the sender
            obs.leave_time[who] = e.time
            obs.removed.add(who)
            obs.day_leaves[int(e.time // DAY)] += 1
    return obs


def burstiness(gaps: Iterable[float]) -> float:
    """Goh and Barabási's burstiness B = (sd - mean) / (sd + mean) of inter-event times: 0 Poisson, 1 bursty."""
    x = np.asarray(list(gaps), dtype=float)
    if len(x) < 2 or x.mean() == 0:
        return math.nan
    sd, mean = x.std(ddof=1), x.mean()
    return float((sd - mean) / (sd + mean))


def gini(values: Iterable[float]) -> float:
    """The Gini coefficient of messages per member (0 equal, 1 one member writes everything)."""
    x = np.sort(np.asarray(list(values), dtype=float))
    if len(x) == 0 or x.sum() == 0:
        return math.nan
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


def top_shares(values: Iterable[float]) -> tuple[float, float, float]:
    """Shares of all messages written by the top 1%, the next 9% and the other 90% of members."""
    x = np.sort(np.asarray(list(values), dtype=float))[::-1]
    if len(x) == 0 or x.sum() == 0:
        return (math.nan, math.nan, math.nan)
    n, total = len(x), x.sum()
    a, b = max(1, round(n * 0.01)), max(1, round(n * 0.10))
    return (float(x[:a].sum() / total), float(x[a:b].sum() / total), float(x[b:].sum() / total))


def from_run_log(table: object, agents: object = None, start: float = 1772409600.0) -> list[ChatEvent]:
    """A simulated run's event log (the ``events`` table a run writes) as the chat export a client would show.

    Times (minutes from the run's start, a Monday 00:00) become seconds from
    ``start`` (default 2026-03-02, a Monday); posts are messages with the
    sender's visible role (from ``agents``, the run's agents table, when
    given), an answer a reply to the latest question, and joins, leaves and kicks keep their member. Joins at the start
    are the members the group already had, which no export shows.
    """
    import pyarrow as pa

    assert isinstance(table, pa.Table)
    roles: dict[int, str] = {}
    if agents is not None:
        assert isinstance(agents, pa.Table)
        roles = dict(zip(agents.column("agent").to_pylist(), agents.column("visible_role").to_pylist()))
    cols = {name: table.column(name).to_pylist() for name in ("time", "event", "actor", "target", "kind")}
    out = []
    question = -1  # an answer is shown as a reply to the latest question (the log does not say which it answers)
    for k, (t, event, actor, target, kind) in enumerate(zip(*cols.values())):
        when = start + float(t) * 60.0
        if event == "post":
            out.append(ChatEvent(when, "message", f"m{actor}", k, id=int(target), role=roles.get(actor, "member"),
                                 form="link" if kind == "ad" else "text", reply_to=question if kind == "answer" else -1))
            question = int(target) if kind == "question" else question
        elif event == "join" and t <= 0:
            continue
        elif event == "join":
            out.append(ChatEvent(when, "join", f"m{actor}", k))
        elif event == "leave":
            out.append(ChatEvent(when, "leave", f"m{actor}", k))
        elif event == "kick":
            out.append(ChatEvent(when, "kick", "", k, target=f"m{target}"))
    return out


__all__ = ["DAY", "Observed", "burstiness", "from_run_log", "gini", "observe", "top_shares"]
