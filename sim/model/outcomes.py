"""How a run ended: alive, dead (死群), ad group (广告群), blown up (暴雷) or dissolved.

Judged once a day from the day's record, with the scenario's thresholds
(:class:`sim.spec.scenario.Outcomes`). Every verdict counts what legitimate
members did or lived through, by the sender's truth in the roster, never by a
message's kind alone (docs/MODEL.md, "Outcomes"):

- **dead** (死群, seed 000 "要么成为死群"): legitimate members' own messages
  that members can still read (not deleted by a rule) stay below
  ``dead_messages_per_day`` for ``dead_days`` days, or fewer than
  ``min_members`` legitimate members are left. Staff, shills and adversaries
  talking to each other do not keep a group alive, and neither do members'
  posts that a rule deletes.
- **ad group** (广告群, seed 004 "只有广告"): ads from senders who are not
  staff are at least ``ad_share`` of the visible messages over
  ``ad_window_days``. The brand's own pushes hurt through members' reactions
  (muting, leaving, silence), not through this label.
- **blown up** (暴雷, seed 000 "被客户群诉"; seed 001 §九.2 负面信息很容易发酵):
  in one day at least ``blowup_min_complaints`` distinct legitimate members
  complain and their complaints are ``blowup_complaint_share`` of the day's
  messages, or ``blowup_leave_share`` of the legitimate members leave with at
  least half that many complaining. Attackers reach it only through the
  members they move.
- **dissolved**: a planned end (sim/model/ticks.py, sim/model/designs/lifecycle.py).

The first terminal outcome is the run's outcome, with the day it happened; a
group that reaches none is alive and its lifetime is censored at the end of the run.
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

    def restart(self) -> None:
        """A relaunch (second life) starts the quiet-day count again, as the lifecycle's does."""
        self._dead_run = 0

    def judge(self, day: dict[str, Any]) -> tuple[Outcome, str] | None:
        """The outcome reached on ``day`` (and why), or None."""
        t = self.t
        self._ads.append((day["visible_foreign_ads"], day["visible_messages"]))
        if day["day"] < t.grace_days:
            return None
        complainers, messages = day["legit_complainers"], max(day["messages"], 1)
        complaints = day["legit_complaints"]
        if complainers >= t.blowup_min_complaints and complaints >= t.blowup_complaint_share * messages:
            return Outcome.BLOWN_UP, (
                f"{complainers} members complained, {complaints / messages:.0%} of the day's messages"
            )
        at_start, leaves = day["legit_members_at_start"], day["legit_leaves"]
        exodus = at_start > 0 and leaves >= max(t.blowup_leave_share * at_start, 5)
        if exodus and complainers >= t.blowup_min_complaints / 2:
            return Outcome.BLOWN_UP, f"{leaves} of {at_start} members left in one day, {complainers} complaining"
        ads = sum(a for a, _ in self._ads)
        total = sum(m for _, m in self._ads)
        if len(self._ads) == t.ad_window_days and total >= t.ad_min_messages and ads >= t.ad_share * total:
            return Outcome.AD_GROUP, f"ads by non-staff senders were {ads / total:.0%} of visible messages over {t.ad_window_days} days"
        if day["legit_members"] < t.min_members:
            return Outcome.DEAD, f"only {day['legit_members']} members left"
        self._dead_run = self._dead_run + 1 if day["visible_member_messages"] < t.dead_messages_per_day else 0
        if self._dead_run >= t.dead_days:
            return Outcome.DEAD, (
                f"members' visible messages were fewer than {t.dead_messages_per_day:g} a day for {t.dead_days} days"
            )
        return None


__all__ = ["Outcome", "OutcomeJudge"]
