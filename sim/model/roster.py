"""The group's state: who is in it, what was said, and what each member has taken in.

Per-member state lives in growable numpy arrays (structure of arrays) so the
hourly review of members can be vectorised. A message never visits its
readers: it adds to the group's cumulative accumulators (a count per message
kind and value units per value dimension), and each member integrates what
was added since they last looked, at their own visits (docs/MODEL.md,
"Exposure without visiting readers"). Deleted messages are subtracted for the
members who had not seen them before the deletion.

:class:`Roster` also implements :class:`rules.GroupView`, the read-only view
rules judge against.
"""

from __future__ import annotations

import math

import numpy as np

from rules import VisibleRole
from sim.model.messages import N_KINDS, Kind, Message
from sim.spec.scenario import VALUE_DIMENSIONS

N_DIMS = len(VALUE_DIMENSIONS)
N_FEATURES = N_KINDS + N_DIMS
_VISIBLE = (VisibleRole.OWNER, VisibleRole.ADMIN, VisibleRole.MEMBER)
OWNER, ADMIN, MEMBER = 0, 1, 2

# Columns of Roster.par: per-member reading and satisfaction parameters.
TAU, MUTE_THR, LEAVE_THR, READ_CAP, AD_ANNOY, CONFLICT_ANNOY, NOISE_TOL, NOISE_ANNOY, MUTED_ATTENTION, MUTED_POST = range(10)
N_PAR = 10

# What an agent truly is, for ground truth; rules never see this.
LEGIT, STAFF, ADVERSARY = 0, 1, 2


