"""The metrics catalogue: every summary metric of a run, declared once.

Each column of a run's ``summary`` dict (and of a portfolio's totals) is either
a :class:`Metric` here or a named non-metric column (ids, labels, digests; see
:data:`NON_METRICS`). A metric says its unit, its kind, which direction is
better, a short label (with the Chinese term once where users know it, e.g.
死群), a one-line meaning and the range its values can take. Tables, compare,
sweeps, searches and reports read labels, digits, interval methods and the
direction of a verdict from here, so no module keeps its own list.

Where to add a metric: compute it in the summary (``sim/run/summary.py`` or the
model's summary helper it calls) and declare it here; that is all. A test runs
every bundled scenario and fails while a summary key is not declared.

Outcome shares (``alive``, ``dead``, ...) and ``survival`` are declared too:
they are 0/1 per run, derived from ``outcome`` (``derived=True``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["share", "count", "rate", "minutes", "money", "ratio", "score", "days"]
Better = Literal["higher", "lower", "neither"]
INF = math.inf

#: Default digits shown for a mean of each kind.
DIGITS: dict[str, int] = {"share": 3, "count": 1, "rate": 1, "minutes": 1, "money": 2, "ratio": 2, "score": 3, "days": 1}
#: The interval of a mean over runs, by kind (binary shares get Wilson, lifetimes Kaplan-Meier).
INTERVAL_BY_KIND: dict[str, str] = {
    "share": "bca", "count": "bca", "rate": "bca", "minutes": "bca", "money": "bca", "ratio": "bca", "days": "bca",
    "score": "t",
}


@dataclass(frozen=True, slots=True)
class Metric:
    """One summary metric: what it measures, in which unit, and which way is better.

    Attributes:
        name: The summary column.
        unit: Unit of one run's value ("members", "messages/day", "yuan", "share", ...).
        kind: share, count, rate, minutes, money, ratio, score or days.
        better: "higher", "lower" or "neither" (no direction is a win by itself).
        label: Short human label for tables and figures.
        meaning: One line: what the number is.
        range: Smallest and largest value a run can have; no interval leaves it.
        binary: The value is 0/1 per run (an outcome share): intervals are Wilson.
        censored_by: Summary flag saying the value is censored (lifetimes): Kaplan-Meier.
        break_even: Where the metric breaks even (ROI 0, return on effort 1), if it does.
        derived: Computed from other columns (outcome shares), not a summary column itself.
    """

    name: str
    unit: str
    kind: Kind
    better: Better
    label: str
    meaning: str
    range: tuple[float, float] = (0.0, INF)
    binary: bool = False
    censored_by: str | None = None
    break_even: float | None = None
    derived: bool = False

    @property
    def digits(self) -> int:
        """Digits a mean of this metric is shown with."""
        return DIGITS[self.kind]

    @property
    def interval(self) -> str:
        """Name of the interval method for a mean over runs: wilson, kaplan-meier, bca or t."""
        if self.binary:
            return "wilson"
        if self.censored_by is not None:
            return "kaplan-meier"
        return INTERVAL_BY_KIND[self.kind]

    @property
    def difference_range(self) -> tuple[float, float]:
        """Range of a difference of two values of this metric (``b - a``)."""
        lo, hi = self.range
        return lo - hi, hi - lo

    def direction(self, difference: float) -> str:
        """"better", "worse" or "different" for a difference ``b - a`` that is not zero."""
        if self.better == "neither" or difference == 0 or not math.isfinite(difference):
            return "different"
        return "better" if (difference > 0) == (self.better == "higher") else "worse"

    def fmt(self, x: float | None, digits: int | None = None) -> str:
        """A value as text with this metric's digits ("-" for missing, "∞" for infinite)."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "-"
        if math.isinf(x):
            return "∞" if x > 0 else "-∞"
        return f"{x:,.{self.digits if digits is None else digits}f}"


