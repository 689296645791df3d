"""Sanction ladders: weighted strikes that expire, cooldowns, and steps warn -> mute -> kick -> ban.

A strike is (time, weight, rule). A member's *active* strikes are the weights
of strikes younger than ``expire_days``; a ladder's step is the highest step
whose threshold ``at`` the active weight reaches, so steps only go up until
strikes expire (then the member starts lower again). Within ``cooldown_minutes``
of a member's last strike from the same rule no new strike is added (a burst
of messages is one offence). An upheld appeal (:class:`AppealGranted`) clears
the member's strikes and lifts any ban.

The :class:`Blacklist` holds banned members: per group, or shared by all
groups of one operator when engines are built with the same list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

MINUTES_PER_DAY = 1440.0


@dataclass(slots=True)
class StrikeStore:
    """Strikes per member, shared by the rules of one engine."""

    _strikes: dict[int, list[tuple[float, float, float, str]]] = field(default_factory=dict)

    def add(self, member: int, time: float, weight: float, expire_days: float, rule: str) -> None:
        """Record a strike of ``weight`` for ``member`` that lapses after ``expire_days``."""
        self._strikes.setdefault(member, []).append((time, time + expire_days * MINUTES_PER_DAY, weight, rule))

    def active(self, member: int, now: float) -> float:
        """Total weight of ``member``'s unexpired strikes at ``now``."""
        items = self._strikes.get(member)
        if not items:
            return 0.0
        return float(sum(w for t, until, w, _ in items if until > now >= t))

    def last(self, member: int, rule: str) -> float | None:
        """Time of ``member``'s latest strike from ``rule``, if any."""
        items = self._strikes.get(member, ())
        times = [t for t, _, _, r in items if r == rule]
        return max(times) if times else None

    def clear(self, member: int) -> None:
        """Forget all of ``member``'s strikes (an upheld appeal)."""
        self._strikes.pop(member, None)

    def members(self) -> Iterator[int]:
        return iter(sorted(self._strikes))


@dataclass(slots=True)
class Blacklist:
    """Banned members (拉黑). Engines built with one list share it across groups."""

    banned: set[int] = field(default_factory=set)

    def ban(self, member: int) -> None:
        self.banned.add(member)

    def lift(self, member: int) -> None:
        self.banned.discard(member)

    def __contains__(self, member: object) -> bool:
        return member in self.banned

    def __len__(self) -> int:
        return len(self.banned)


def step_for(thresholds: tuple[float, ...], active: float) -> int:
    """Index of the highest threshold ``active`` reaches, or -1 if none."""
    k = -1
    for i, at in enumerate(thresholds):
        if active >= at:
            k = i
    return k


__all__ = ["Blacklist", "StrikeStore", "step_for"]
