"""Posting: members' chatter, questions and answers, complaints, and the judging of every post.

All members' candidate posts (drawn when they are built, sim/model/members/build.py)
are merged into one time-sorted set of columns and run as one process
(:meth:`Posting.chatter`). A question stays open until it is answered or the
asker's patience runs out (their satisfaction pays for it). Every message goes
through :meth:`Posting.posted`, which accounts for it and lets the rules judge it.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from rules import MessageForm, MessagePosted
from sim.base.clock import lexsort2
from sim.model.members.build import ANSWER_VALUE, CHAT_VALUE
from sim.model.members.forwarding import Forwarding
from sim.model.members.harmful import HarmfulViews
from sim.model.members.norms import Norms
from sim.model.members.reports import MemberReports
from sim.model.members.watched import Watched
from sim.model.roster import ADVERSARY, LEGIT
from sim.model.messages import N_KINDS, Kind, Message

if TYPE_CHECKING:
    from sim.model.world import World

_INFORMATION = 1  # VALUE_DIMENSIONS.index("information")
_CONNECTIONS = 5  # VALUE_DIMENSIONS.index("connections")
_NO_TRAITS: dict[str, float] = {}


class Posting:
    """Members' posts and the questions they leave open, for one group."""

    def __init__(self, world: World) -> None:
        self.world = world
        # Members' candidate posts, merged over all members (see chatter): chunks while
        # building, then one time-sorted set of columns; late additions go to a heap.
        self._chunks: list[tuple[np.ndarray, ...]] | None = []
        self._posts: tuple[list[Any], ...] = ([], [], [], [], [])
        self._late: list[tuple[float, int, float, float, float]] = []
        self.open_questions: dict[int, Message] = {}
        self.bystand = 1.0  # share of would-be answers given, diluted by size (members/review.py)
        self._deadlines: list[tuple[float, int]] = []
        self.answerers: list[Any] = []  # staff who answer open questions (sim/model/staff/crew.py)
        self.questions = self.answered = 0
        self.private_complaints = 0  # grievances voiced in private chat after a PrivateTalk
        self.shill_exposures = 0
        self._rules_on_post = world.rules.wants(MessagePosted)
        self.harmful = HarmfulViews(world)  # harmful messages, followed exactly (sim/model/members/harmful.py)
        self.reports = self.harmful.reports = MemberReports(world, self.harmful)  # sim/model/members/reports.py
        self.texts = world.scenario.texts.pools()  # what members write (scenarios/texts/, sim/spec/texts.py)
        # Norms and forwarding (sim/model/members/norms.py, forwarding.py) read other messages exactly too.
        self.watched = Watched(world)
        self.norms = Norms(world, self.harmful, self.reports, self.watched)
        self.forwarding = Forwarding(world, self.harmful, self.watched)
        if self.norms.active or self.forwarding.active:
            self.harmful.watchers.insert(0, self.watched)

    # ---- candidate posts -------------------------------------------------------------
    def add_posts(self, ids: np.ndarray, times: np.ndarray, draws: np.ndarray) -> None:
        """Members ``ids[k]`` may post at ``times[k]``; ``draws[k]`` = (accept, kind, text) uniforms."""
        if self._chunks is not None:  # still building: merge all members at once later
            self._chunks.append((times, ids, draws))
            return
        for rec in zip(times.tolist(), ids.tolist(), *draws.T.tolist()):
            heapq.heappush(self._late, rec)
        timeline = self.world.timeline
        timeline.horizon = min(timeline.horizon, float(times.min())) if len(times) else timeline.horizon

    def merge(self) -> None:
        """After building: all members' candidates as one time-sorted set of columns."""
        chunks, self._chunks = self._chunks or [], None
        if not chunks:
            return
        times = np.concatenate([c[0] for c in chunks])
        ids = np.concatenate([c[1] for c in chunks])
        draws = np.concatenate([c[2] for c in chunks])
        order = lexsort2(ids, times)
        d = draws[order]
        self._posts = (times[order].tolist(), ids[order].tolist(), d[:, 0].tolist(), d[:, 1].tolist(), d[:, 2].tolist())

    def chatter(self) -> Generator[Any, Any, None]:
        """All members' posting, as one process over their merged candidate times.

        Between two simpy events nothing else can happen, so candidates that fall
        before the next scheduled event (``horizon``) are handled inline, at their
        own time, without a simpy event each; the result is the same as one
        timeout per candidate, in the same order. A candidate becomes a post with
        probability ``engagement`` (0 for anyone not in the group, so leavers and
        refused joiners never post), and not while a rule's mute lasts.
        """
        w = self.world
        env, g, timeline = w.env, w.roster, w.timeline
        stop = timeline.stop_event
        times, ids, u_accept, u_kind, u_text = self._posts
        late = self._late
        eng, muted_until = g.eng, g.muted_until
        answer_p, question_p, expert_p = g.answer_p, g.question_p, g.expert_p
        experts = any(getattr(e.params, "expert_share", 0.0) != 0.0 for e in w.scenario.population)
        traits = w.traits
        open_q = self.open_questions
        # Chat lines, questions and answers build their message here and go straight to
        # posted (post() with its keyword defaults costs more than the rest of a chat line).
        messages, counter, posted, reply = g.messages, w.log.counter, self.posted, self._reply
        chat, question, text_form = Kind.CHAT, Kind.QUESTION, MessageForm.TEXT
        n, k = len(times), 0
        # The text is the candidate's own pre-drawn uniform `ut` into the scenario's pool (per member, see build.py).
        pools, links = self.texts.texts, self.texts.links
        chat_texts, q_texts, a_texts = pools["member_chat"], pools["member_question"], pools["member_answer"]
        chat_link, q_link, a_link = links["member_chat"], links["member_question"], links["member_answer"]
        n_chat, n_q, n_a = len(chat_texts), len(q_texts), len(a_texts)
        while True:
            if late and (k >= n or late[0][0] < times[k]):
                t, i, ua, uk, ut = heapq.heappop(late)
            elif k < n:
                t, i, ua, uk, ut = times[k], ids[k], u_accept[k], u_kind[k], u_text[k]
                k += 1
            else:
                return
            if t >= timeline.horizon:  # another event comes first: let simpy order it
                yield env.timeout(t - env.now)
                if stop.triggered:
                    return
                timeline.horizon = env.peek()
            if ua >= eng[i] or muted_until[i] > t:
                continue
            if uk < answer_p[i] and open_q and ua < eng[i] * self.bystand:  # answer(i, ...) without the call
                if not g.present[i]:
                    continue
                for q in open_q.values():  # the oldest open question not their own
                    if q.sender != i:
                        break
                else:
                    continue
                del open_q[q.id]
                j = int(ut * n_a)
                reply(i, q, a_texts[j], t, ANSWER_VALUE, a_link[j])
            elif uk < question_p[i] and (uk >= answer_p[i] or not open_q):  # a bystander chats instead
                j = int(ut * n_q)
                if q_link[j]:
                    self.post(i, question, q_texts[j], t, form=MessageForm.LINK, has_link=True)
                else:
                    posted(Message(len(messages), next(counter), t, i, question, text_form, q_texts[j]))
            elif experts and uk < expert_p[i]:  # a KOL's expert sharing
                self.post(i, Kind.CONTENT, "经验分享", t, value_dim=_INFORMATION, value=traits[i]["expert_value"])
            else:
                j = int(ut * n_chat)
                if chat_link[j]:  # e.g. a link to the brand's own shop: a link, though not an ad
                    self.post(i, chat, chat_texts[j], t, form=MessageForm.LINK, has_link=True, value_dim=_CONNECTIONS, value=CHAT_VALUE)
                else:
                    posted(Message(
                        len(messages), next(counter), t, i, chat, text_form, chat_texts[j],
                        False, False, False, False, _CONNECTIONS, CHAT_VALUE,
                    ))

    # ---- messages ----------------------------------------------------------------------
    def post(
        self, i: int, kind: Kind, text: str, t: float | None = None, *, form: MessageForm = MessageForm.TEXT,
        has_link: bool = False, value_dim: int = -1, value: float = 0.0, reply_to: int = -1,
        has_card: bool = False, has_mini_program: bool = False, has_image: bool = False,
    ) -> Message:
        """``i`` posts a message at ``t`` (default now); the rules judge it at once (the hot path)."""
        w = self.world
        m = Message(
            len(w.roster.messages), next(w.log.counter), w.env.now if t is None else t, i, kind, form, text,
            has_link, has_card, has_mini_program, has_image, value_dim, value, reply_to,
        )
        self.posted(m)
        if form is MessageForm.RED_PACKET:
            self.forwarding.track_red_packet(m)
        return m

    def after_removal(self, m: Message, rule: str, t: float) -> None:
        """Message ``m`` was removed by ``rule``: rules on ``message_removed`` see who saw it (norms.py)."""
        self.norms.after_removal(m, rule, t)

    def posted(self, m: Message) -> None:
        """Account for a new message (built with the next id and log seq) and let the rules judge it."""
        w = self.world
        g, t = w.roster, m.time
        g.messages.append(m)
        cum = g.cum
        cum[m.kind] += 1.0
        if m.value_dim >= 0:
            cum[N_KINDS + m.value_dim] += m.value
        g.posts[m.sender] += 1
        if (m.kind is Kind.AD or m.kind is Kind.COMPLAINT) and g.truth[m.sender] == ADVERSARY:
            self.harmful.track(m)  # followed exactly, viewer by viewer (sim/model/members/harmful.py)
        if m.kind is Kind.QUESTION:
            self._open_question(m)
        if self._rules_on_post:
            g.now = t
            actions = w.rules.handle_post(MessagePosted(t, m), g)
            if actions:
                w.moderation.apply_all(actions, t)

    def complain(self, i: int, text: str, t: float) -> Message | None:
        """``i`` posts a complaint; each friend counts it with weight w (sim/model/members/cascades.py).

        A legitimate member whom staff have talked round in private chat
        (:class:`rules.PrivateTalk`) voices it there instead: nothing is posted
        and no friend hears it (seed 001 §一.6: 群友之间有意见冲突，请私下小窗沟通).
        """
        w = self.world
        g = w.roster
        if g.private_until[i] > t and g.truth[i] == LEGIT:
            self.private_complaints += 1
            w.log.add(t, "private_complaint", i)
            return None
        m = self.post(i, Kind.COMPLAINT, text, t)
        if i in w.graph:
            fc = g.friend_complaints
            for j in w.graph.neighbors(i):
                fc[j] += 1.0
        return m

    def expose(self, i: int, t: float, *, callout: bool = True) -> None:
        """Staged behaviour by ``i`` is seen through: trust loss for every later reader (seed 000)."""
        w = self.world
        g = w.roster
        g.cum_exposures += 1.0
        self.shill_exposures += 1
        w.log.add(t, "exposed", -1, i)
        if callout:
            n = g.n
            legit = np.flatnonzero(g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT))
            if len(legit):
                j = int(legit[int(w.streams.get("callout", self.shill_exposures).integers(len(legit)))])
                callouts = self.texts.texts["member_callout"]
                self.complain(j, callouts[self.shill_exposures % len(callouts)], t)

    # ---- questions ---------------------------------------------------------------------
    def _open_question(self, m: Message) -> None:
        w = self.world
        self.questions += 1
        self.open_questions[m.id] = m
        patience = w.traits.get(m.sender, _NO_TRAITS).get("question_patience_hours", 12.0) * 60.0
        heapq.heappush(self._deadlines, (m.time + patience, m.id))
        w.operator.maybe_answer(m.id, m.time)
        for staff in self.answerers:
            staff.maybe_answer(m.id, m.time)

    def answer(
        self, i: int, text: str, t: float | None = None, *, question_id: int | None = None, value: float = ANSWER_VALUE
    ) -> None:
        """``i`` answers the given open question, or the oldest one not their own."""
        w = self.world
        if not w.roster.present[i]:
            return
        if t is None:
            t = w.env.now
        if question_id is None:
            question_id = next((q for q, m in self.open_questions.items() if m.sender != i), None)
        q = self.open_questions.pop(question_id, None) if question_id is not None else None
        if q is not None:
            self._reply(i, q, text, t, value)

    def _reply(self, i: int, q: Message, text: str, t: float, value: float, has_link: bool = False) -> None:
        """``i`` answers question ``q`` (already taken off the open list); the asker is glad of it."""
        w = self.world
        self.answered += 1
        self.posted(Message(
            len(w.roster.messages), next(w.log.counter), t, i, Kind.ANSWER, MessageForm.LINK if has_link else MessageForm.TEXT,
            text, has_link, False, False, False, _INFORMATION, value, q.id,
        ))
        w.roster.bump_satisfaction(q.sender, w.traits.get(q.sender, _NO_TRAITS).get("answered_gain", 0.0), t)

    def expire_questions(self, t: float) -> None:
        """Questions whose asker's patience ran out by ``t`` close unanswered, at the asker's cost."""
        w = self.world
        while self._deadlines and self._deadlines[0][0] <= t:
            _, qid = heapq.heappop(self._deadlines)
            q = self.open_questions.pop(qid, None)
            if q is not None:
                w.roster.bump_satisfaction(q.sender, -w.traits.get(q.sender, {}).get("unanswered_cost", 0.0), t)


__all__ = ["Posting"]
