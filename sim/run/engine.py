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

from rules import MemberJoined, MemberLeft, MessageForm, MessagePosted, RulesetSpec
from sim.model.agents import ANSWER_TEXTS, ANSWER_VALUE, CHAT_TEXTS, CHAT_VALUE, QUESTION_TEXTS
from sim.model.agents import Operator
from sim.base.clock import MINUTES_PER_DAY, DiurnalClock, lexsort2
from sim.model.activities import Calendar
from sim.model.business import Ledger as BusinessLedger
from sim.model.entry import EntryGate
from sim.model.lifecycle import Lifecycle
from sim.model.group import LEGIT, N_KINDS, Group
from sim.model.messages import KIND_NAMES, Kind, Message
from sim.model.moderation import Moderation
from sim.model.outcomes import Outcome, OutcomeJudge
from sim.base.records import EventLog
from sim.model.roles.cascades import CascadeModel
from sim.model.roles.registry import builder_for
from sim.model.roles.staff import CALLOUT_TEXTS
from sim.spec.scenario import Scenario, resolve_ruleset
from sim.base.streams import Streams
from sim.model.ticks import Ticks

_INFORMATION = 1  # VALUE_DIMENSIONS.index("information")
_CONNECTIONS = 5  # VALUE_DIMENSIONS.index("connections")
_NO_TRAITS: dict[str, float] = {}


@dataclass
class RunResult:
    """Everything one run produced."""

    summary: dict[str, Any]
    days: list[dict[str, Any]]
    log: EventLog
    digest: str = field(default="")