def _m(name: str, unit: str, kind: Kind, better: Better, label: str, meaning: str, **kw: object) -> Metric:
    if kind == "share" and "range" not in kw:
        kw["range"] = (0.0, 1.0)
    return Metric(name, unit, kind, better, label, meaning, **kw)  # type: ignore[arg-type]


_OUTCOMES = (
    _m("alive", "share of runs", "share", "higher", "alive", "the group was still alive at the end", binary=True, derived=True),
    _m("dead", "share of runs", "share", "lower", "dead 死群", "the group fell silent (a dead group)", binary=True, derived=True),
    _m("ad_group", "share of runs", "share", "lower", "ad group 广告群", "ads took the group over", binary=True, derived=True),
    _m("blown_up", "share of runs", "share", "lower", "blown up 暴雷", "a complaint storm blew the group up", binary=True, derived=True),
    _m("dissolved", "share of runs", "share", "neither", "dissolved (planned)", "the group was dissolved as planned", binary=True, derived=True),
    _m("survival", "share of runs", "share", "higher", "survived", "alive at the end or dissolved as planned", binary=True, derived=True),
)

_RUN = (
    _m("lifetime_days", "days", "days", "higher", "lifetime, days", "day the group ended (the run length if still alive)", censored_by="censored"),
    _m("days_simulated", "days", "days", "neither", "days simulated", "length of the simulated time"),
    _m("final_members", "members", "count", "higher", "final members", "members in the group at the end"),
    _m("peak_members", "members", "count", "higher", "peak members", "most members on any day"),
    _m("joins", "members", "count", "higher", "joins", "members who joined"),
    _m("leaves", "members", "count", "lower", "leaves", "members who left of their own accord"),
    _m("kicks", "members", "count", "neither", "kicks", "members removed by a rule or staff"),
    _m("messages", "messages", "count", "higher", "messages", "messages posted, all kinds"),
    _m("member_messages", "messages", "count", "higher", "member messages", "messages by legitimate members (not staff, shills or adversaries)"),
    _m("msgs_chat", "messages", "count", "higher", "chat messages", "chat messages posted"),
    _m("msgs_question", "messages", "count", "neither", "questions posted", "question messages posted"),
    _m("msgs_answer", "messages", "count", "higher", "answers posted", "answer messages posted"),
    _m("msgs_content", "messages", "count", "higher", "content posts", "content (value) posts"),
    _m("msgs_ad", "messages", "count", "lower", "ads posted 广告", "ad messages posted"),
    _m("msgs_complaint", "messages", "count", "lower", "complaints posted", "complaint messages posted"),
    _m("msgs_announcement", "messages", "count", "neither", "announcements", "announcements posted"),
    _m("msgs_activity", "messages", "count", "neither", "activity posts", "activity messages posted"),
    _m("ads_deleted", "messages", "count", "neither", "ads deleted", "ad messages deleted"),
    _m("ad_share", "share of visible messages", "share", "lower", "ad share (visible)", "share of visible messages that are ads"),
    _m("ad_exposure", "member-views", "count", "lower", "ad views", "member-looks at ads while they were up"),
    _m("messages_per_day", "messages/day", "rate", "higher", "messages a day", "messages posted per simulated day"),
    _m("poster_share", "share of members", "share", "higher", "share of members who posted", "share of members ever in the group who posted"),
    _m("posts_gini", "Gini (0 equal, 1 one holds all)", "share", "lower", "posting inequality (Gini)", "Gini coefficient of posts per member"),
    _m("mean_satisfaction", "score (a newcomer starts at 1)", "score", "higher", "satisfaction",
       "mean satisfaction of present members at the end", range=(-INF, INF)),
    _m("muted_share", "share of present members", "share", "lower", "muted share", "share of present members muted at the end"),
    _m("questions", "questions", "count", "neither", "questions asked", "questions members asked"),
    _m("private_complaints", "complaints", "count", "lower", "private complaints", "complaints made in private chat"),
    _m("answered_share", "share of questions", "share", "higher", "questions answered", "share of questions that got an answer"),
    _m("rule_actions", "actions", "count", "neither", "rule actions", "actions the ruleset took"),
    _m("rule_actions_on_adversaries", "actions", "count", "higher", "rule actions on adversaries", "rule actions on adversaries"),
    _m("rule_actions_on_legitimate", "actions", "count", "lower", "rule actions on legitimate members", "rule actions on legitimate members"),
    _m("legitimate_kicked", "members", "count", "lower", "legitimate members kicked", "legitimate members kicked"),
    _m("true_positives", "cases", "count", "higher", "true positives", "punitive cases on adversaries"),
    _m("false_positives", "cases", "count", "lower", "false positives", "punitive cases on legitimate members"),
    _m("legitimate_punished", "members", "count", "lower", "legitimate members punished", "distinct legitimate members a rule punished"),
    _m("ad_exposure_before_removal", "member-views", "count", "lower", "ad views before removal", "member-views of removed ads before removal"),
    _m("moderator_minutes", "minutes", "minutes", "lower", "moderator minutes", "minutes the operator and human admins spent on rule cases"),
    _m("missed", "cases", "count", "lower", "missed cases", "rule cases nobody had time to act on"),
    _m("payments_yuan", "yuan", "money", "neither", "payments to post, yuan", "yuan members paid to post (pay-to-post)"),
    _m("compensation_yuan", "yuan", "money", "lower", "compensation by rules, yuan", "yuan rules paid out as compensation"),
    _m("reward_yuan", "yuan", "money", "lower", "rewards, yuan", "yuan rules paid out as rewards"),
    _m("appeals", "appeals", "count", "lower", "appeals", "appeals against rule actions"),
    _m("reinstated", "members", "count", "neither", "reinstated", "members reinstated after an appeal"),
    _m("private_talks", "talks", "count", "neither", "private talks 私聊", "conversations taken to private chat"),
    _m("spammer_accounts", "accounts", "count", "lower", "spammer accounts", "accounts ad spammers used"),
    _m("spammer_reach", "member-views", "count", "lower", "spammer reach", "member-looks at spammers' ads"),
    _m("spammer_spent", "yuan", "money", "neither", "spammer spend, yuan", "what ad spammers spent"),
    _m("spammer_payoff", "yuan", "money", "lower", "spammer payoff, yuan", "what ad spammers' reach was worth to them"),
    _m("spammer_thread_posts", "ads", "count", "neither", "spammer ads in the ad thread", "ads spammers posted in the ad thread"),
    _m("spammer_window_posts", "ads", "count", "neither", "spammer ads held for the window", "ads spammers held back for the ad window"),
    _m("spammer_declined", "accounts", "count", "neither", "spammers who stayed away", "spammer accounts that declined to join or to pay the fee"),
    _m("spammer_roi", "× spent", "ratio", "lower", "spammer ROI", "ad spammers' (payoff - spent) / spent",
       range=(-1.0, INF), break_even=0.0),
    _m("adversary_spent", "yuan", "money", "neither", "adversary spend, yuan", "what all adversaries spent"),
    _m("adversary_roi", "× spent", "ratio", "lower", "adversary ROI", "all adversaries' (payoff - spent) / spent",
       range=(-1.0, INF), break_even=0.0),
    _m("poached", "members", "count", "lower", "poached members 挖人", "members poachers pulled away"),
    _m("brigade_complaints", "complaints", "count", "lower", "brigade complaints 竞对搞事", "complaints posted by a competitor's brigade"),
    _m("grievance_complaints", "complaints", "count", "lower", "grievance complaints 群诉", "complaints from members with a grievance"),
    _m("reports_filed", "reports", "count", "neither", "reports filed", "reports members filed"),
    _m("compensation_paid", "yuan", "money", "lower", "compensation paid, yuan", "yuan paid to members as compensation"),
    _m("shill_exposures", "exposures", "count", "lower", "shill exposures 托儿", "times members saw through a shill"),
    _m("cascade_leaves", "members", "count", "lower", "cascade leaves", "members who left because others left"),
    _m("cascade_complaints", "complaints", "count", "lower", "cascade complaints", "complaints that joined a complaint cascade"),
    _m("volunteer_admins", "members", "count", "higher", "volunteer admins", "members promoted to volunteer admin"),
    _m("referrals", "members", "count", "higher", "referrals", "members who joined through a member's invitation"),
    _m("refused", "members", "count", "neither", "refused at entry", "join attempts refused: by the gate, a full group or a blacklist"),
    _m("entry_fees", "yuan", "money", "higher", "entry fees, yuan", "yuan paid to join"),
    _m("waiting_at_end", "members", "count", "lower", "waiting to join", "applicants still waiting at the end"),
    _m("activities_run", "activities", "count", "neither", "activities run", "activity occurrences held"),
    _m("activity_participants", "members", "count", "higher", "activity participants", "participations in activities"),
    _m("failed_group_buys", "group buys", "count", "lower", "failed group buys 拼团", "group buys that missed their quorum"),
    _m("relaunches", "relaunches", "count", "neither", "relaunches", "times the group was relaunched"),
    _m("delivery_complaints", "complaints", "count", "lower", "delivery complaints", "complaints about a gap between promise and delivery"),
    _m("purchases", "purchases", "count", "higher", "purchases", "product purchases"),
    _m("conversions", "members", "count", "higher", "conversions", "non-customers who bought"),
    _m("repurchases", "purchases", "count", "higher", "repurchases", "purchases by members who had bought before"),
    _m("upgrades", "purchases", "count", "higher", "upgrades", "high-ticket purchases"),
    _m("conversion_rate", "share of non-customers", "share", "higher", "conversion rate", "share of non-customers who bought"),
    _m("repurchase_rate", "share of customers", "share", "higher", "repurchase rate", "share of prior customers who bought again"),
    _m("upgrade_rate", "share of members", "share", "higher", "upgrade rate", "share of members who upgraded"),
    _m("gmv", "yuan", "money", "higher", "GMV, yuan", "gross merchandise value: sales plus entry fees"),
    _m("operator_hours", "hours", "minutes", "lower", "operator hours", "hours the operator spent on the group"),
    _m("perk_cost", "yuan", "money", "lower", "perk cost, yuan", "perks and compensation paid out"),
    _m("return_on_effort", "× spent", "ratio", "higher", "return on effort 投产比",
       "margin on GMV less refunds / (perks + operator cost to the horizon)", break_even=1.0),
    _m("gmv_per_member_day", "yuan/member-day", "money", "higher", "GMV per member-day, yuan", "GMV per member seen per simulated day"),
    _m("events", "events", "count", "neither", "events logged", "rows in the event log"),
    # who acted (issue 15 item 1): by the sender's truth in the roster
    _m("staff_messages", "messages", "count", "neither", "staff messages", "messages by staff: operator, admins, shills, bots"),
    _m("adversary_messages", "messages", "count", "lower", "adversary messages", "messages by spammers, attackers, poachers"),
    _m("legit_complaints", "complaints", "count", "lower", "member complaints", "complaints posted by legitimate members"),
    _m("legit_leaves", "members", "count", "lower", "member leaves", "legitimate members who left of their own accord"),
    _m("foreign_ad_share", "share of visible messages", "share", "lower", "non-staff ad share",
       "visible ads by senders who are not staff, as a share of visible messages"),
    _m("legit_messages_deleted", "messages", "count", "lower", "member messages deleted",
       "legitimate members' messages deleted by rules (collateral damage)"),
    # what the rules' text checks catch (issue 15 item 3): over adversaries' ads, and over punitive cases
    _m("spam_recall", "share of adversaries' ads", "share", "higher", "spam recall",
       "share of the ads adversaries posted that were removed (NaN when they posted none)"),
    _m("rule_precision", "share of punitive cases", "share", "higher", "rule precision",
       "true positives / (true + false positives): punitive cases on adversaries, of all on non-staff (NaN when none)"),
    _m("legit_joined", "members", "count", "neither", "members ever in", "legitimate members who were ever in the group"),
    _m("refused_full", "members", "count", "lower", "refused: group full", "join attempts refused because the group was full"),
    # business over the horizon (issue 15 item 2)
    _m("refunds", "yuan", "money", "lower", "refunds, yuan", "GMV refunded after a blow-up (refund_share of GMV)"),
    _m("gmv_forgone", "yuan", "money", "lower", "GMV forgone, yuan",
       "GMV a failed group would have made to the horizon at its pre-failure daily rate"),
    _m("days_costed", "days", "days", "neither", "days costed", "days whose operator cost counts (to the horizon if failed)"),
    _m("profit", "yuan", "money", "higher", "profit, yuan", "margin on GMV less refunds, less perks and operator cost",
       break_even=0.0, range=(-INF, INF)),
    _m("cases_skipped", "cases", "count", "lower", "cases skipped for attention",
       "rule cases the portfolio's operator skipped in this group (attention budget spent; 0 for a lone group)"),
)

