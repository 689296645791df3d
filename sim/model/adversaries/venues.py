"""Where an ad pays: the group's published rules read as venues, and what spammers have seen happen.

A responsive spammer (docs/MODEL.md, "Responsive spammers") weighs three
venues the group may offer (seed 004's remedies) against posting in the main
chat now:

* ``main``: the main chat, now;
* ``window``: the main chat, at the next hour the published rules let an ad
  stand (a weekly ad window, 每个星期给一个时间段);
* ``thread``: the ad thread kept by admins (专门设置一个广告贴), read by few;
* ``comply``: the main chat after paying the group's per-ad red packet.

It learns the venues from the group's charter (群规, "事先说明群规", seed 004):
:func:`read_charter` runs the scenario's own ruleset, in a fresh engine, on
a plain ad at every hour of the week (three in a row from one new sender, so
a ladder's kick shows), and records which hours remove it, whether a kick
follows, whether ads are moved to a thread and what a pay-to-post rule asks.
That sets the prior; what it then sees happen to every adversary's ad in the
group (:class:`AdBoard`: its own and the others', removed within the judging
time or not, the sender kicked or not) updates it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from rules import Ban, Delete, Kick, MessagePosted, MoveToAdThread, RequirePayment, VisibleRole
from rules.replay import LoggedMessage, ReplayView
from sim.base.clock import MINUTES_PER_DAY

if TYPE_CHECKING:
    from sim.model.world import World

WEEK_HOURS = 168
WEEK = 7 * MINUTES_PER_DAY
CLASSES = ("banned", "allowed", "thread", "comply")
"""Belief classes: main-chat hours the charter sanctions, hours it allows, the thread, a paid ad."""
_REMOVE = (Delete, MoveToAdThread, RequirePayment, Kick, Ban)
_READ_TEXT = "加微信领优惠券"  # the charter is read with a plain keyword ad


@dataclass(frozen=True)
class Charter:
    """What the published rules say about a plain ad, hour by hour of the week."""

    banned: tuple[bool, ...]  # per hour of the week (day 0 a Monday): the ad is removed
    kick_read: dict[str, float]  # per class: 1/n when the n-th ad in a row is kicked, 0 when never
    thread: bool  # ads go to an ad thread
    fee: float  # per-ad red packet a pay-to-post rule asks (0: none)

    @property
    def window(self) -> bool:
        """Some hours allow ads and others do not: a window worth waiting for."""
        return any(self.banned) and not all(self.banned)

    def allowed_hours(self) -> int:
        """Hours of the week in which a plain ad stands."""
        return WEEK_HOURS - sum(self.banned)

    def cls(self, t: float) -> str:
        """Belief class of a main-chat ad at ``t``."""
        return "banned" if self.banned[int(t // 60.0) % WEEK_HOURS] else "allowed"

    def next_allowed(self, t: float) -> float:
        """Start of the next hour at or after ``t`` in which ads stand (``inf`` if none)."""
        h0 = int(t // 60.0)
        for k in range(WEEK_HOURS + 1):
            if not self.banned[(h0 + k) % WEEK_HOURS]:
                return max(t, (h0 + k) * 60.0)
        return math.inf


def read_charter(spec: Any) -> Charter:
    """Read ruleset ``spec`` (a :class:`rules.RulesetSpec`) as a spammer reads a group's rules."""
    engine = spec.build()
    view = ReplayView()
    banned: list[bool] = []
    kicks: dict[str, list[float]] = {"banned": [], "allowed": []}
    thread, fee = False, 0.0
    for h in range(WEEK_HOURS):
        sender = 10_000 + h
        t0 = 2 * WEEK + h * 60.0 + 5.0
        view.present.add(sender)
        view.joined[sender] = t0 - MINUTES_PER_DAY / 2  # a new member, half a day in
        removed, kick_at = False, 0
        for n in range(3):
            t = t0 + 15.0 * n
            view.now = t
            msg = LoggedMessage(10 * sender + n, t, sender, text=_READ_TEXT)
            actions = engine.handle(MessagePosted(t, msg), view)
            for a in actions:
                if isinstance(a, _REMOVE) and n == 0:
                    removed = True
                if isinstance(a, MoveToAdThread):
                    thread = True
                if isinstance(a, RequirePayment):
                    fee = max(fee, float(a.amount))
                kicked = isinstance(a, (Kick, Ban)) or (isinstance(a, RequirePayment) and a.otherwise == "kick")
                if kicked and not kick_at:
                    kick_at = n + 1
                if type(a).__name__ == "Warn":
                    view.warned[sender] = view.warned.get(sender, 0) + 1
            if kick_at:
                break
        view.present.discard(sender)
        banned.append(removed)
        kicks["banned" if removed else "allowed"].append(1.0 / kick_at if kick_at else 0.0)
    read = {c: float(np.mean(v)) if v else 0.0 for c, v in kicks.items()}
    read["thread"], read["comply"] = 0.0, 0.0
    return Charter(tuple(banned), read, thread, fee)


