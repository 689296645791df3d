"""How a run ended: alive, dead (死群), ad group (广告群), blown up (暴雷) or dissolved.

Judged once a day from the day's record, with the scenario's thresholds
(:class:`world.scenario.Outcomes`). The first terminal outcome is the run's
outcome, with the day it happened; a group that reaches none is alive and its
lifetime is censored at the end of the run.
"""

from __future__ import annotations

from collections import deque
from enum import StrEnum
from typing import Any

from sim.spec.scenario import Outcomes


class Outcome(StrEnum):
    ALIVE = "alive"
    DEAD = "dead"  # 死群
    AD_GROUP = "ad_group"  # 广告群
    BLOWN_UP = "blown_up"  # 暴雷
    DISSOLVED = "dissolved"  # planned end (e.g. a flash group after its sale)


class OutcomeJudge:
    """Applies the thresholds to each day's record in turn."""

    def __init__(self, thresholds: Outcomes) -> None:
        self.t = thresholds
        self._dead_run = 0
        self._ads: deque[tuple[int, int]] = deque(maxlen=thresholds.ad_window_days)

    def judge(self, day: dict[str, Any], members_at_start: int) -> tuple[Outcome, str] | None:
        """The outcome reached on ``day`` (and why), or None."""
        t = self.t
        self._ads.append((day["visible_ads"], day["visible_messages"]))
        if day["day"] < t.grace_days:
            return None
        complaints = day["msgs_complaint"]
        if complaints >= t.blowup_min_complaints and complaints >= t.blowup_complaint_share * max(day["messages"], 1):
            return Outcome.BLOWN_UP, f"{complaints} complaints were {complaints / max(day['messages'], 1):.0%} of the day's messages"
        exodus = members_at_start > 0 and day["leaves"] >= max(t.blowup_leave_share * members_at_start, 5)
        if exodus and complaints >= t.blowup_min_complaints / 2:
            return Outcome.BLOWN_UP, f"{day['leaves']} of {members_at_start} members left in one day, {complaints} complaining"
        ads = sum(a for a, _ in self._ads)
        total = sum(m for _, m in self._ads)
        if len(self._ads) == t.ad_window_days and total >= t.ad_min_messages and ads >= t.ad_share * total:
            return Outcome.AD_GROUP, f"ads were {ads / total:.0%} of visible messages over {t.ad_window_days} days"
        if day["members"] < t.min_members:
            return Outcome.DEAD, f"only {day['members']} members left"
        self._dead_run = self._dead_run + 1 if day["member_messages"] < t.dead_messages_per_day else 0
        if self._dead_run >= t.dead_days:
            return Outcome.DEAD, (
                f"fewer than {t.dead_messages_per_day:g} member messages a day for {t.dead_days} days"
            )
        return None