class Roster:
    """All state of one group in one run. Times are minutes."""

    def __init__(self, capacity: int, expected: int = 64) -> None:
        self.capacity = capacity
        self.now = 0.0
        self.n = 0  # agents ever created; ids are 0..n-1
        self.count = 0  # members present now
        self.messages: list[Message] = []
        # Hot-path scalars as Python lists (cheaper to index than numpy one by one).
        self.posts: list[int] = []
        self.eng: list[float] = []  # posting engagement, refreshed at each review
        self.muted_until: list[float] = []  # a rule's mute (禁言) ends then
        self.answer_p: list[float] = []  # chance a post answers an open question
        self.question_p: list[float] = []  # answer_p + chance a post is a question
        self.expert_p: list[float] = []  # question_p + chance a post is expert content (KOL)
        self.cum = [0.0] * N_FEATURES  # what was ever posted, per kind count and value dim
        # Cascade accumulators (docs/MODEL.md, "Cascades"): departures, shill exposures
        # and punishments (deletions, kicks) ever seen in the group.
        self.cum_leaves = 0.0
        self.cum_exposures = 0.0
        self.cum_punish = 0.0
        self._del_tpost: list[float] = []
        self._del_feat: list[np.ndarray] = []
        self._del_cache: tuple[np.ndarray, np.ndarray] | None = None
        self._grow(max(expected, 16))

    # ---- storage -------------------------------------------------------------
    def _grow(self, size: int) -> None:
        def grow(name: str, dtype: type, fill: float | int | bool, shape: tuple[int, ...] = ()) -> None:
            old = getattr(self, name, None)
            new = np.full((size, *shape), fill, dtype=dtype)
            if old is not None:
                new[: len(old)] = old
            setattr(self, name, new)

        grow("present", bool, False)
        grow("ever_joined", bool, False)
        grow("joined_at", float, np.nan)
        grow("left_at", float, np.nan)
        grow("visible", np.int8, MEMBER)
        grow("truth", np.int8, LEGIT)
        grow("entry", np.int16, -1)
        grow("reader", bool, False)
        grow("warn_count", np.int32, 0)
        grow("paid_flag", bool, False)  # paid a fee or a pay-to-post red packet (rules see it)
        grow("inviter", np.int64, -1)  # who invited the member, -1 if nobody (rules see it)
        # satisfaction and reading (readers only)
        grow("sat", float, 0.0)
        grow("sat_time", float, 0.0)
        grow("par", float, 1.0, (N_PAR,))
        grow("muted", bool, False)
        grow("last_read", float, 0.0)
        grow("last_look", float, 0.0)
        grow("report_p", float, 0.0)  # chance of reporting a harmful message seen (members/reports.py)  # minute of the last visit (harmful messages; members/harmful.py)
        grow("needs", float, 0.0, (N_DIMS,))
        grow("snap", float, 0.0, (N_FEATURES,))
        # cascades: counts at joining, friends' share of them, thresholds (docs/MODEL.md)
        grow("base_leaves", float, 0.0)
        grow("base_complaints", float, 0.0)
        grow("friend_leaves", float, 0.0)
        grow("friend_complaints", float, 0.0)
        grow("thr_leave", float, 1e9)
        grow("thr_complain", float, 1e9)
        grow("cascaded", bool, False)
        grow("volunteer", bool, False)
        grow("private_until", float, -1.0)  # talked round in private chat until then (PrivateTalk)
        grow("snap_exposures", float, 0.0)
        grow("snap_punish", float, 0.0)
        grow("exposure_loss", float, 0.0)
        grow("imitation", float, 0.0)
        grow("chilling", float, 0.0)
        self._size = size

    def new_agent(self, entry: int, truth: int, visible: int = MEMBER) -> int:
        """Reserve an id for an agent (not yet in the group)."""
        if self.n >= self._size:
            self._grow(self._size * 2)
        i = self.n
        self.n += 1
        self.posts.append(0)
        self.eng.append(0.0)
        self.muted_until.append(-1.0)
        self.answer_p.append(0.0)
        self.question_p.append(0.0)
        self.expert_p.append(0.0)
        self.entry[i] = entry
        self.truth[i] = truth
        self.visible[i] = visible
        return i

    # ---- membership ----------------------------------------------------------
    def is_full(self) -> bool:
        return self.count >= self.capacity

    def join(self, i: int, t: float) -> None:
        self.present[i] = True
        self.ever_joined[i] = True
        self.joined_at[i] = t
        self.left_at[i] = np.nan
        self.count += 1
        if self.reader[i]:
            self.snap[i] = self.cum
            self.last_read[i] = t
            self.last_look[i] = t
            self.sat_time[i] = t
            self.base_leaves[i] = self.cum_leaves
            self.base_complaints[i] = self.cum[Kind.COMPLAINT]
            self.snap_exposures[i] = self.cum_exposures
            self.snap_punish[i] = self.cum_punish

    def remove(self, i: int, t: float) -> None:
        self.present[i] = False
        self.left_at[i] = t
        self.count -= 1

    # ---- messages ------------------------------------------------------------

    def delete_message(self, m: Message, t: float) -> bool:
        """Mark ``m`` deleted at ``t``; False if it already was."""
        if m.deleted_at >= 0:
            return False
        m.deleted_at = t
        self.cum_punish += 1.0
        feat = np.zeros(N_FEATURES)
        feat[m.kind] = 1.0
        if m.value_dim >= 0:
            feat[N_KINDS + m.value_dim] = m.value
        self._del_tpost.append(m.time)
        self._del_feat.append(feat)
        self._del_cache = None
        return True

    def unseen_deleted(self, last_read: np.ndarray) -> np.ndarray | None:
        """Per reader, the features of messages deleted before they could see them."""
        if not self._del_tpost:
            return None
        if self._del_cache is None:
            self._del_cache = (np.asarray(self._del_tpost), np.vstack(self._del_feat))
        tpost, feat = self._del_cache
        mask = tpost[None, :] > last_read[:, None]  # posted after their last look, so never seen
        if not mask.any():
            return None
        return mask.astype(float) @ feat

    def prune_deletions(self) -> None:
        """Forget deletions every present reader has already accounted for."""
        readers = self.present[: self.n] & self.reader[: self.n]
        if not self._del_tpost or not readers.any():
            return
        oldest = float(self.last_read[: self.n][readers].min())
        keep = [k for k, tp in enumerate(self._del_tpost) if tp > oldest]
        if len(keep) < len(self._del_tpost):
            self._del_tpost = [self._del_tpost[k] for k in keep]
            self._del_feat = [self._del_feat[k] for k in keep]
            self._del_cache = None

    def satisfaction_now(self, ids: np.ndarray, t: float) -> np.ndarray:
        """Satisfaction of ``ids`` decayed to ``t`` (lazily stored)."""
        return self.sat[ids] * np.exp(-(t - self.sat_time[ids]) / self.par[ids, TAU])

    def bump_satisfaction(self, i: int, amount: float, t: float) -> None:
        """Add ``amount`` to member ``i``'s satisfaction at time ``t``."""
        if not self.reader[i]:
            return
        decayed = float(self.sat[i]) * math.exp(-(t - float(self.sat_time[i])) / float(self.par[i, TAU]))
        self.sat[i] = decayed + amount
        self.sat_time[i] = t

    # ---- rules.GroupView -----------------------------------------------------
    def member_count(self) -> int:
        return self.count

    def is_member(self, member: int) -> bool:
        return 0 <= member < self.n and bool(self.present[member])

    def visible_role(self, member: int) -> VisibleRole:
        return _VISIBLE[self.visible[member]]

    def tenure(self, member: int) -> float:
        joined = float(self.joined_at[member])
        return 0.0 if joined != joined else self.now - joined  # NaN: never joined

    def warnings(self, member: int) -> int:
        return int(self.warn_count[member])

    def members(self) -> list[int]:
        """Present members, in id order."""
        return np.flatnonzero(self.present[: self.n]).tolist()  # type: ignore[no-any-return]

    def paid(self, member: int) -> bool:
        return bool(self.paid_flag[member])

    def invited_by(self, member: int) -> int | None:
        inviter = int(self.inviter[member])
        return None if inviter < 0 else inviter