@dataclass
class AdBoard:
    """Every adversary ad in one group and what became of it, as the adversaries there see it.

    An ad is judged ``judge`` minutes after it was posted: the share of that
    time it was up (0 if removed at once, 1 if it stood), and whether its
    sender was kicked meanwhile. Totals per class accumulate in judging order,
    so a spammer's observations are the totals now less those when it arrived.
    """

    world: Any
    judge: float
    pending: list[tuple[float, int, int, str]] = field(default_factory=list)  # (time, message id or -1, sender, class)
    head: int = 0
    kicked_at: dict[int, float] = field(default_factory=dict)
    totals: dict[str, list[float]] = field(default_factory=lambda: {c: [0.0, 0.0, 0.0] for c in CLASSES})  # n, lost, kicked

    def add(self, t: float, message_id: int, sender: int, cls: str) -> None:
        """An adversary ad (``message_id`` -1 for one posted in the thread)."""
        self.pending.append((t, message_id, sender, cls))

    def kicked(self, sender: int, t: float) -> None:
        """Adversary account ``sender`` was kicked at ``t``."""
        self.kicked_at[sender] = t

    def update(self, now: float) -> dict[str, list[float]]:
        """Judge every ad old enough; the running totals per class."""
        g = self.world.roster
        while self.head < len(self.pending) and self.pending[self.head][0] + self.judge <= now:
            t, mid, sender, cls = self.pending[self.head]
            self.head += 1
            lost = 0.0
            if mid >= 0:
                gone = g.messages[mid].deleted_at
                if 0 <= gone < t + self.judge:
                    lost = 1.0 - (gone - t) / self.judge
            tot = self.totals[cls]
            tot[0] += 1.0
            tot[1] += lost
            tot[2] += float(self.kicked_at.get(sender, math.inf) <= t + self.judge)
        if self.head > 4096:  # keep the list short; judged ads live on in the totals
            del self.pending[: self.head]
            self.head = 0
        return self.totals


def shared(world: World, spec: Any, judge: float) -> tuple[Charter, AdBoard]:
    """The group's charter and its ad board for judging time ``judge`` (made once per group)."""
    venues = world.cast.venues  # type: ignore[attr-defined]
    if "charter" not in venues:
        venues["charter"] = read_charter(spec)
    key = ("board", judge)
    if key not in venues:
        venues[key] = AdBoard(world, judge)
    return venues["charter"], venues[key]