_PORTFOLIO = (
    _m("funnel_moves", "members", "count", "higher", "funnel moves", "members moved up the portfolio's funnel"),
    _m("adversary_moves", "accounts", "count", "lower", "adversary moves", "adversaries who moved on to another group"),
    _m("blacklisted", "persons", "count", "neither", "blacklisted", "persons on the shared blacklist at the end"),
    _m("blacklist_refusals", "join attempts", "count", "neither", "refused as blacklisted", "joins refused by the shared blacklist"),
    _m("shared_members", "persons", "count", "neither", "members in two groups", "persons who were in more than one group"),
    _m("attention_skipped_total", "cases", "count", "lower", "cases skipped for attention",
       "rule cases the operator skipped across the portfolio (attention budget spent)"),
)

#: Members' metrics (issue 16), computed by sim/model/members/measures.py.
_MEMBERS = (
    _m("friend_exits", "members", "count", "lower", "friend exits", "members who left because too few of their friends were left"),
    _m("harmful_messages", "messages", "count", "lower", "harmful messages", "ads and complaints posted by adversaries"),
    _m("harmful_views", "member-views", "count", "lower", "harmful views", "member-views of harmful messages, in continuous time"),
    _m("harmful_views_before_report", "member-views", "count", "lower", "harmful views before report",
       "member-views of harmful messages before their first report"),
    _m("harmful_removal_minutes_median", "minutes", "minutes", "lower", "median time to removal",
       "Kaplan-Meier median minutes from posting to removal of harmful messages (NaN: under half removed)"),
    _m("member_reports", "reports", "count", "neither", "member reports", "reports filed through the members' path (reporter known)"),
    _m("reports_per_harmful", "reports/message", "ratio", "higher", "reports per harmful message",
       "members' reports on harmful messages, per harmful message"),
    _m("false_report_share", "share of reports", "share", "lower", "false-report share", "share of reports on messages that were not harmful"),
    _m("report_to_action_minutes_median", "minutes", "minutes", "lower", "first report to action",
       "Kaplan-Meier median minutes from a harmful message's first report to its removal"),
    _m("harmful_removed_unseen_share", "share of harmful messages", "share", "higher", "removed before anyone saw",
       "share of harmful messages removed before any member saw them"),
    # norms and metanorms (sim/model/members/norms.py)
    _m("norm_violations", "messages", "count", "lower", "norm violations", "members' own ads against the group's norm"),
    _m("violation_rate", "violations/member-day", "rate", "lower", "violation rate",
       "norm violations per member-day (members counted at each day's start; NaN: norms off)"),
    _m("norm_rebukes", "rebukes", "count", "neither", "rebukes", "public rebukes of violators by members who saw them"),
    _m("norm_meta_rebukes", "rebukes", "count", "neither", "metanorm rebukes",
       "members rebuked by other members for letting a violation pass"),
    _m("rule_rebukes", "rebukes", "count", "neither", "rule rebukes", "members rebuked in public by a rule's rebuke action"),
    _m("norm_imitations", "members", "count", "neither", "imitations", "times a member copied a better-off member's traits"),
    _m("mean_boldness", "probability", "share", "lower", "mean boldness",
       "present members' mean propensity to violate at the end (NaN: norms off)"),
    _m("mean_vengefulness", "probability", "share", "neither", "mean vengefulness",
       "present members' mean propensity to rebuke at the end (NaN: norms off)"),
    # forwarding (sim/model/members/forwarding.py)
    _m("forwards", "forwards", "count", "neither", "forwards", "messages members forwarded outside the group (转发)"),
    _m("forwards_content", "forwards", "count", "higher", "content forwards", "useful content posts forwarded outside"),
    _m("forwards_ads", "forwards", "count", "lower", "ad forwards", "ads forwarded outside"),
    _m("forwards_rumours", "forwards", "count", "lower", "rumour forwards", "rumours (adversaries' complaints) forwarded outside"),
    _m("forwards_red_packets", "forwards", "count", "neither", "red packet forwards", "red packets forwarded outside"),
    _m("outside_exposure", "person-views", "count", "neither", "exposure outside the group",
       "people outside the group reached by forwards (audience per forward)"),
    _m("outside_exposure_content", "person-views", "count", "higher", "content exposure outside",
       "people outside reached by forwarded content"),
    _m("outside_exposure_ads", "person-views", "count", "lower", "ad exposure outside", "people outside reached by forwarded ads"),
    _m("outside_exposure_rumours", "person-views", "count", "lower", "rumour exposure outside",
       "people outside reached by forwarded rumours"),
    _m("outside_exposure_red_packets", "person-views", "count", "neither", "red packet exposure outside",
       "people outside reached by forwarded red packets"),
    _m("forward_invitations", "invitations", "count", "neither", "invitations after forwards",
       "outside readers of a forward who asked to be invited (each judged by the entry policy)"),
    _m("forward_joins", "members", "count", "higher", "joins after forwards", "invitees after forwards who got in"),
    _m("forwards_to_groups", "forwards", "count", "neither", "forwards into other groups",
       "tracked messages forwarded into another group of the portfolio"),
    _m("top1_share", "share of posts", "share", "neither", "top 1% share", "share of members' posts written by the top 1% of members"),
    _m("next9_share", "share of posts", "share", "neither", "next 9% share", "share of members' posts written by the next 9% of members"),
    _m("rest90_share", "share of posts", "share", "neither", "other 90% share", "share of members' posts written by the other 90%"),
    _m("post_burstiness", "B (-1 regular, 0 Poisson, 1 bursty)", "ratio", "neither", "posting burstiness",
       "population burstiness of members' inter-message times in diurnal time", range=(-1.0, 1.0)),
    # causal paths of the seeds' mechanisms (issue 15 item 5)
    _m("welcomed", "members", "count", "neither", "members welcomed", "members the welcome ritual greeted (欢迎仪式)"),
    _m("operator_answers", "answers", "count", "lower", "operator answers", "questions the operator answered (their load)"),
    _m("volunteer_answers", "answers", "count", "higher", "volunteer answers", "questions volunteer admins answered at their visits"),
    _m("gift_referrals", "members", "count", "higher", "referral-gift joins", "friends brought in by referral gifts (老带新)"),
    _m("converted_super_users", "members", "count", "higher", "converted super users",
       "potential super users who became super users by the example of super users"),
    _m("potential_posts_per_member", "messages/member", "ratio", "higher", "posts per potential super user",
       "messages per legitimate member who did not start as a super user (tier super)"),
)

