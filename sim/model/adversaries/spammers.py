"""Adversaries: ad spammers (hit-and-run, sleeper, evasive, returning) with money, and poachers.

Every adversary is hidden from rules: its true role is ``ADVERSARY`` and rules see
only what it posts. Evasion changes observables only (obfuscated keywords,
images, cards, mini-programs), never the message's true kind. Each adversary
keeps a ledger (docs/MODEL.md, "Adversary economics"): money spent (accounts,
entry fees, red packets) and reach (members who saw its ads before removal,
or members it pulled away), from which the summary reports return on investment.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from rules import MessageForm
from sim.model.adversaries.venues import Beliefs, choose, seat_value, shared, venue_values
from sim.model.roster import ADVERSARY, MEMBER
from sim.model.messages import Kind
from sim.base.params import sample

if TYPE_CHECKING:
    from sim.model.world import World
    from sim.spec.scenario import AdSpammerRole

# Ad texts are data (scenarios/texts/<language>.yaml: ad_plain, ad_link, ad_evasive, ad_image, ad_card,
# ad_mini_program; sim/spec/texts.py). Evasive texts (seed 002's platform rules list this evasion):
# spacing, emoji, look-alike and variant characters, full-width letters, pinyin; images and QR cards carry none.
EVASIVE_FORMS = ("obfuscated", "image", "card", "mini_program")
EVASIVE_REACH = 0.6  # an obfuscated or image ad reaches fewer buyers than a plain one
JUDGE_MINUTES = 60.0  # an ad still up after this long counts as having survived


@dataclass
class AdversaryLedger:
    """One adversary's money and reach (yuan, members reached)."""

    role: str
    spent: float = 0.0
    value_per_view: float = 0.0
    reach: float = 0.0  # filled in for ads at the end of the run (see sim/model/adversaries/accounts.py, ad_reach)
    budget: float = float("inf")  # what it will spend at most (a paid group's fee counts; sim/model/designs/entry.py)
    accounts: list[int] = field(default_factory=list)
    ads: list[int] = field(default_factory=list)  # message ids
    thread_views: float = 0.0  # members reached in the ad thread (responsive spammers)
    thread_posts: int = 0
    window_posts: int = 0
    declined: int = 0  # accounts that stayed away or would not pay the fee
    owner: Any = field(default=None, repr=False, compare=False)  # the Spammer, for the paid gate's question


def param_picker(rng: np.random.Generator, index: int) -> Callable[[object], float]:
    """A picker of parameter ``index``: a list gives its ``index``-th value, a distribution one draw from ``rng``."""
    return lambda v: float(v[index]) if isinstance(v, list) else float(sample(v, rng, 1)[0])  # type: ignore[arg-type,index]