@dataclass(frozen=True)
class Beliefs:
    """A spammer's expectations per class: share of an ad's value lost to removal, chance of a kick."""

    lost: dict[str, float]
    kick: dict[str, float]

    @classmethod
    def of(cls, charter: Charter, weight: float, seen: dict[str, list[float]] | None = None) -> Beliefs:
        """Beta means: prior ``weight`` ads as the charter reads, plus what was ``seen`` (n, lost, kicked)."""
        lost, kick = {}, {}
        for c in CLASSES:
            n, lo, ki = seen[c] if seen else (0.0, 0.0, 0.0)
            prior_lost = 1.0 if c == "banned" else 0.0
            lost[c] = (weight * prior_lost + 0.5 + lo) / (weight + 1.0 + n)
            kick[c] = (weight * charter.kick_read[c] + 0.5 + ki) / (weight + 1.0 + n)
        return cls(lost, kick)


def venue_values(charter: Charter, b: Beliefs, now_cls: str, v_main: float, v_thread: float, kick_cost: float,
                 window_open: bool) -> dict[str, float]:
    """Expected yuan of one ad in each venue offered: ``(1 - lost)·value − P(kick)·kick_cost − fee``."""
    out = {"main": (1.0 - b.lost[now_cls]) * v_main - b.kick[now_cls] * kick_cost}
    if charter.window and now_cls == "banned" and window_open:
        out["window"] = (1.0 - b.lost["allowed"]) * v_main - b.kick["allowed"] * kick_cost
    if charter.thread:
        out["thread"] = (1.0 - b.lost["thread"]) * v_thread - b.kick["thread"] * kick_cost
    if charter.fee > 0:
        out["comply"] = (1.0 - b.lost["comply"]) * v_main - b.kick["comply"] * kick_cost - charter.fee
    return out


def gross(charter: Charter, b: Beliefs, v_main: float, v_thread: float) -> dict[str, tuple[float, float, float]]:
    """Per venue: (value of one ad before sanction cost, chance of a kick, ads a day it allows per ad_rate)."""
    out: dict[str, tuple[float, float, float]] = {}
    for c in ("banned", "allowed"):
        if (c == "banned" and any(charter.banned)) or (c == "allowed" and charter.allowed_hours()):
            share = sum(charter.banned) / WEEK_HOURS if c == "banned" else charter.allowed_hours() / WEEK_HOURS
            out[c] = ((1.0 - b.lost[c]) * v_main, b.kick[c], share if c == "allowed" and charter.window else 1.0)
    if charter.thread:
        out["thread"] = ((1.0 - b.lost["thread"]) * v_thread, b.kick["thread"], 1.0)
    if charter.fee > 0:
        out["comply"] = ((1.0 - b.lost["comply"]) * v_main - charter.fee, b.kick["comply"], 1.0)
    return out


def seat_value(charter: Charter, b: Beliefs, v_main: float, v_thread: float, rate: float, days: float) -> float:
    """What a seat is worth over its expected tenure: the best venue's ``ads · value``.

    Ads over the tenure are ``rate · days`` (a window: its share of the week's
    hours, plus one waited-for ad a week), cut to ``1 / P(kick)``, the ads
    expected before a kick.
    """
    best = 0.0
    for c, (value, kick, share) in gross(charter, b, v_main, v_thread).items():
        ads = rate * days * share + (days / 7.0 if c == "allowed" and charter.window else 0.0)
        ads = min(ads, 1.0 / kick) if kick > 0 else ads
        best = max(best, ads * value)
    return best


def choose(values: dict[str, float], noise: float, u: float) -> str:
    """The venue to use, or ``leave`` when none pays: argmax, or softmax with temperature ``noise`` (yuan)."""
    best = max(values, key=lambda k: values[k])
    if values[best] <= 0.0:
        return "leave"
    if noise <= 0.0:
        return best
    names = list(values)
    x = np.array([values[k] for k in names]) / noise
    p = np.exp(x - x.max())
    cdf = np.cumsum(p / p.sum())
    return names[int(min(np.searchsorted(cdf, u, side="right"), len(names) - 1))]


__all__ = ["CLASSES", "AdBoard", "Beliefs", "Charter", "choose", "read_charter", "seat_value", "shared", "venue_values"]
