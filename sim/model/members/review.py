"""The hourly review: members who visited in the hour read what came since their last look.

Vectorised over the visitors (docs/MODEL.md, "Exposure without visiting
readers"): what was posted since a member's last look, less what was deleted
before they saw it, capped by how much they read, moves their satisfaction
(value gained, ads, conflict and noise endured, staged shows seen through);
satisfaction sets their posting engagement, mutes the group for them (静音) or
makes them leave, perhaps complaining on the way out. Imitation and chilling
(sim/model/members/cascades.py) scale engagement when the scenario has them.

Attention (``group.attention``; seeds 001 §七.4 and 004): a reader takes
value from at most ``chat_lines_per_day`` member lines (chat and answers) a
day (more buries value instead of adding it: with the noise annoyance beyond
``noise_tolerance`` it makes the water group), and a member answers an open
question less often the bigger the group (``(bystander_size / N)^exponent``,
the bystander effect in chat rooms; set at each review for the posting process).
Volunteer admins who visit answer the oldest open question with
``visit_answer_probability`` (seed 001 §九.4: they share the load).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from sim.base.clock import MINUTES_PER_DAY, lexsort2
from sim.model.members.build import ANSWER_VALUE, CHAT_VALUE
from sim.model.members.cascades import engagement_factor
from sim.model.members.harmful import HarmfulViews
from sim.model.members.posting import Posting
from sim.model.roster import (
    AD_ANNOY, CONFLICT_ANNOY, LEAVE_THR, MUTE_THR, MUTED_ATTENTION, MUTED_POST, NOISE_ANNOY, NOISE_TOL,
    READ_CAP, TAU,
)
from sim.model.messages import N_KINDS, Kind
from sim.spec.scenario import VALUE_DIMENSIONS

if TYPE_CHECKING:
    from sim.model.world import World

_AD, _COMPLAINT, _CHAT = int(Kind.AD), int(Kind.COMPLAINT), int(Kind.CHAT)
_UNMUTE_MARGIN = 0.2  # hysteresis: a muted member unmutes only well above their threshold
_CONNECTIONS, _INFORMATION = VALUE_DIMENSIONS.index("connections"), VALUE_DIMENSIONS.index("information")
_ANSWER = int(Kind.ANSWER)
VOLUNTEER_ANSWER_TEXT = "我来回答：可以看群公告第3条"


class Review:
    """Members' visits and what each hour's visitors take in, for one group."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.visits: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] | None = []
        self.ad_views = 0.0
        self.harmful: HarmfulViews = cast(Posting, world.posting).harmful  # seen in continuous time
        self.review_times: list[float] = []  # hourly reviews and how many members looked at each
        self.review_counts: list[int] = []
        att = world.scenario.group.attention
        self.chat_cap = att.chat_lines_per_day  # None: every chat line read adds value
        self.bystander = (att.bystander_size, att.bystander_exponent)
        vol = world.scenario.group.volunteer_admins
        self.volunteer_answer = vol.visit_answer_probability if vol.max_admins else 0.0
        self._volunteer_rng = world.streams.get("volunteer-answers")
        self.volunteer_answers = 0
        self._behaviour = any(
            getattr(e.params, "imitation", 0.0) != 0.0 or getattr(e.params, "chilling", 0.0) != 0.0
            for e in world.scenario.population
        )

    def schedule_visits(self, ids: np.ndarray, hours: np.ndarray, u: np.ndarray, minutes: np.ndarray | None = None) -> None:
        """Members ``ids[k]`` visit in hour ``hours[k]``, at minute ``minutes[k]`` (default: the hour's middle).

        ``u[k]`` thins visits once muted.
        """
        minutes = hours * 60.0 + 30.0 if minutes is None else np.asarray(minutes, dtype=float)
        if self._chunks is not None:  # still building: merge all members at once later
            self._chunks.append((hours, ids, u, minutes))
            return
        for h in np.unique(hours).tolist():
            pick = hours == h
            old = self.visits.get(h, (np.empty(0, np.int64), np.empty(0), np.empty(0)))
            self.visits[h] = (
                np.concatenate([old[0], ids[pick]]), np.concatenate([old[1], u[pick]]), np.concatenate([old[2], minutes[pick]]),
            )

    def merge(self) -> None:
        """After building: all members' visits, grouped by hour."""
        chunks, self._chunks = self._chunks or [], None
        if not chunks:
            return
        hours = np.concatenate([c[0] for c in chunks])
        if not len(hours):
            return
        ids = np.concatenate([c[1] for c in chunks])
        u = np.concatenate([c[2] for c in chunks])
        minutes = np.concatenate([c[3] for c in chunks])
        order = lexsort2(ids, hours)
        hours, ids, u, minutes = hours[order], ids[order], u[order], minutes[order]
        starts = np.flatnonzero(np.r_[True, hours[1:] != hours[:-1]])
        bounds = np.r_[starts, len(hours)]
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            self.visits[int(hours[a])] = (ids[a:b], u[a:b], minutes[a:b])

    def review(self, hour: int, t: float) -> None:
        """Members who visited in ``hour`` read what came since their last look."""
        visit = self.visits.pop(hour, None)
        if visit is None:
            return
        w = self.world
        g = w.roster
        ids = np.asarray(visit[0], dtype=np.int64)
        par = g.par[ids]
        keep = g.present[ids] & (~g.muted[ids] | (np.asarray(visit[1]) < par[:, MUTED_ATTENTION]))
        n_keep = int(keep.sum())
        if n_keep == 0:
            return
        tau = np.asarray(visit[2], dtype=float)
        if n_keep < len(ids):
            ids, par, tau = ids[keep], par[keep], tau[keep]
        self.harmful.on_visits(ids, tau, t)
        size, exponent = self.bystander
        if exponent:  # the bystander effect: the bigger the group, the less each member answers
            cast(Posting, w.posting).bystand = min(1.0, (size / max(g.count, 1)) ** exponent)
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
        days = (t - last) / MINUTES_PER_DAY
        chat_read = f * counts[:, _CHAT]
        if self.chat_cap is not None:  # attention: member lines beyond what a reader can follow add nothing
            lines = chat_read + f * counts[:, _ANSWER]
            lost = np.maximum(lines - self.chat_cap * days, 0.0) / np.maximum(lines, 1e-12)
            gain -= lost * f * (CHAT_VALUE * counts[:, _CHAT] * g.needs[ids, _CONNECTIONS]
                                + ANSWER_VALUE * counts[:, _ANSWER] * g.needs[ids, _INFORMATION])
        ads = f * counts[:, _AD]
        annoy = par[:, AD_ANNOY] * ads + par[:, CONFLICT_ANNOY] * f * counts[:, _COMPLAINT]
        excess_chat = chat_read - par[:, NOISE_TOL] * days
        annoy += par[:, NOISE_ANNOY] * np.maximum(excess_chat, 0.0)
        if g.cum_exposures:  # staged shows seen through since the last look (sim/model/staff/crew.py)
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
        if self._behaviour:  # imitation and chilling (sim/model/members/cascades.py)
            talk = f * (counts[:, _CHAT] + counts[:, int(Kind.QUESTION)] + counts[:, int(Kind.ANSWER)])
            eng = np.clip(eng * engagement_factor(w, ids, talk, (t - last) / MINUTES_PER_DAY), 0.0, 1.0)
        g_eng = g.eng
        for i, e in zip(ids.tolist(), eng.tolist()):
            g_eng[i] = e
        changed = muted != was_muted
        if changed.any():
            for i, m in zip(ids[changed].tolist(), muted[changed].tolist()):
                w.log.add(t, "mute" if m else "unmute", i)
        leaving = sat < par[:, LEAVE_THR]
        if leaving.any():
            for i in ids[leaving].tolist():
                if self.leave_draw(i) < w.traits[i]["complain_on_leave"]:
                    complaints = w.posting.texts.texts["member_complaint"]
                    w.posting.complain(i, complaints[i % len(complaints)], t)
                w.leave(i)
        if self.volunteer_answer and w.posting.open_questions:
            self._volunteers_answer(ids, t)
        cascades = w.cascades
        if cascades.active and not cascades.sync:
            cascades.check_async(ids, t)

    def _volunteers_answer(self, ids: np.ndarray, t: float) -> None:
        """Volunteer admins among the visitors answer open questions (seed 001 §九.4: they share the load)."""
        g, posting = self.world.roster, self.world.posting
        for i in ids[g.volunteer[ids]].tolist():
            if not posting.open_questions:
                return
            if g.present[i] and self._volunteer_rng.random() < self.volunteer_answer:
                before = posting.answered
                posting.answer(i, VOLUNTEER_ANSWER_TEXT, t)
                self.volunteer_answers += posting.answered - before

    def leave_draw(self, i: int) -> float:
        """A uniform from member ``i``'s own leave stream (rarely needed, so not pre-drawn)."""
        return float(self.world.streams.get("leave", i).random())


__all__ = ["Review"]