CATALOGUE: dict[str, Metric] = {m.name: m for m in (*_OUTCOMES, *_RUN, *_MEMBERS, *_PORTFOLIO)}

_DAY = (
    _m("members", "members", "count", "higher", "members", "members in the group at the end of the day"),
    _m("active_members", "members", "count", "higher", "active members", "members who looked at the group that day"),
    _m("posters", "members/day", "count", "higher", "members posting a day", "members who posted that day"),
    _m("member_messages", "messages/day", "count", "higher", "member messages a day", "messages by legitimate members that day"),
    _m("ad_share", "share of visible messages", "share", "lower", "ad share", "share of the day's visible messages that are ads"),
    _m("mean_satisfaction", "score (a newcomer starts at 1)", "score", "higher", "mean satisfaction",
       "mean satisfaction of present members at the end of the day", range=(-INF, INF)),
    _m("msgs_complaint", "messages/day", "count", "lower", "complaints a day", "complaint messages posted that day"),
    _m("leaves", "members/day", "count", "lower", "leaves a day", "members who left that day"),
    _m("kicks", "members/day", "count", "neither", "kicks a day", "members removed that day"),
)
DAILY: dict[str, Metric] = {m.name: m for m in _DAY}
"""Per-day series (``days.parquet`` columns) that reports draw and watch; a day's value, not a run's."""

