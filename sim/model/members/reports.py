"""Reports (举报) with their reporter, message, time and reason, and the rules' view of them (issue 16 item 4).

A member who sees a harmful message (sim/model/members/harmful.py) reports it
with their own ``report_propensity`` (a behaviour parameter; by default one
member in six reports, docs/MODEL.md "Reports"). Every report goes through
:meth:`MemberReports.file`: it is kept as a :class:`Report` (who, which message,
when, why, and whether the message was harmful in truth), it tells the harmful
tracker when a message was first reported, and rules with a report trigger see
a :class:`rules.MessageReported` carrying the count, the reporter and all
reporters so far; rules read them as ``message.reports``, ``message.reporters``,
``report.reason`` and the reporter's standing (``report.reporter_role``,
``report.reporter_warnings``, ``report.reporter_tenure_days``; rules/observe.py).
A brigade's false reports take the same path (:meth:`MemberReports.report_member`,
sim/model/adversaries/attacks.py); there is no other. A human admin's backlog
is ordered by :meth:`MemberReports.count` (sim/model/moderation.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rules import MessageReported
from sim.base.stats import km_median
from sim.model.members.harmful import HarmfulViews
from sim.model.messages import Message

if TYPE_CHECKING:
    from sim.model.world import World


@dataclass(frozen=True, slots=True)
class Report:
    """One report: who reported which message, when and why; ``harmful`` is the message's ground truth."""

    reporter: int
    message_id: int
    time: float
    reason: str
    harmful: bool


class MemberReports:
    """Every report filed through the members' path, for one group."""

    def __init__(self, world: World, harmful: HarmfulViews) -> None:
        self.world = world
        self.harmful = harmful
        self.reports: list[Report] = []
        self.reporters: dict[int, list[int]] = {}  # message id -> who reported it, in order
        self._against: dict[int, int] = {}  # member -> reports on their messages

    def file(self, m: Message, reporter: int, t: float, reason: str) -> None:
        """``reporter`` reports message ``m`` at ``t`` for ``reason``; rules with a report trigger see it."""
        who = self.reporters.setdefault(m.id, [])
        who.append(reporter)
        self._against[m.sender] = self._against.get(m.sender, 0) + 1
        self.reports.append(Report(reporter, m.id, t, reason, self.harmful.is_tracked(m.id)))
        self.harmful.note_report(m.id, t)
        w = self.world
        if w.rules.wants(MessageReported):
            w.moderation.feed(MessageReported(t, m, m.sender, len(who), reporter, reason, tuple(who)), t)

    def count(self, message_id: int) -> int:
        """Reports filed so far on message ``message_id``."""
        return len(self.reporters.get(message_id, ()))

    def against(self, member: int) -> int:
        """Reports filed so far on any of ``member``'s messages."""
        return self._against.get(member, 0)

    def report_member(self, member: int, reporter: int, t: float, reason: str, lookback: int = 2000) -> bool:
        """Report ``member``'s latest visible message among the last ``lookback`` (False if none): report-bombing."""
        msgs = self.world.roster.messages
        for m in reversed(msgs[-lookback:]):
            if m.sender == member and m.deleted_at < 0:
                self.file(m, reporter, t, reason)
                return True
        return False

    def metrics(self) -> dict[str, Any]:
        """Reports per harmful message, the false-report share, and time from first report to action."""
        tracked = self.harmful.tracked
        on_harmful = sum(1 for r in self.reports if r.harmful)
        end = float(self.world.env.now)
        reported = [r for r in tracked if math.isfinite(r.first_report)]
        acted = [r.message.deleted_at >= 0 for r in reported]
        waits = [max((r.message.deleted_at if gone else end) - r.first_report, 0.0) for r, gone in zip(reported, acted)]
        median = km_median(waits, acted) if any(acted) else math.nan
        return {
            "member_reports": len(self.reports),
            "reports_per_harmful": on_harmful / len(tracked) if tracked else math.nan,
            "false_report_share": (len(self.reports) - on_harmful) / len(self.reports) if self.reports else math.nan,
            "report_to_action_minutes_median": median if math.isfinite(median) else math.nan,
        }


__all__ = ["MemberReports", "Report"]