class Spammer:
    """An ad poster (广告手/爆粉): joins, sleeps, posts ads, evades, returns after a kick, at a cost."""

    def __init__(self, world: World, entry_idx: int, entry: AdSpammerRole, index: int, rng: np.random.Generator) -> None:
        p = entry.params
        pick = param_picker(rng, index)
        # The first draws keep the foundation's order, so old scenarios replay the same.
        join_t = max(pick(p.join_day), 0.0) * 1440.0
        stay = max(pick(p.stay_days), 0.0) * 1440.0
        rate = max(pick(p.ad_rate), 0.0)
        self.link_share = pick(p.link_share)
        self.world, self.entry_idx, self.rng, self.stay, self.rate = world, entry_idx, rng, stay, rate
        i = world.roster.new_agent(entry_idx, ADVERSARY, MEMBER)
        end = min(join_t + stay, world.end)
        times = world.clock.poisson_times(rng, rate, join_t, end)
        draws = rng.random((len(times), 2))
        extra = stream_for(world, entry, index)
        e = entry.params.economics
        self.sleep = max(pick(p.sleep_days), 0.0) * 1440.0 if p.sleep_days else 0.0
        self.evasion = pick(p.evasion) if p.evasion else 0.0
        self.min_gap = pick(p.min_gap_minutes) if p.min_gap_minutes else 0.0
        self.returns_left = int(pick(p.max_returns)) if p.max_returns else 0
        self.return_delay = pick(p.return_delay_days) * 1440.0
        self.adaptive = p.adaptive
        forms = np.array([max(p.evasive_forms.get(f, 0.0), 0.0) for f in EVASIVE_FORMS])
        self.form_cdf = np.cumsum(forms / forms.sum()) if forms.sum() > 0 else np.array([1.0, 1.0, 1.0, 1.0])
        self.budget, self.account_cost, self.entry_fee, self.ad_fee = (extra(x) for x in (e.budget, e.account_cost, e.entry_fee, e.ad_fee))
        self.view_share = extra(e.view_share)
        self.ledger = AdversaryLedger("ad_spammer", value_per_view=extra(e.value_per_view), budget=self.budget, owner=self)
        self.strategy = p.strategy
        self.responsive = p.strategy.responsive
        if self.responsive:  # the venue choice's own stream: the fixed behaviour's draws stay as they were
            self.vrng = world.streams.get(f"spammer-venue:{entry.label}", index)
            self.charter, self.board = shared(world, world.scenario.ruleset, p.strategy.judge_minutes)
            self._seen0: dict[str, list[float]] | None = None
            self._busy_until = -1.0
            self._end = world.end
        # Beta(success, failure) beliefs that an ad of each mode survives; spammers expect plain ads to work.
        self.belief = {"plain": [2.0, 1.0], "evade": [1.0, 1.0], "comply": [1.0, 1.0]}
        self._pending: list[tuple[int, str]] = []
        self._last_ad = -1e18
        world.cast.ledgers.append(self.ledger)
        self._enter(i, join_t, end, times.tolist(), draws.tolist())

    def _enter(self, i: int, join_t: float, end: float, times: list[float], draws: list[list[float]]) -> None:
        self.ledger.accounts.append(i)
        if not self.responsive:  # a responsive spammer pays for the account only once it decides to join
            self.ledger.spent += self.account_cost + self.entry_fee
        self.world.membership.start(i, self.life(i, join_t, end, times, draws))

    # ---- choice by expected return ------------------------------------------------
    def _learn(self, t: float) -> None:
        g = self.world.roster
        keep = []
        for mid, mode in self._pending:
            m = g.messages[mid]
            if m.deleted_at >= 0:
                self.belief[mode][1] += 1.0
            elif t - m.time >= JUDGE_MINUTES:
                self.belief[mode][0] += 1.0
            else:
                keep.append((mid, mode))
        self._pending = keep

    def expected_returns(self) -> dict[str, float]:
        """Expected yuan from one more ad in each mode: P(survive) * reach * value - cost."""
        reach = self.view_share * self.world.roster.count * self.ledger.value_per_view
        out = {}
        for mode, (a, b) in self.belief.items():
            factor = EVASIVE_REACH if mode == "evade" else 1.0
            cost = self.ad_fee if mode == "comply" else 0.0
            out[mode] = a / (a + b) * reach * factor - cost
        return out

    def choose(self, t: float, u: float) -> str:
        """plain, evade, comply or leave."""
        if not self.adaptive:
            return "evade" if u < self.evasion else "plain"
        self._learn(t)
        ev = self.expected_returns()
        if self.ledger.spent + self.ad_fee > self.budget:
            ev.pop("comply")
        mode = max(ev, key=lambda k: ev[k])
        return mode if ev[mode] > 0 else "leave"

    # ---- posting ------------------------------------------------------------------
    def _post(self, i: int, mode: str, t: float, u_link: float, u_text: float) -> int:
        world = self.world
        texts = world.posting.texts  # the scenario's pools; u_text is this spammer's own pre-drawn uniform
        if mode == "evade":
            form = EVASIVE_FORMS[int(np.searchsorted(self.form_cdf, u_link, side="right").clip(0, 3))]
            if form == "obfuscated":
                m = world.post(i, Kind.AD, texts.pick("ad_evasive", u_text), t)
            elif form == "image":  # an image or QR code: no text for a keyword list to read
                m = world.post(i, Kind.AD, texts.pick("ad_image", u_text), t, form=MessageForm.IMAGE, has_image=True)
            elif form == "card":
                m = world.post(i, Kind.AD, texts.pick("ad_card", u_text), t, form=MessageForm.CARD, has_card=True)
            else:
                m = world.post(
                    i, Kind.AD, texts.pick("ad_mini_program", u_text), t, form=MessageForm.MINI_PROGRAM, has_mini_program=True,
                )
        else:
            if mode == "comply":  # pays the group's ad fee as a red packet first (seed 001 §一.5, 004)
                self.ledger.spent += self.ad_fee
                world.post(i, Kind.ACTIVITY, "[红包] 广告费", t, form=MessageForm.RED_PACKET, value_dim=0, value=0.01)
                if not world.roster.present[i]:
                    return -1
            if u_link < self.link_share:
                m = world.post(i, Kind.AD, texts.pick("ad_link", u_text), t, form=MessageForm.LINK, has_link=True)
            else:
                m = world.post(i, Kind.AD, texts.pick("ad_plain", u_text), t)
        self.ledger.ads.append(m.id)
        self._pending.append((m.id, mode))
        return m.id

    def life(self, i: int, join_t: float, end: float, times: list[float], draws: list[list[float]]) -> Generator[Any, Any, None]:
        world, env, g = self.world, self.world.env, self.world.roster
        try:
            yield env.timeout(max(join_t - env.now, 0.0))
            if self.responsive:
                self._end = end
                if self.seat(join_t) <= self.account_cost + self.entry_fee:  # no venue pays: never joins
                    self.ledger.declined += 1
                    world.log.add(join_t, "declined", i)
                    return
            if not world.join(i):
                return
            if self.responsive:
                self.ledger.spent += self.account_cost + self.entry_fee
            quiet_until = join_t + self.sleep  # a sleeper waits out new-member limits
            for t, (u_link, u_text) in zip(times, draws):
                if t < quiet_until or t - self._last_ad < self.min_gap:
                    continue
                if self.responsive and t < self._busy_until:
                    continue
                yield env.timeout(t - env.now)
                if g.muted_until[i] > t:
                    continue
                if self.responsive:
                    where = self.venue(t, end)
                    if where == "window":  # wait for the hour the rules let an ad stand
                        when = self.charter.next_allowed(t) + float(self.vrng.random()) * 50.0
                        if when >= end:
                            continue
                        self._busy_until = when
                        self.ledger.window_posts += 1
                        yield env.timeout(when - env.now)
                        t, where = when, "main"
                        if g.muted_until[i] > t:
                            continue
                    if where == "thread":
                        self._thread_post(i, t)
                        continue
                    mode = where if where in ("comply", "leave") else self.choose(t, u_text)
                else:
                    mode = self.choose(t, u_text)
                if mode == "leave":
                    world.leave(i, t, reason="gave_up")
                    return
                self._last_ad = t
                mid = self._post(i, mode, t, u_link, u_text)
                if self.responsive and mid >= 0:
                    self.board.add(t, mid, i, "comply" if mode == "comply" else self.charter.cls(t))
                if not g.present[i]:  # kicked by a bot while posting
                    if self.responsive:
                        self.board.kicked(i, t)
                    break
            else:
                yield env.timeout(max(end - env.now, 0.0))
                world.leave(i)
                return
        except simpy.Interrupt as stop:
            if self.responsive and stop.cause != "left":
                self.board.kicked(i, env.now)
        self._maybe_return()

    # ---- responsive choices (docs/MODEL.md, "Responsive spammers") -------------------
    def beliefs(self, t: float) -> Beliefs:
        """What the charter said, updated by every adversary ad judged since this spammer first arrived."""
        totals = self.board.update(t)
        if self._seen0 is None:
            self._seen0 = {c: list(v) for c, v in totals.items()}
        seen = {c: [a - b for a, b in zip(totals[c], self._seen0[c])] for c in totals}
        return Beliefs.of(self.charter, self.strategy.prior_weight, seen)

    def _values(self) -> tuple[float, float]:
        """Yuan one surviving ad earns in the main chat and in the ad thread, at the group's size now."""
        n = float(self.world.roster.count) * self.ledger.value_per_view
        return self.view_share * n, self.strategy.thread_view_share * n

    def kick_cost(self) -> float:
        """What losing the seat costs: a new account, its own entry cost, and the group's fee again."""
        entry = self.world.scenario.group.entry
        return self.account_cost + self.entry_fee + (float(entry.fee) if entry.policy == "paid" else 0.0)

    def seat(self, t: float) -> float:
        """Expected yuan of a seat from ``t`` to the end of this stint (:func:`venues.seat_value`)."""
        v_main, v_thread = self._values()
        days = max(min(t + self.stay, self._end, self.world.end) - t, 0.0) / 1440.0
        return seat_value(self.charter, self.beliefs(t), v_main, v_thread, self.rate, days)

    def pays(self, fee: float, t: float) -> bool:
        """The paid gate asks: a responsive spammer pays iff the seat is worth more than the fee and the account."""
        if not self.responsive:
            if self.ledger.spent + fee > self.budget:
                return False
            self.ledger.spent += fee
            return True
        if self.seat(t) <= self.account_cost + self.entry_fee + fee:
            self.ledger.declined += 1
            return False
        self.ledger.spent += fee
        return True

    def venue(self, t: float, end: float) -> str:
        """main, window, thread, comply or leave: softmax over the venues' expected yuan (:func:`venues.choose`)."""
        v_main, v_thread = self._values()
        values = venue_values(self.charter, self.beliefs(t), self.charter.cls(t), v_main, v_thread, self.kick_cost(),
                              self.charter.next_allowed(t) < end)
        return choose(values, self.strategy.choice_noise, float(self.vrng.random()))

    def _thread_post(self, i: int, t: float) -> None:
        """An ad in the ad thread: out of the main chat, read by ``thread_view_share`` of the members."""
        self.ledger.thread_views += self.strategy.thread_view_share * float(self.world.roster.count)
        self.ledger.thread_posts += 1
        self._last_ad = t
        self.world.log.add(t, "thread_post", i)
        self.board.add(t, -1, i, "thread")

    def _maybe_return(self) -> None:
        """After a kick: a new account if one is left, affordable, and worth more than it costs."""
        world = self.world
        cost = self.account_cost + self.entry_fee
        if self.returns_left <= 0 or (not self.responsive and self.ledger.spent + cost > self.budget):
            return
        if self.adaptive and not self.responsive:  # a responsive one weighs the seat when it arrives (life)
            self._learn(world.env.now)
            best = max(self.expected_returns().values())
            ads = self.rate * self.return_delay / 1440.0 if self.return_delay > 0 else self.rate
            if best * max(ads, 1.0) <= cost:
                return
        self.returns_left -= 1
        t0 = world.env.now + self.return_delay
        end = min(t0 + self.stay, world.end)
        if t0 >= world.end:
            return
        times = world.clock.poisson_times(self.rng, self.rate, t0, end)
        draws = self.rng.random((len(times), 2))
        i = world.roster.new_agent(self.entry_idx, ADVERSARY, MEMBER)
        world.log.add(world.env.now, "new_account", i, self.ledger.accounts[-1])
        self._enter(i, t0, end, times.tolist(), draws.tolist())


def stream_for(world: World, entry: Any, index: int) -> Callable[[object], float]:
    """Draws for parameters added after the foundation, from their own keyed stream."""
    return param_picker(world.streams.get(f"count:{entry.label}:extra-{index}"), index)


def add_spammers(world: World, k: int, entry: AdSpammerRole, first: int, n: int, t0: float, stream: Callable[[str], np.random.Generator]) -> list[int]:
    for j in range(first, first + n):
        Spammer(world, k, entry, j, stream(f"spammer-{j}"))
    return []


__all__ = ["AdversaryLedger", "Spammer", "add_spammers", "param_picker", "stream_for"]
