"""Entry policies: who gets into the group, and when (docs/MODEL.md, "Entry policies").

The gate judges each first entry of a member or adversary (staff always get in,
and a member coming back after an upheld appeal is not judged again):

* ``open``: everyone gets in (the default; no gate is built).
* ``qr_code``: arrivals come through a QR code that expires ``qr_valid_days``
  after it was made; the operator posts a fresh one every ``qr_renew_days``
  (never, if unset). An account may join at most ``joins_per_account_per_day``
  groups a day (seed 001 §九.1); the count is per person across the groups of a
  portfolio (sim/run/portfolio.py). Invited friends (转介绍) do not need the code.
* ``invite_approval``: the owner approves a genuine request with
  ``approve_probability`` and spots and refuses an adversary's account with
  ``spot_probability`` (seed 001 §一.9).
* ``paid``: a member joins only if their ``willingness_to_pay`` reaches ``fee``;
  a responsive ad spammer pays only if the seat is worth more to it than the fee
  (``Spammer.pays``), a fixed one if the fee fits its budget; other adversaries pay. A paying member's
  leave threshold falls by ``commitment`` (sunk cost) (seed 000: "paying is the
  best filter"; seed 004: members want people, money, knowledge).
* ``invitation_only``: a member gets in only if their ``screening_score``
  reaches ``min_screening_score``; adversaries never pass (seed 000, 003:
  super-user groups, published screening rules).

With ``waiting_list``, a member who finds the group full (WeChat: 500) waits;
each departure admits the longest-waiting one, unless they waited more than
``max_wait_days``. Adversaries and staff are refused rather than queued.
Every refusal is a ``join_refused`` event whose kind column says why.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from sim.base.clock import MINUTES_PER_DAY
from sim.model.roster import ADVERSARY, LEAVE_THR, STAFF

if TYPE_CHECKING:
    from sim.model.world import World


class EntryGate:
    """Applies the scenario's entry policy (built only when it is not ``open`` or keeps a waiting list)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.cfg = world.scenario.group.entry
        self.waiting: deque[tuple[int, float]] = deque()
        self.refused: dict[str, int] = {}
        self.fees = 0.0  # entry fees paid (yuan; business results)
        self.day_refused = 0
        self.day_fees = 0.0
        self._ledger_of: dict[int, object] | None = None

    # ---- the gate ------------------------------------------------------------------
    def admit(self, i: int, t: float, invited: bool) -> bool:
        """Whether ``i`` may join now; a refusal is logged here."""
        world, g, cfg = self.world, self.world.roster, self.cfg
        if g.truth[i] == STAFF or g.ever_joined[i]:
            return True
        policy = cfg.policy
        why = ""
        if policy == "qr_code" and not invited:
            why = self._qr(i, t)
        elif policy == "invite_approval":
            u = float(world.streams.get("entry-approval", i).random())
            spotted = g.truth[i] == ADVERSARY and u < cfg.spot_probability
            if spotted or (g.truth[i] != ADVERSARY and u >= cfg.approve_probability):
                why = "not_approved"
        elif policy == "paid":
            why = self._pay(i, t)
        elif policy == "invitation_only":
            score = world.traits.get(i, {}).get("screening_score", 0.0)
            if g.truth[i] == ADVERSARY or score < cfg.min_screening_score:
                why = "screened_out"
        if why:
            self.refuse(i, t, why)
            return False
        return True

    def _qr(self, i: int, t: float) -> str:
        cfg = self.cfg
        made = 0.0
        if cfg.qr_renew_days is not None:
            made = (t // (cfg.qr_renew_days * MINUTES_PER_DAY)) * cfg.qr_renew_days * MINUTES_PER_DAY
        if t - made > cfg.qr_valid_days * MINUTES_PER_DAY:
            return "qr_expired"
        accounts = self.world.ties.account_joins
        key = (self.world.person(i), int(t // MINUTES_PER_DAY))
        if accounts.get(key, 0) >= cfg.joins_per_account_per_day:
            return "account_join_limit"
        accounts[key] = accounts.get(key, 0) + 1
        return ""

    def _pay(self, i: int, t: float) -> str:
        world, fee = self.world, self.cfg.fee
        if world.roster.truth[i] == ADVERSARY:
            if self._ledger_of is None:
                self._ledger_of = {a: x for x in world.cast.ledgers for a in x.accounts}
            ledger = self._ledger_of.get(i)
            if ledger is None:
                self._ledger_of = {a: x for x in world.cast.ledgers for a in x.accounts}
                ledger = self._ledger_of.get(i)
            owner = getattr(ledger, "owner", None)
            if owner is not None:  # an ad spammer decides (sim/model/adversaries/spammers.py, Spammer.pays)
                if not owner.pays(fee, t):
                    return "fee_too_high"
            elif ledger is not None:
                if ledger.spent + fee > ledger.budget:  # type: ignore[attr-defined]
                    return "fee_too_high"
                ledger.spent += fee  # type: ignore[attr-defined]
        elif world.traits.get(i, {}).get("willingness_to_pay", 0.0) < fee:
            return "fee_too_high"
        if world.roster.reader[i]:
            world.roster.paid_flag[i] = True
            world.roster.par[i, LEAVE_THR] -= self.cfg.commitment
        self.fees += fee
        self.day_fees += fee
        return ""

    def refuse(self, i: int, t: float, why: str) -> None:
        self.refused[why] = self.refused.get(why, 0) + 1
        self.day_refused += 1
        self.world.log.add(t, "join_refused", i, kind=why)

    # ---- the waiting list ------------------------------------------------------------
    def queue(self, i: int, t: float) -> bool:
        """Put a member who found the group full on the waiting list (True if queued)."""
        if not self.cfg.waiting_list or not self.world.roster.reader[i] or self.world.roster.truth[i] == ADVERSARY:
            return False
        self.waiting.append((i, t))
        self.world.log.add(t, "wait", i)
        return True

    def on_leave(self, t: float) -> None:
        """A place came free: admit the longest-waiting member still willing."""
        limit = self.cfg.max_wait_days * MINUTES_PER_DAY
        while self.waiting:
            i, since = self.waiting.popleft()
            if t - since > limit:
                self.refuse(i, t, "gave_up_waiting")
                continue
            if self.world.join(i, t):
                return

    def day_row(self, t: float) -> dict[str, float]:
        """This day's entry figures for the per-day series (then reset)."""
        limit = self.cfg.max_wait_days * MINUTES_PER_DAY
        while self.waiting and t - self.waiting[0][1] > limit:  # first in, first to give up
            self.refuse(self.waiting.popleft()[0], t, "gave_up_waiting")
        row = {"refused": self.day_refused, "waiting": len(self.waiting), "entry_fees": self.day_fees}
        self.day_refused, self.day_fees = 0, 0.0
        return row


    def summary(self) -> dict[str, float]:
        """Entry totals for the run summary."""
        return {"refused": int(sum(self.refused.values())), "entry_fees": float(self.fees), "waiting_at_end": len(self.waiting)}


class NoGate:
    """An open group with no waiting list: everyone gets in, nobody waits, nothing is counted."""

    waiting: tuple[()] = ()

    def admit(self, i: int, t: float, invited: bool) -> bool:  # noqa: D102
        return True

    def queue(self, i: int, t: float) -> bool:  # noqa: D102
        return False

    def on_leave(self, t: float) -> None:  # noqa: D102
        return None

    def day_row(self, t: float) -> dict[str, float]:  # noqa: D102
        return {"refused": 0, "waiting": 0, "entry_fees": 0.0}

    def summary(self) -> dict[str, float]:  # noqa: D102
        return {"refused": 0, "entry_fees": 0.0, "waiting_at_end": 0}


Gate = EntryGate | NoGate


def gate_for(world: World) -> Gate:
    """The gate of ``world``'s entry policy: an :class:`EntryGate`, or :class:`NoGate` for an open group."""
    entry = world.scenario.group.entry
    return EntryGate(world) if entry.policy != "open" or entry.waiting_list else NoGate()


__all__ = ["EntryGate", "Gate", "NoGate", "gate_for"]
