"""One run of one scenario with one seed: build the group, run it, summarise it.

The simulation owns time (a simpy environment, in minutes), the group state
and the agents' processes; it hands events to the rule engine and applies the
actions that come back, at once for a bot or after the operator's delay.
An hourly tick reviews the members who visited in the hour (vectorised), and
a daily tick records the day and judges the outcome.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import simpy

from rules import ClockTick, MemberJoined, MemberLeft, MessageForm, MessagePosted, RulesetSpec
from rules.actions import Action
from sim.agents import ANSWER_TEXTS, ANSWER_VALUE, CHAT_TEXTS, CHAT_VALUE, COMPLAINT_TEXTS, QUESTION_TEXTS
from sim.agents import Operator
from sim.clock import MINUTES_PER_DAY, DiurnalClock
from sim.group import (
    AD_ANNOY,
    ADVERSARY,
    LEGIT,
    CONFLICT_ANNOY,
    LEAVE_THR,
    MUTE_THR,
    MUTED_ATTENTION,
    MUTED_POST,
    N_KINDS,
    NOISE_ANNOY,
    NOISE_TOL,
    READ_CAP,
    TAU,
    Group,
)
from sim.messages import KIND_NAMES, MEMBER_KINDS, Kind, Message
from sim.moderation import Moderation
from sim.outcomes import Outcome, OutcomeJudge
from sim.records import EventLog, days_table
from sim.roles.cascades import CascadeModel, engagement_factor
from sim.roles.registry import builder_for
from sim.roles.staff import CALLOUT_TEXTS, promote_volunteers
from sim.scenario import Scenario, resolve_ruleset
from sim.streams import Streams

_AD, _COMPLAINT, _CHAT = int(Kind.AD), int(Kind.COMPLAINT), int(Kind.CHAT)
_INFORMATION = 1  # VALUE_DIMENSIONS.index("information")
_CONNECTIONS = 5  # VALUE_DIMENSIONS.index("connections")
_UNMUTE_MARGIN = 0.2  # hysteresis: a muted member unmutes only well above their threshold


@dataclass
class RunResult:
    """Everything one run produced."""

    summary: dict[str, Any]
    days: list[dict[str, Any]]
    log: EventLog
    digest: str = field(default="")


class Simulation:
    """A single run. Build with a validated scenario, call :meth:`run` once."""

    def __init__(self, scenario: Scenario, seed: int | None = None, run_id: str = "") -> None:
        self.scenario = resolve_ruleset(scenario)
        sc = self.scenario
        assert isinstance(sc.ruleset, RulesetSpec)
        self.seed = sc.seed if seed is None else int(seed)
        self.run_id = run_id or f"{sc.name}#{self.seed}"
        self.env = simpy.Environment()
        self.streams = Streams(self.seed)
        self.clock = DiurnalClock(sc.diurnal)
        self.end = float(np.ceil(sc.duration_days * 24.0) * 60.0)
        expected = sc.group.initial_members + sum(r.count or 0 for r in sc.population) + 16
        self.g = Group(sc.group.capacity, expected)
        self.log = EventLog()
        self.rules = sc.ruleset.build()
        self.judge = OutcomeJudge(sc.outcomes)
        self.traits: dict[int, dict[str, float]] = {}
        self.procs: dict[int, simpy.Process] = {}
        # Members' candidate posts, merged over all members (see _chatter): chunks while
        # building, then one time-sorted set of columns; late additions go to a heap.
        self._post_chunks: list[tuple[np.ndarray, ...]] | None = []
        self._posts: tuple[list[Any], ...] = ([], [], [], [], [])
        self._late_posts: list[tuple[float, int, float, float, float]] = []
        self.horizon = 0.0  # the time of the next simpy event (inline processing stops there)
        self._join_eng: dict[int, float] = {}  # a member's posting engagement once they join
        self.visits: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.open_questions: dict[int, Message] = {}
        self._deadlines: list[tuple[float, int]] = []
        self.graph = nx.Graph()
        self.operator: Operator | None = None
        self.outcome: tuple[Outcome, float, str] | None = None
        self.days: list[dict[str, Any]] = []
        self.ad_views = 0.0
        self.answered = 0
        self.questions = 0
        # the cast beyond members (sim/roles/): ledgers, answerers, counters for the summary
        self.ledgers: list[Any] = []
        self.answerers: list[Any] = []
        self.reports: list[Any] = []
        self.review_times: list[float] = []  # hourly reviews and how many members looked at each
        self.review_counts: list[int] = []
        self._inviter: dict[int, int] = {}
        self.poached = self.brigade_complaints = self.grievance_complaints = 0
        self.shill_exposures = self.referrals = 0
        self.compensation_paid = 0.0
        # Day totals are differences of cumulative counters taken at the day's start,
        # so the per-message path updates nothing per day.
        self._cum_at_day_start = [0.0] * N_KINDS
        self._posts_at_day_start = np.zeros(0, dtype=np.int64)
        self.deleted_by_day: dict[int, list[int]] = {}  # post day -> [ads deleted, messages deleted]
        self._rules_on_post = self.rules.wants(MessagePosted)
        self.day_counts = {"joins": 0, "leaves": 0, "kicks": 0, "deleted": 0}
        self._members_at_day_start = 0
        self._stop = self.env.event()
        self._visit_chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = []
        self.moderation = Moderation(self)
        self.cascades = CascadeModel(self)
        self._behaviour = any(
            getattr(e.params, "imitation", 0.0) != 0.0 or getattr(e.params, "chilling", 0.0) != 0.0 for e in sc.population
        )
        self._build()

    # ---- building ------------------------------------------------------------
    def _build(self) -> None:
        sc = self.scenario
        shares = [(k, e) for k, e in enumerate(sc.population) if e.share]
        weights = np.array([e.share for _, e in shares], dtype=float)
        weights = weights / weights.sum() if len(weights) else weights
        initial: list[int] = []
        for k, entry in enumerate(sc.population):
            if entry.count:
                initial += self._create(k, entry, 0, entry.count, 0.0, self._entry_streams(k, "count"))
        if sc.group.initial_members:
            pick = self.streams.get("initial-roles").choice(len(shares), size=sc.group.initial_members, p=weights)
            for s, (k, entry) in enumerate(shares):
                n = int((pick == s).sum())
                initial += self._create(k, entry, 0, n, 0.0, self._entry_streams(k, "share"))
        self._build_graph([i for i in initial if self.g.reader[i]])
        self._arrivals(shares, weights)
        self._merge_visits()
        self._merge_posts()
        if sc.group.dissolve_day is not None and sc.group.dissolve_day * MINUTES_PER_DAY < self.end:
            self.at(sc.group.dissolve_day * MINUTES_PER_DAY, self._dissolve)
        self.env.process(self._ticks())
        self.env.process(self._chatter())

    def _entry_streams(self, k: int, how: str) -> Callable[[str], np.random.Generator]:
        """Streams for population entry ``k``, keyed by purpose (see docs/MODEL.md, "Randomness")."""
        label = self.scenario.population[k].label
        return lambda purpose: self.streams.get(f"{how}:{label}:{purpose}")

    def _create(
        self, k: int, entry: Any, first: int, n: int, t0: float, stream: Callable[[str], np.random.Generator]
    ) -> list[int]:
        """Build ``n`` agents of population entry ``k`` with its role's builder (sim/roles/registry.py)."""
        build, as_built = builder_for(entry)
        return build(self, k, as_built, first, n, t0, stream)

    def invite(self, k: int, inviter: int) -> None:
        """``inviter`` brings a friend of role entry ``k`` into the group now (转介绍; seed 000, 001)."""
        n = self.referrals
        self.referrals += 1
        t = self.env.now
        ids = self._create(k, self.scenario.population[k], 0, 1, t, lambda purpose: self.streams.get(f"referral:{n}:{purpose}"))
        for i in ids:
            self._inviter[i] = inviter
            self.graph.add_edge(i, inviter)

    def _build_graph(self, members: list[int]) -> None:
        self.graph.add_nodes_from(members)
        k = self.scenario.group.social.mean_friends
        n = len(members)
        if n < 3 or k < 1:
            return
        seed = int(self.streams.get("graph").integers(2**31))
        sw = nx.watts_strogatz_graph(n, min(k, n - 1), self.scenario.group.social.rewire, seed=seed)
        self.graph.add_edges_from((members[a], members[b]) for a, b in sw.edges())

    def _arrivals(self, shares: list[tuple[int, Any]], weights: np.ndarray) -> None:
        arr = self.scenario.group.arrivals
        rng = self.streams.get("arrivals")
        until = self.end if arr.until_day is None else min(self.end, arr.until_day * MINUTES_PER_DAY)
        if arr.per_day:
            chunks = [
                self.clock.poisson_times(rng, rate, d * MINUTES_PER_DAY, min((d + 1) * MINUTES_PER_DAY, until))
                for d, rate in enumerate(arr.per_day)
                if d * MINUTES_PER_DAY < until
            ]
            times = np.concatenate(chunks) if chunks else np.empty(0)
        else:
            times = self.clock.poisson_times(rng, arr.rate_per_day, 0.0, until)
        if not len(times) or not shares:
            return
        roles = rng.choice(len(shares), size=len(times), p=weights)
        for n, (t, s) in enumerate(zip(times.tolist(), roles.tolist())):
            k, entry = shares[s]
            self._create(k, entry, 0, 1, t, lambda purpose, n=n: self.streams.get(f"arrival:{n}:{purpose}"))

    # ---- services for agents -------------------------------------------------
    def start(self, i: int, life: Generator[Any, Any, Any]) -> None:
        self.procs[i] = self.env.process(life)

    def at(self, when: float, fn: Callable[[], None]) -> None:
        """Call ``fn`` at simulated time ``when`` (absolute minutes; no process needed).

        ``when`` may lie ahead of ``env.now`` while the chatter processes posts
        inline, so every scheduling goes through here and lowers the horizon.
        """
        when = max(when, self.env.now)
        ev = self.env.timeout(when - self.env.now)
        ev.callbacks.append(lambda _ev: None if self._stopped() else fn())
        if when < self.horizon:
            self.horizon = when

    def add_posts(self, ids: np.ndarray, times: np.ndarray, draws: np.ndarray) -> None:
        """Members ``ids[k]`` may post at ``times[k]``; ``draws[k]`` = (accept, kind, text) uniforms."""
        if self._post_chunks is not None:  # still building: merge all members at once later
            self._post_chunks.append((times, ids, draws))
            return
        for rec in zip(times.tolist(), ids.tolist(), *draws.T.tolist()):
            heapq.heappush(self._late_posts, rec)
        self.horizon = min(self.horizon, float(times.min())) if len(times) else self.horizon

    def _merge_posts(self) -> None:
        chunks, self._post_chunks = self._post_chunks or [], None
        if not chunks:
            return
        times = np.concatenate([c[0] for c in chunks])
        ids = np.concatenate([c[1] for c in chunks])
        draws = np.concatenate([c[2] for c in chunks])
        order = np.lexsort((ids, times))
        d = draws[order]
        self._posts = (times[order].tolist(), ids[order].tolist(), d[:, 0].tolist(), d[:, 1].tolist(), d[:, 2].tolist())

    def schedule_visits(self, ids: np.ndarray, hours: np.ndarray, u: np.ndarray) -> None:
        """Members ``ids[k]`` visit in hour ``hours[k]`` (``u[k]`` thins visits once muted)."""
        if self._visit_chunks is not None:  # still building: merge all members at once later
            self._visit_chunks.append((hours, ids, u))
            return
        for h in np.unique(hours).tolist():
            pick = hours == h
            old_ids, old_u = self.visits.get(h, (np.empty(0, np.int64), np.empty(0)))
            self.visits[h] = (np.concatenate([old_ids, ids[pick]]), np.concatenate([old_u, u[pick]]))

    def _merge_visits(self) -> None:
        chunks, self._visit_chunks = self._visit_chunks or [], None
        if not chunks:
            return
        hours = np.concatenate([c[0] for c in chunks])
        if not len(hours):
            return
        ids = np.concatenate([c[1] for c in chunks])
        u = np.concatenate([c[2] for c in chunks])
        order = np.lexsort((ids, hours))
        hours, ids, u = hours[order], ids[order], u[order]
        starts = np.flatnonzero(np.r_[True, hours[1:] != hours[:-1]])
        bounds = np.r_[starts, len(hours)]
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            self.visits[int(hours[a])] = (ids[a:b], u[a:b])

    def _stopped(self) -> bool:
        return self._stop.triggered

    def try_join(self, i: int, t: float | None = None) -> bool:
        """``i`` joins at ``t`` unless the group is full or over; rules see the join."""
        g = self.g
        t = self.env.now if t is None else t
        if g.present[i] or self._stopped():
            return False
        if g.is_full():
            self.log.add(t, "join_refused", i)
            return False
        g.join(i, t)
        if g.reader[i]:
            g.eng[i] = self._join_eng.pop(i, g.eng[i])
        self.day_counts["joins"] += 1
        self.log.add(t, "join", i)
        if g.reader[i] and i not in self.graph:
            self._befriend(i)
        if self.rules.wants(MemberJoined):
            g.now = t
            self.moderation.apply_all(self.rules.handle(MemberJoined(t, i, self._inviter.pop(i, None)), g), t)
        return True

    def _befriend(self, i: int) -> None:
        """A newcomer befriends members already there, chosen from their own stream."""
        self.graph.add_node(i)
        k = self.scenario.group.social.mean_friends // 2
        present = np.flatnonzero(self.g.present[: self.g.n] & self.g.reader[: self.g.n])
        present = present[present != i]
        if k and len(present):
            rng = self.streams.get("befriend", i)
            self.graph.add_edges_from((i, int(j)) for j in rng.choice(present, size=min(k, len(present)), replace=False))

    def _chatter(self) -> Generator[Any, Any, None]:
        """All members' posting, as one process over their merged candidate times.

        Between two simpy events nothing else can happen, so candidates that fall
        before the next scheduled event (``horizon``) are handled inline, at their
        own time, without a simpy event each; the result is the same as one
        timeout per candidate, in the same order. A candidate becomes a post with
        probability ``engagement`` (0 for anyone not in the group, so leavers and
        refused joiners never post), and not while a rule's mute lasts.
        """
        env, g = self.env, self.g
        times, ids, u_accept, u_kind, u_text = self._posts
        late = self._late_posts
        eng, muted_until = g.eng, g.muted_until
        answer_p, question_p, expert_p = g.answer_p, g.question_p, g.expert_p
        experts = any(getattr(e.params, "expert_share", 0.0) != 0.0 for e in self.scenario.population)
        traits = self.traits
        open_q = self.open_questions
        post, answer = self.post, self.answer
        n, k = len(times), 0
        n_chat, n_q, n_a = len(CHAT_TEXTS), len(QUESTION_TEXTS), len(ANSWER_TEXTS)
        chat, question = Kind.CHAT, Kind.QUESTION
        while True:
            if late and (k >= n or late[0][0] < times[k]):
                t, i, ua, uk, ut = heapq.heappop(late)
            elif k < n:
                t, i, ua, uk, ut = times[k], ids[k], u_accept[k], u_kind[k], u_text[k]
                k += 1
            else:
                return
            if t >= self.horizon:  # another event comes first: let simpy order it
                yield env.timeout(t - env.now)
                if self._stop.triggered:
                    return
                self.horizon = env.peek()
            if ua >= eng[i] or muted_until[i] > t:
                continue
            if uk < answer_p[i] and open_q:
                answer(i, ANSWER_TEXTS[int(ut * n_a)], t)
            elif uk < question_p[i]:
                post(i, question, QUESTION_TEXTS[int(ut * n_q)], t)
            elif experts and uk < expert_p[i]:  # a KOL's expert sharing
                post(i, Kind.CONTENT, "经验分享", t, value_dim=_INFORMATION, value=traits[i]["expert_value"])
            else:
                post(i, chat, CHAT_TEXTS[int(ut * n_chat)], t, value_dim=_CONNECTIONS, value=CHAT_VALUE)

    def post(
        self, i: int, kind: Kind, text: str, t: float | None = None, *, form: MessageForm = MessageForm.TEXT,
        has_link: bool = False, value_dim: int = -1, value: float = 0.0, reply_to: int = -1,
        has_card: bool = False, has_mini_program: bool = False, has_image: bool = False,
    ) -> Message:
        """``i`` posts a message at ``t`` (default now); the rules judge it at once (the hot path)."""
        g = self.g
        if t is None:
            t = self.env.now
        messages = g.messages
        m = Message(
            len(messages), next(self.log.counter), t, i, kind, form, text, has_link, has_card, has_mini_program, has_image,
            value_dim, value, reply_to,
        )
        messages.append(m)
        cum = g.cum
        cum[kind] += 1.0
        if value_dim >= 0:
            cum[N_KINDS + value_dim] += value
        g.posts[i] += 1
        if kind is Kind.QUESTION:
            self._open_question(m)
        if self._rules_on_post:
            g.now = t
            actions = self.rules.handle(MessagePosted(t, m), g)
            if actions:
                self.moderation.apply_all(actions, t)
        return m

    def _open_question(self, m: Message) -> None:
        self.questions += 1
        self.open_questions[m.id] = m
        patience = self.traits.get(m.sender, {}).get("question_patience_hours", 12.0) * 60.0
        heapq.heappush(self._deadlines, (m.time + patience, m.id))
        if self.operator is not None:
            self.operator.maybe_answer(m.id, m.time)
        for staff in self.answerers:
            staff.maybe_answer(m.id, m.time)

    def complain(self, i: int, text: str, t: float) -> Message:
        """``i`` posts a complaint; each friend counts it with weight w (sim/roles/cascades.py)."""
        m = self.post(i, Kind.COMPLAINT, text, t)
        if i in self.graph:
            fc = self.g.friend_complaints
            for j in self.graph.neighbors(i):
                fc[j] += 1.0
        return m

    def expose(self, i: int, t: float, *, callout: bool = True) -> None:
        """Staged behaviour by ``i`` is seen through: trust loss for every later reader (seed 000)."""
        g = self.g
        g.cum_exposures += 1.0
        self.shill_exposures += 1
        self.log.add(t, "exposed", -1, i)
        if callout:
            n = g.n
            legit = np.flatnonzero(g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT))
            if len(legit):
                j = int(legit[int(self.streams.get("callout", self.shill_exposures).integers(len(legit)))])
                self.complain(j, CALLOUT_TEXTS[self.shill_exposures % len(CALLOUT_TEXTS)], t)

    def answer(
        self, i: int, text: str, t: float | None = None, *, question_id: int | None = None, value: float = ANSWER_VALUE
    ) -> None:
        """``i`` answers the given open question, or the oldest one not their own."""
        if not self.g.present[i]:
            return
        if t is None:
            t = self.env.now
        if question_id is None:
            question_id = next((q for q, m in self.open_questions.items() if m.sender != i), None)
        q = self.open_questions.pop(question_id, None) if question_id is not None else None
        if q is None:
            return
        self.answered += 1
        self.post(i, Kind.ANSWER, text, t, value_dim=_INFORMATION, value=value, reply_to=q.id)
        self.g.bump_satisfaction(q.sender, self.traits.get(q.sender, {}).get("answered_gain", 0.0), t)

    def leave(self, i: int, t: float | None = None, *, kicked_by: str = "", reason: str = "") -> None:
        """``i`` leaves (or is kicked by rule ``kicked_by``); ``reason`` goes in the log's kind column."""
        g = self.g
        if t is None:
            t = self.env.now
        if not g.present[i]:
            return
        g.remove(i, t)
        g.cum_leaves += 1.0
        if kicked_by:
            g.cum_punish += 1.0
        g.eng[i] = 0.0  # no more posts from the merged posting process
        if kicked_by:
            self.day_counts["kicks"] += 1
            self.log.add(t, "kick", -1, i, rule=kicked_by)
        else:
            self.day_counts["leaves"] += 1
            self.log.add(t, "leave", i, kind=reason)
        proc = self.procs.get(i)
        if proc is not None and proc.is_alive and proc is not self.env.active_process:
            proc.interrupt(kicked_by or "left")
            self.horizon = self.env.now  # the interrupt is an event now: stop inline processing
        for j in list(self.graph.neighbors(i)) if i in self.graph else ():
            g.friend_leaves[j] += 1.0
            if g.present[j]:
                g.bump_satisfaction(j, -self.traits.get(j, {}).get("friend_leave_penalty", 0.0), t)
        if self.rules.wants(MemberLeft):
            g.now = t
            self.moderation.apply_all(self.rules.handle(MemberLeft(t, i, bool(kicked_by)), g), t)

    # ---- ticks ---------------------------------------------------------------
    def _ticks(self) -> Generator[Any, Any, None]:
        hour = 0
        while True:
            yield self.env.timeout((hour + 1) * 60.0 - self.env.now)
            hour += 1
            t = self.env.now
            self._review(hour - 1, t)
            self._expire_questions(t)
            if self.rules.wants(ClockTick):
                self.g.now = t
                self.moderation.apply_all(self.rules.handle(ClockTick(t), self.g), t)
            if hour % 24 == 0 or t >= self.end:
                self._end_of_day((hour - 1) // 24, t)
            if t >= self.end and not self._stop.triggered:
                self._stop.succeed()
            if self._stop.triggered:
                return

    def _review(self, hour: int, t: float) -> None:
        """Members who visited in ``hour`` read what came since their last look."""
        visit = self.visits.pop(hour, None)
        if visit is None:
            return
        g = self.g
        ids = np.asarray(visit[0], dtype=np.int64)
        par = g.par[ids]
        keep = g.present[ids] & (~g.muted[ids] | (np.asarray(visit[1]) < par[:, MUTED_ATTENTION]))
        n_keep = int(keep.sum())
        if n_keep == 0:
            return
        if n_keep < len(ids):
            ids, par = ids[keep], par[keep]
        self.review_times.append(t)
        self.review_counts.append(n_keep)
        last = g.last_read[ids]
        cum = np.asarray(g.cum)
        delta = cum - g.snap[ids]
        unseen = g.unseen_deleted(last)
        if unseen is not None:
            delta -= unseen
        counts = delta[:, :N_KINDS]
        f = np.minimum(1.0, par[:, READ_CAP] / np.maximum(counts.sum(axis=1), 1.0))
        gain = f * (delta[:, N_KINDS:] * g.needs[ids]).sum(axis=1)
        ads = f * counts[:, _AD]
        annoy = par[:, AD_ANNOY] * ads + par[:, CONFLICT_ANNOY] * f * counts[:, _COMPLAINT]
        excess_chat = f * counts[:, _CHAT] - par[:, NOISE_TOL] * ((t - last) / MINUTES_PER_DAY)
        annoy += par[:, NOISE_ANNOY] * np.maximum(excess_chat, 0.0)
        if g.cum_exposures:  # staged shows seen through since the last look (sim/roles/staff.py)
            annoy += g.exposure_loss[ids] * (g.cum_exposures - g.snap_exposures[ids])
            g.snap_exposures[ids] = g.cum_exposures
        sat = g.sat[ids] * np.exp((g.sat_time[ids] - t) / par[:, TAU]) + gain - annoy
        self.ad_views += float(ads.sum())
        g.sat[ids] = sat
        g.sat_time[ids] = t
        g.snap[ids] = cum
        g.last_read[ids] = t
        was_muted = g.muted[ids]
        below = sat < par[:, MUTE_THR]
        muted = np.where(was_muted, sat <= par[:, MUTE_THR] + _UNMUTE_MARGIN, below)
        g.muted[ids] = muted
        eng = np.minimum(np.maximum(sat, 0.0), 1.0) * np.where(muted, par[:, MUTED_POST], 1.0)
        if self._behaviour:  # imitation and chilling (sim/roles/cascades.py)
            talk = f * (counts[:, _CHAT] + counts[:, int(Kind.QUESTION)] + counts[:, int(Kind.ANSWER)])
            eng = np.clip(eng * engagement_factor(self, ids, talk, (t - last) / MINUTES_PER_DAY), 0.0, 1.0)
        g_eng = g.eng
        for i, e in zip(ids.tolist(), eng.tolist()):
            g_eng[i] = e
        changed = muted != was_muted
        if changed.any():
            for i, m in zip(ids[changed].tolist(), muted[changed].tolist()):
                self.log.add(t, "mute" if m else "unmute", i)
        leaving = sat < par[:, LEAVE_THR]
        if leaving.any():
            for i in ids[leaving].tolist():
                if self.streams_u(i) < self.traits[i]["complain_on_leave"]:
                    self.complain(i, COMPLAINT_TEXTS[i % len(COMPLAINT_TEXTS)], t)
                self.leave(i)
        if self.cascades.active and not self.cascades.sync:
            self.cascades.check_async(ids, t)

    def streams_u(self, i: int) -> float:
        """A uniform from member ``i``'s own leave stream (rarely needed, so not pre-drawn)."""
        return float(self.streams.get("leave", i).random())

    def _expire_questions(self, t: float) -> None:
        while self._deadlines and self._deadlines[0][0] <= t:
            _, qid = heapq.heappop(self._deadlines)
            q = self.open_questions.pop(qid, None)
            if q is not None:
                self.g.bump_satisfaction(q.sender, -self.traits.get(q.sender, {}).get("unanswered_cost", 0.0), t)

    def _end_of_day(self, day: int, t: float) -> None:
        g = self.g
        n = g.n
        readers = g.present[:n] & g.reader[:n]
        ids = np.flatnonzero(readers)
        counts = [int(round(c - c0)) for c, c0 in zip(g.cum[:N_KINDS], self._cum_at_day_start)]
        posts = np.asarray(g.posts, dtype=np.int64)
        posters = int(np.count_nonzero(posts[: len(self._posts_at_day_start)] - self._posts_at_day_start))
        posters += int(np.count_nonzero(posts[len(self._posts_at_day_start) :]))
        gone = self.deleted_by_day.get(day, [0, 0])
        visible_ads, visible = counts[_AD] - gone[0], sum(counts) - gone[1]
        row: dict[str, Any] = {
            "day": day,
            "members": int(g.count),
            "active_members": int((readers & ~g.muted[:n]).sum()),
            "posters": posters,
            "messages": int(sum(counts)),
            "member_messages": int(sum(counts[k] for k in MEMBER_KINDS)),
            **{f"msgs_{name}": int(counts[k]) for k, name in enumerate(KIND_NAMES)},
            "visible_ads": int(visible_ads),
            "visible_messages": int(visible),
            "ad_share": float(visible_ads / visible) if visible else 0.0,
            "mean_satisfaction": float(g.satisfaction_now(ids, t).mean()) if len(ids) else float("nan"),
            **self.day_counts,
        }
        self.days.append(row)
        if self.scenario.group.volunteer_admins.max_admins:
            promote_volunteers(self, t)
        if self.outcome is None:
            verdict = self.judge.judge(row, self._members_at_day_start)
            if verdict is not None:
                outcome, reason = verdict
                self.outcome = (outcome, day + 1.0, reason)
                self.log.add(t, "outcome", kind=outcome.value)
                if self.scenario.outcomes.stop_on_outcome and not self._stop.triggered:
                    self._stop.succeed()
        self._cum_at_day_start = g.cum[:N_KINDS]
        self._posts_at_day_start = posts
        self.day_counts = {"joins": 0, "leaves": 0, "kicks": 0, "deleted": 0}
        self._members_at_day_start = int(g.count)
        g.prune_deletions()

    def _dissolve(self) -> None:
        t = self.env.now
        self.log.add(t, "dissolve")
        if self.outcome is None:
            self.outcome = (Outcome.DISSOLVED, t / MINUTES_PER_DAY, "dissolved as planned")
            self.log.add(t, "outcome", kind=Outcome.DISSOLVED.value)
        day = int(t // MINUTES_PER_DAY)
        if not self.days or self.days[-1]["day"] < day:
            self._end_of_day(day, t)
        if not self._stop.triggered:
            self._stop.succeed()

    # ---- running -------------------------------------------------------------
    def run(self) -> RunResult:
        self._members_at_day_start = int(self.g.count)
        self.env.run(until=self._stop)
        from sim.summary import summarise

        self.log.attach_messages(self.g.messages, KIND_NAMES)
        summary = summarise(self)
        return RunResult(summary, self.days, self.log, summary["event_log_digest"])


def run_scenario(scenario: Scenario, seed: int | None = None, run_id: str = "") -> RunResult:
    """Build and run one replication."""
    return Simulation(scenario, seed, run_id).run()


def _json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)
