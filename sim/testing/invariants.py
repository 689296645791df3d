"""Invariants over a run's event log that a team can assert in its own CI.

Each invariant is a callable ``(RunRecord) -> list[str]`` returning the
violations it found (empty when it holds), with a readable ``repr``; combine
them with :func:`check`, which raises :class:`InvariantViolation` (an
``AssertionError``, so plain pytest shows it) naming the run, the first
violations and the command that replays the run. Write your own the same way::

    def no_kicks_on_day_one(rec):
        return [f"kick at {t:.0f} min" for t, ev, *_ in rec.rows() if ev == "kick" and t < 1440]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from sim.testing.records import RunRecord

Invariant = Callable[[RunRecord], list[str]]
SANCTIONS = frozenset({"kick", "warn", "rule_mute", "ban"})
PROTECTED = frozenset({"owner", "admin"})
_AD_RULE = re.compile(r"(^|_)(ads?|links?|spam|cards?|mini_?programs?)(_|$)|广告", re.IGNORECASE)


def _minutes(t: float) -> str:
    return f"day {t / 1440:.2f} ({t:.0f} min)"


def _roles_over_time(rec: RunRecord) -> Callable[[int, float], str]:
    """Visible role of an agent at a time, taking promotions (volunteer admins) into account."""
    promoted = {tg: t for t, ev, _, tg, _, _ in rec.rows() if ev == "promote"}

    def role(agent: int, t: float) -> str:
        if agent in promoted:
            return "admin" if t >= promoted[agent] else "member"
        return rec.visible_role(agent)

    return role


class StaffNeverSanctioned:
    """No owner or admin is ever warned, muted, kicked or banned, nor has a message deleted."""

    def __call__(self, rec: RunRecord) -> list[str]:
        role = _roles_over_time(rec)
        posts = rec.posts()
        out = []
        for t, ev, _, target, _, rule in rec.rows():
            if ev in SANCTIONS and role(target, t) in PROTECTED:
                out.append(f"{ev} of {role(target, t)} {target} by rule {rule!r} at {_minutes(t)}")
            elif ev == "delete" and target in posts and role(posts[target][1], t) in PROTECTED:
                out.append(f"rule {rule!r} deleted message {target} of {role(posts[target][1], t)} at {_minutes(t)}")
        return out

    def __repr__(self) -> str:
        return "staff_never_sanctioned()"


class PaidNeverKickedByAdRule:
    """A member who paid (paid entry, or a red packet for an ad) is never kicked or banned by an ad rule.

    ``ad_rules``: the rule names that count as ad rules; by default every rule
    whose name mentions ads, links, spam, cards or mini-programs (or 广告).
    """

    def __init__(self, ad_rules: Iterable[str] | None = None) -> None:
        self.ad_rules = frozenset(ad_rules) if ad_rules is not None else None

    def _is_ad_rule(self, rule: str) -> bool:
        return rule in self.ad_rules if self.ad_rules is not None else bool(_AD_RULE.search(rule))

    def __call__(self, rec: RunRecord) -> list[str]:
        paid_at = {a: -1.0 for a, info in rec.agents.items() if info.get("paid")}
        out = []
        for t, ev, actor, target, _, rule in rec.rows():
            if ev == "payment":
                paid_at.setdefault(actor, t)
            elif ev in ("kick", "ban") and target in paid_at and self._is_ad_rule(rule):
                out.append(f"paying member {target} {ev}ed by ad rule {rule!r} at {_minutes(t)}")
        return out

    def __repr__(self) -> str:
        return f"paid_never_kicked_by_ad_rule(ad_rules={sorted(self.ad_rules) if self.ad_rules else None})"


class AdsGoneWithin:
    """No ad stays visible longer than ``minutes`` (deleted or moved to the ad thread in time).

    Paid ads (a ``payment`` for that message) are exempt; ads posted less than
    ``minutes`` before the run ended are not judged.
    """

    def __init__(self, minutes: float) -> None:
        if minutes <= 0:
            raise ValueError("minutes must be positive")
        self.minutes = float(minutes)

    def __call__(self, rec: RunRecord) -> list[str]:
        end = max(rec.events["time"], default=0.0)
        posted = {tg: (t, a) for t, ev, a, tg, k, _ in rec.rows() if ev == "post" and k == "ad"}
        gone: dict[int, float] = {}
        paid: set[int] = set()
        for t, ev, _, target, _, _ in rec.rows():
            if ev in ("delete", "ad_thread"):
                gone.setdefault(target, t)
            elif ev == "payment":
                paid.add(target)
        out = []
        for mid, (t, sender) in posted.items():
            if mid in paid or t + self.minutes > end:
                continue
            left_for = gone.get(mid, end) - t
            if left_for > self.minutes:
                out.append(f"ad {mid} by {sender} posted at {_minutes(t)} stayed {left_for:.0f} min (limit {self.minutes:g})")
        return out

    def __repr__(self) -> str:
        return f"ads_gone_within(minutes={self.minutes:g})"


class BannedNeverPostAgain:
    """A banned (or kicked) member posts nothing after it, unless reinstated on appeal."""

    def __call__(self, rec: RunRecord) -> list[str]:
        out_since: dict[int, tuple[str, float]] = {}
        out = []
        for t, ev, actor, target, _, _ in rec.rows():
            if ev in ("ban", "kick"):
                out_since.setdefault(target, (ev, t))
            elif ev == "reinstate":
                out_since.pop(target, None)
            elif ev == "post" and actor in out_since:
                how, when = out_since[actor]
                out.append(f"{actor} posted at {_minutes(t)} after a {how} at {_minutes(when)}")
        return out

    def __repr__(self) -> str:
        return "banned_never_post_again()"


class DissolvedBy:
    """The group is dissolved by ``day`` (default: the scenario's planned ``dissolve_day``), or ended earlier."""

    def __init__(self, day: float | None = None) -> None:
        self.day = day

    def __call__(self, rec: RunRecord) -> list[str]:
        day = self.day
        if day is None and rec.scenario is not None:
            day = rec.scenario.group.dissolve_day
        if day is None:
            return ["no dissolution day given and the scenario plans none"]
        dissolved = [t for t, ev, *_ in rec.rows() if ev == "dissolve"]
        if dissolved and dissolved[0] <= day * 1440.0 + 1e-9:
            return []
        ended = rec.summary.get("lifetime_days", float("inf"))
        if rec.summary.get("outcome") not in ("alive", "dissolved") and ended <= day:
            return []  # it ended (dead, ad group, blown up) before the planned day
        when = f"at {_minutes(dissolved[0])}" if dissolved else "never"
        return [f"planned to be dissolved by day {day:g}, dissolved {when}"]

    def __repr__(self) -> str:
        return f"dissolved_by(day={self.day})"


class MembershipConsistent:
    """Joins minus departures equals the final member count; nobody posts while outside the group."""

    def __call__(self, rec: RunRecord) -> list[str]:
        inside: set[int] = set()
        out = []
        for t, ev, actor, target, _, _ in rec.rows():
            if ev == "join":
                inside.add(actor)
            elif ev == "leave":
                inside.discard(actor)
            elif ev == "kick":
                inside.discard(target)
            elif ev == "post" and actor not in inside:
                out.append(f"{actor} posted at {_minutes(t)} while not in the group")
        final = rec.summary.get("final_members")
        if final is not None and final != len(inside):
            out.append(f"the log leaves {len(inside)} members, the summary says {final}")
        return out

    def __repr__(self) -> str:
        return "membership_consistent()"


staff_never_sanctioned = StaffNeverSanctioned()
banned_never_post_again = BannedNeverPostAgain()
membership_consistent = MembershipConsistent()


def paid_never_kicked_by_ad_rule(ad_rules: Iterable[str] | None = None) -> PaidNeverKickedByAdRule:
    return PaidNeverKickedByAdRule(ad_rules)


def ads_gone_within(minutes: float) -> AdsGoneWithin:
    return AdsGoneWithin(minutes)


def dissolved_by(day: float | None = None) -> DissolvedBy:
    return DissolvedBy(day)


DEFAULT_INVARIANTS: tuple[Invariant, ...] = (staff_never_sanctioned, banned_never_post_again, membership_consistent)


class InvariantViolation(AssertionError):
    """An invariant failed on a run; the message says which, where, and how to replay it."""


def check(rec: RunRecord, *invariants: Invariant, source: str | None = None, limit: int = 5) -> None:
    """Raise :class:`InvariantViolation` if any invariant fails on ``rec`` (default: the built-in ones)."""
    problems: list[str] = []
    for inv in invariants or DEFAULT_INVARIANTS:
        found = inv(rec)
        if found:
            shown = "\n    ".join(found[:limit]) + (f"\n    ... and {len(found) - limit} more" if len(found) > limit else "")
            problems.append(f"{inv!r} failed {len(found)} time(s):\n    {shown}")
    if problems:
        replay = f"groupsim run {source} --seed {rec.seed} --seeds 1" if source else f"seed {rec.seed}"
        raise InvariantViolation(f"run {rec.describe()}:\n  " + "\n  ".join(problems) + f"\n  replay: {replay}")


def check_all(records: Sequence[RunRecord], *invariants: Invariant, source: str | None = None) -> None:
    """:func:`check` over several runs; the first failing run raises."""
    for rec in records:
        check(rec, *invariants, source=source)


__all__ = [
    "DEFAULT_INVARIANTS", "AdsGoneWithin", "BannedNeverPostAgain", "DissolvedBy", "Invariant", "InvariantViolation",
    "MembershipConsistent", "PaidNeverKickedByAdRule", "StaffNeverSanctioned", "ads_gone_within", "banned_never_post_again",
    "check", "check_all", "dissolved_by", "membership_consistent", "paid_never_kicked_by_ad_rule", "staff_never_sanctioned",
]