class Simulation(Ticks):
    """A single run. Build with a validated scenario, call :meth:`run` once."""

    def __init__(
        self, scenario: Scenario, seed: int | None = None, run_id: str = "", *,
        env: simpy.Environment | None = None, streams: Streams | None = None,
    ) -> None:
        self.scenario = resolve_ruleset(scenario)
        sc = self.scenario
        assert isinstance(sc.ruleset, RulesetSpec)
        self.seed = sc.seed if seed is None else int(seed)
        self.run_id = run_id or f"{sc.name}#{self.seed}"
        # A portfolio (sim/run/portfolio.py) runs several groups in one environment, each on its own streams.
        self.env = simpy.Environment() if env is None else env
        self.streams = Streams(self.seed) if streams is None else streams
        self.peers: list[Simulation] = []  # other groups sharing this environment
        self.attention: Any = None  # an operator's attention shared by a portfolio's groups
        self.blacklist: set[Any] | None = None  # persons refused at the door (a portfolio's shared blacklist)
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
        # the cast beyond members (sim/model/roles/): ledgers, answerers, counters for the summary
        self.ledgers: list[Any] = []
        self.answerers: list[Any] = []
        self.reports: list[Any] = []
        self.review_times: list[float] = []  # hourly reviews and how many members looked at each
        self.review_counts: list[int] = []
        self._inviter: dict[int, int] = {}
        self.poached = self.brigade_complaints = self.grievance_complaints = 0
        self.shill_exposures = self.referrals = 0
        self.private_complaints = 0  # grievances voiced in private chat after a PrivateTalk
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
        # group designs (sim/model/entry.py, sim/model/activities.py, sim/model/lifecycle.py, sim/model/business.py)
        entry = sc.group.entry
        self.entry_gate = EntryGate(self) if entry.policy != "open" or entry.waiting_list else None
        self.account_joins: dict[tuple[Any, int], int] = {}  # (person, day) -> groups joined (shared in a portfolio)
        self.person_of: dict[int, Any] = {}  # member id -> person across a portfolio's groups
        self.on_kick: Callable[[Simulation, int, float], None] | None = None  # a portfolio's hook
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
        self.calendar = Calendar(self)
        self.business = BusinessLedger(self)
        self.lifecycle = Lifecycle(self)
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
        """Build ``n`` agents of population entry ``k`` with its role's builder (sim/model/roles/registry.py)."""
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
        for peer in self.peers:  # another group's inline chatter must not run past this event
            if when < peer.horizon:
                peer.horizon = when

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
        order = lexsort2(ids, times)
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
        order = lexsort2(ids, hours)
        hours, ids, u = hours[order], ids[order], u[order]
        starts = np.flatnonzero(np.r_[True, hours[1:] != hours[:-1]])
        bounds = np.r_[starts, len(hours)]
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            self.visits[int(hours[a])] = (ids[a:b], u[a:b])

    def person(self, i: int) -> Any:
        """Who member ``i`` is across the groups of a portfolio (``i`` itself in a lone group)."""
        return self.person_of.get(i, i)

    def _stopped(self) -> bool:
        return self._stop.triggered

    def try_join(self, i: int, t: float | None = None) -> bool:
        """``i`` joins at ``t`` unless the group is full or over; rules see the join."""
        g = self.g
        t = self.env.now if t is None else t
        if g.present[i] or self._stopped():
            return False
        gate = self.entry_gate
        if g.is_full():
            if gate is None or not gate.queue(i, t):
                self.log.add(t, "join_refused", i)
            return False
        if self.blacklist is not None and self.person(i) in self.blacklist:
            self.log.add(t, "join_refused", i, kind="blacklisted")
            return False
        if gate is not None and not gate.admit(i, t, i in self._inviter):
            self._inviter.pop(i, None)
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
        # Chat lines, questions and answers build their message here and go straight to
        # _posted (post() with its keyword defaults costs more than the rest of a chat line).
        messages, counter, posted, reply = g.messages, self.log.counter, self._posted, self._reply
        chat, question, text_form = Kind.CHAT, Kind.QUESTION, MessageForm.TEXT
        n, k = len(times), 0
        n_chat, n_q, n_a = len(CHAT_TEXTS), len(QUESTION_TEXTS), len(ANSWER_TEXTS)
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
            if uk < answer_p[i] and open_q:  # answer(i, ...) without the call
                if not g.present[i]:
                    continue
                for q in open_q.values():  # the oldest open question not their own
                    if q.sender != i:
                        break
                else:
                    continue
                del open_q[q.id]
                reply(i, q, ANSWER_TEXTS[int(ut * n_a)], t, ANSWER_VALUE)
            elif uk < question_p[i]:
                posted(Message(len(messages), next(counter), t, i, question, text_form, QUESTION_TEXTS[int(ut * n_q)]))
            elif experts and uk < expert_p[i]:  # a KOL's expert sharing
                self.post(i, Kind.CONTENT, "经验分享", t, value_dim=_INFORMATION, value=traits[i]["expert_value"])
            else:
                posted(Message(
                    len(messages), next(counter), t, i, chat, text_form, CHAT_TEXTS[int(ut * n_chat)],
                    False, False, False, False, _CONNECTIONS, CHAT_VALUE,
                ))

    def post(
        self, i: int, kind: Kind, text: str, t: float | None = None, *, form: MessageForm = MessageForm.TEXT,
        has_link: bool = False, value_dim: int = -1, value: float = 0.0, reply_to: int = -1,
        has_card: bool = False, has_mini_program: bool = False, has_image: bool = False,
    ) -> Message:
        """``i`` posts a message at ``t`` (default now); the rules judge it at once (the hot path)."""
        m = Message(
            len(self.g.messages), next(self.log.counter), self.env.now if t is None else t, i, kind, form, text,
            has_link, has_card, has_mini_program, has_image, value_dim, value, reply_to,
        )
        self._posted(m)
        return m

    def _posted(self, m: Message) -> None:
        """Account for a new message (built with the next id and log seq) and let the rules judge it."""
        g, t = self.g, m.time
        g.messages.append(m)
        cum = g.cum
        cum[m.kind] += 1.0
        if m.value_dim >= 0:
            cum[N_KINDS + m.value_dim] += m.value
        g.posts[m.sender] += 1
        if m.kind is Kind.QUESTION:
            self._open_question(m)
        if self._rules_on_post:
            g.now = t
            actions = self.rules.handle_post(MessagePosted(t, m), g)
            if actions:
                self.moderation.apply_all(actions, t)

    def _open_question(self, m: Message) -> None:
        self.questions += 1
        self.open_questions[m.id] = m
        patience = self.traits.get(m.sender, _NO_TRAITS).get("question_patience_hours", 12.0) * 60.0
        heapq.heappush(self._deadlines, (m.time + patience, m.id))
        if self.operator is not None:
            self.operator.maybe_answer(m.id, m.time)
        for staff in self.answerers:
            staff.maybe_answer(m.id, m.time)

    def complain(self, i: int, text: str, t: float) -> Message | None:
        """``i`` posts a complaint; each friend counts it with weight w (sim/model/roles/cascades.py).

        A legitimate member whom staff have talked round in private chat
        (:class:`rules.PrivateTalk`) voices it there instead: nothing is posted
        and no friend hears it (seed 001 §一.6: 群友之间有意见冲突，请私下小窗沟通).
        """
        g = self.g
        if g.private_until[i] > t and g.truth[i] == LEGIT:
            self.private_complaints += 1
            self.log.add(t, "private_complaint", i)
            return None
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
        if q is not None:
            self._reply(i, q, text, t, value)

    def _reply(self, i: int, q: Message, text: str, t: float, value: float) -> None:
        """``i`` answers question ``q`` (already taken off the open list); the asker is glad of it."""
        self.answered += 1
        self._posted(Message(
            len(self.g.messages), next(self.log.counter), t, i, Kind.ANSWER, MessageForm.TEXT, text,
            False, False, False, False, _INFORMATION, value, q.id,
        ))
        self.g.bump_satisfaction(q.sender, self.traits.get(q.sender, _NO_TRAITS).get("answered_gain", 0.0), t)

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
        if self.entry_gate is not None and self.entry_gate.waiting:
            self.entry_gate.on_leave(t)
        if self.on_kick is not None and kicked_by:
            self.on_kick(self, i, t)

    # ---- running -------------------------------------------------------------
    def run(self) -> RunResult:
        self._members_at_day_start = int(self.g.count)
        self.env.run(until=self._stop)
        from sim.run.summary import summarise

        self.log.attach_messages(self.g.messages, KIND_NAMES)
        summary = summarise(self)
        return RunResult(summary, self.days, self.log, summary["event_log_digest"])


def run_scenario(scenario: Scenario, seed: int | None = None, run_id: str = "") -> RunResult:
    """Build and run one replication."""
    return Simulation(scenario, seed, run_id).run()


def _json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)