NON_METRICS: frozenset[str] = frozenset({
    "run_id", "scenario", "group_type", "ruleset", "seed", "outcome", "outcome_reason", "censored", "rules_json",
    "event_log_digest",
    # portfolio totals
    "portfolio", "groups", "outcomes", "attention_skipped",
})
"""Summary columns that are ids, labels, flags or digests, not metrics."""

ALIASES: dict[str, str] = {"activity": "messages_per_day"}
"""Friendly names used in search files."""

HEADLINE: tuple[str, ...] = (
    "final_members", "messages_per_day", "poster_share", "ad_share", "ad_exposure", "mean_satisfaction",
    "answered_share", "kicks", "rule_actions_on_legitimate", "legitimate_kicked",
)
OUTCOME_SHARES: tuple[str, ...] = ("alive", "dead", "ad_group", "blown_up", "dissolved")
PORTFOLIO_TOTALS: tuple[str, ...] = (
    "gmv", "return_on_effort", "operator_hours", "funnel_moves", "adversary_moves", "blacklist_refusals", "shared_members",
)


def metric(name: str) -> Metric:
    """The catalogue entry of ``name`` (or of its alias); KeyError naming the catalogue if unknown."""
    name = ALIASES.get(name, name)
    try:
        return CATALOGUE[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in the metrics catalogue (sim/base/metrics.py)") from None


def find(name: str) -> Metric | None:
    """The catalogue entry of ``name``, or None (a column that is not declared)."""
    return CATALOGUE.get(ALIASES.get(name, name))


def label(name: str) -> str:
    """The metric's label, or the column name itself if it is not declared."""
    m = find(name)
    return m.label if m is not None else name


def daily(name: str) -> Metric:
    """The declaration of a per-day series column (KeyError if it is not declared)."""
    return DAILY[name]


def catalogue() -> tuple[Metric, ...]:
    """Every declared metric, outcome shares first."""
    return tuple(CATALOGUE.values())


def headline() -> tuple[Metric, ...]:
    """The metrics a run table and a comparison show, in order."""
    return tuple(CATALOGUE[n] for n in HEADLINE)


def outcome_shares() -> tuple[Metric, ...]:
    """The five outcome shares, in the order tables show them."""
    return tuple(CATALOGUE[n] for n in OUTCOME_SHARES)


def portfolio_totals() -> tuple[Metric, ...]:
    """The portfolio totals the portfolio table shows."""
    return tuple(CATALOGUE[n] for n in PORTFOLIO_TOTALS)


def undeclared(columns: Iterable[str]) -> list[str]:
    """Columns of a summary that are neither a metric nor a named non-metric (should be empty)."""
    return sorted(str(c) for c in columns if c not in CATALOGUE and c not in NON_METRICS)


__all__ = [
    "ALIASES", "CATALOGUE", "DAILY", "HEADLINE", "NON_METRICS", "Metric", "catalogue", "daily", "find", "headline", "label",
    "metric",
    "outcome_shares", "portfolio_totals", "undeclared",
]
