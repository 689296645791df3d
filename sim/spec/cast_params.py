"""Parameters of the cast beyond plain members: staff, adversaries, cascades, tiers.

Each model is one population entry's ``params`` (or a group-level setting) in a
scenario file, frozen and validated like the rest of :mod:`sim.scenario`. Every
numeric behaviour parameter is a :data:`sim.params.Param` (constant,
distribution or per-member list). The mechanisms are in docs/MODEL.md
("Member tiers", "Cascades", "Staff", "Adversaries", "Adversary economics").
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from sim.base.params import Param
from sim.base.schema import SpecModel

NEVER = 1e9
"""A cascade threshold that is never reached (the default: cascades off)."""


class _Model(SpecModel):
    """Frozen, no unknown fields, finite numbers (:class:`sim.base.schema.SpecModel`)."""


Tier = Literal["lurker", "ordinary", "core", "super", "kol"]

# Defaults a member tier gives to fields the scenario leaves out (seed 001, 003, 004:
# most members read little and post less; core and super users post weekly or more;
# KOLs share expert content). Rates are messages a day when fully engaged.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    "lurker": {
        "post_rate": {"dist": "lognormal", "median": 0.002, "sigma": 1.0},
        "check_rate": 1.0,
        "answer_propensity": 0.1,
    },
    "ordinary": {
        "post_rate": {"dist": "lognormal", "median": 0.02, "sigma": 1.0},
        "check_rate": 3.0,
    },
    "core": {
        "post_rate": {"dist": "lognormal", "median": 0.2, "sigma": 0.5},
        "check_rate": 8.0,
        "answer_propensity": 0.5,
        "priority_greed": 0.9999,
    },
    "super": {
        "post_rate": {"dist": "lognormal", "median": 8.0, "sigma": 0.4},
        "check_rate": 16.0,
        "answer_propensity": 0.6,
        "priority_greed": 0.9999,
    },
    "kol": {
        "post_rate": 2.0,
        "check_rate": 6.0,
        "answer_propensity": 0.7,
        "expert_share": 0.5,
        "priority_greed": 0.9999,
    },
}


class Cascades(_Model):
    """Granovetter-style leave and complain cascades (docs/MODEL.md, "Cascades")."""

    updating: Literal["sync", "async"] = Field(
        default="async",
        description="sync: every member re-checks in rounds against the count at the round's start; "
        "async: each member checks at their own visits, seeing departures as they happen.",
    )
    round_minutes: float = Field(default=60.0, gt=0, description="Length of a synchronous round.")
    friend_weight: float = Field(default=1.0, ge=0, description="Weight w of a friend's departure or complaint.")
    share: bool = Field(default=False, description="Thresholds are shares of the members present at each decision, not counts.")


class VolunteerAdmins(_Model):
    """Active members promoted to admin (seed 001 §九.4)."""

    max_admins: int = Field(default=0, ge=0, description="Volunteer admins at most (0: none promoted).")
    min_posts: int = Field(default=10, ge=1, description="Messages a member needs before promotion.")
    answer_boost: float = Field(default=0.3, ge=0, le=1, description="Added chance a volunteer's post answers.")
    trust_gain: float = Field(default=0.2, description="Satisfaction a volunteer and their friends gain on promotion.")
    visit_answer_probability: float = Field(
        default=0.5, ge=0, le=1,
        description="Chance a volunteer answers the oldest open question at each visit (shared load; 0: off).",
    )


class Adaptation(_Model):
    """Members' boldness and vengefulness adapt by imitating better-off members (docs/MODEL.md, "Norms and metanorms").

    Every ``every_days`` each present member compares their payoff with one
    model's (a member drawn at random from the group, or from their friends) and
    copies the model's traits with probability ``(pi_model - pi_self) / (pi_max -
    pi_min)`` when the model did better (proportional imitation, Schlag 1998);
    then each trait is redrawn uniformly on [0, 1] with ``mutation_rate``
    (Axelrod 1986 mutated 1% per gene).
    """

    enabled: bool = Field(default=False, description="Whether traits adapt at all (off: each keeps their drawn traits).")
    every_days: float = Field(default=1.0, gt=0, description="Days between imitation rounds (a generation).")
    mutation_rate: float = Field(default=0.01, ge=0, le=1, description="Chance a trait is redrawn uniformly after a round.")
    among: Literal["group", "friends"] = Field(default="group", description="Where the model is drawn from.")
    payoff: Literal["score", "satisfaction"] = Field(
        default="score", description="score: the norms game's payoffs since the last round (Axelrod); satisfaction: S(t)."
    )


class Norms(_Model):
    """Norms and metanorms (Axelrod 1986): violations, public rebukes, rebukes of those who let it pass.

    Payoffs are Axelrod's (T 3, H -1, P -9, E -2) times 0.01, so that the hurt a
    violation does to each reader equals the default ad annoyance (0.01).
    """

    violations_per_day: float = Field(
        default=0.0, ge=0, description="Chances a day each member has to violate the norm (post an ad); 0: norms off."
    )
    temptation: float = Field(default=0.03, ge=0, description="T: satisfaction a violator gains from a violation.")
    rebuke_cost: float = Field(default=0.09, ge=0, description="P: satisfaction (standing) a rebuked violator loses.")
    enforcement_cost: float = Field(default=0.02, ge=0, description="E: satisfaction a member pays to rebuke.")
    metanorm: bool = Field(default=False, description="Members who rebuke also rebuke viewers who let it pass.")
    meta_rebuke_cost: float = Field(default=0.09, ge=0, description="P': satisfaction a bystander loses per rebuke.")
    meta_enforcement_cost: float = Field(default=0.02, ge=0, description="E': satisfaction a member pays per bystander rebuked.")
    adaptation: Adaptation = Adaptation()


class Forwarding(_Model):
    """Members forward what they read (转发) to friends outside the group (docs/MODEL.md, "Forwarding").

    Propensities per form are member parameters (``forward_content``,
    ``forward_ads``, ``forward_rumours``, ``forward_red_packets``); this is the
    group-level part: reach, invitations and, in a portfolio, other groups.
    """

    enabled: bool = Field(default=True, description="Whether members forward at all (the off switch).")
    audience: float = Field(default=5.0, ge=0, description="Friends outside the group one forward reaches (mean).")
    join_probability: float = Field(
        default=0.0, ge=0, le=1,
        description="Chance one outside reader of forwarded content or a red packet asks to be invited (0: none).",
    )
    entry: str = Field(default="", description="Population entry (label) invitees join as (empty: the first member entry).")
    to_groups: float = Field(
        default=0.0, ge=0, le=1,
        description="Portfolio: chance a forward also goes into each other group the forwarder is in.",
    )


class StaffParams(_Model):
    """Admins (管理) and KOL/experts (专家) run by the brand: content and answers."""

    content_per_day: Param = Field(default=1.0, description="Value posts a day, in working hours.")
    content_value: Param = Field(default=1.0, description="Value units per content post.")
    content_mix: dict[str, float] = Field(default_factory=dict, description="Weights over value dimensions (default equal).")
    working_hours: tuple[int, int] = (9, 22)
    answer_probability: Param = Field(default=0.5, description="Chance to answer an open question.")
    answer_delay_minutes: Param = Field(default_factory=lambda: {"dist": "lognormal", "median": 30.0, "sigma": 1.0})
    answer_value: Param = Field(default=0.2, description="Information value of an answer.")
    rule_breaking_per_day: Param = Field(
        default=0.0, description="Off-topic or ad posts a day by this staff member (seed 001 §七.3: admins must obey)."
    )


class ShillParams(_Model):
    """Warm-up crew / host / shill (气氛组, 主持人, 托儿): visible as members (seed 001 §九.2)."""

    check_minutes: Param = Field(default=60.0, description="How often the shill looks whether the group is quiet.")
    quiet_messages: Param = Field(default=3.0, description="Fewer messages than this since the last look is quiet.")
    warmup_burst: Param = Field(default=2.0, description="Warm-up messages posted into a quiet group.")
    warmup_value: Param = Field(default=0.05, description="Connections value of a warm-up message.")
    agree_probability: Param = Field(default=0.5, description="Chance to post agreement after a member's post (steering).")
    answer_probability: Param = Field(default=0.3, description="Chance to answer an open question at a look.")
    exposure_probability: Param = Field(
        default=0.01, description="Chance a staged post is seen through (repeated phrasing, too-fast agreement)."
    )
    working_hours: tuple[int, int] = (9, 23)


class SpammerEconomics(_Model):
    """An adversary's money: budget, costs and the value of reach (yuan)."""

    budget: Param = Field(default=50.0, description="Money the adversary will spend in this group.")
    account_cost: Param = Field(default=5.0, description="Cost of one account (a new one after each kick).")
    entry_fee: Param = Field(default=0.0, description="Paid to join (paid groups; seed 000: paying filters).")
    ad_fee: Param = Field(default=10.0, description="Red packet paid per ad when complying (seed 001 §一.5, 004).")
    value_per_view: Param = Field(default=0.05, description="Yuan earned per member reached by an ad.")
    view_share: Param = Field(default=0.3, description="Expected share of members one surviving ad reaches.")


class SpammerStrategy(_Model):
    """How an ad spammer chooses where and when to post, and whether to join or pay (docs/MODEL.md, "Responsive spammers")."""

    responsive: bool = Field(
        default=False,
        description="Choose venue, timing, joining and paying by expected payoff against sanction risk; "
        "false: the fixed behaviour (post at every chance in the main chat, pay a fee if the budget allows).",
    )
    thread_view_share: float = Field(
        default=0.2, ge=0, le=1, description="Share of members who read one ad in the ad thread (an assumption; no seed figure)."
    )
    choice_noise: float = Field(
        default=0.25, ge=0, description="Softmax temperature over venues, in yuan (0: always the best venue)."
    )
    prior_weight: float = Field(default=10.0, gt=0, description="Weight, in ads, of what the published rules say before any ad is seen.")
    judge_minutes: float = Field(default=60.0, gt=0, description="An ad still up this long after posting, its sender not kicked, has worked.")


class PoacherParams(_Model):
    """Poachers (盗粉): add members privately and pull them away (seed 001 §八.1, §九.2)."""

    join_day: Param = Field(default_factory=lambda: {"dist": "uniform", "low": 0.0, "high": 3.0})
    chat_rate: Param = Field(default=0.5, description="Ordinary chat a day, to look normal.")
    dm_per_day: Param = Field(default=10.0, description="Members added privately a day.")
    pull_probability: Param = Field(default=0.3, description="Chance a member added privately leaves the group.")
    stay_days: Param = 60.0
    economics: SpammerEconomics = Field(
        default_factory=lambda: SpammerEconomics(value_per_view=2.0, budget=20.0), description="Pulled members are reach."
    )


class BrigadeParams(_Model):
    """Competitor brigade (竞对): infiltrate over days, then attack together (seed 000)."""

    infiltration_days: Param = Field(default=5.0, description="Members join spread over this many days.")
    attack_day: Param = Field(default=7.0, description="Day the coordinated attack starts.")
    attack_days: Param = Field(default=2.0, description="Days the attack lasts.")
    chat_rate: Param = Field(default=1.0, description="Normal chat a day while infiltrating.")
    complaint_rate: Param = Field(default=12.0, description="Complaints and rumours a day each, while attacking.")
    amplify_probability: Param = Field(default=0.5, description="Chance another brigade member seconds a complaint.")
    reports_per_day: Param = Field(default=3.0, description="Reports filed a day each against members or staff.")
    economics: SpammerEconomics = Field(default_factory=lambda: SpammerEconomics(value_per_view=0.0))


class IncidentParams(_Model):
    """A product or delivery incident that gives customers a real grievance (群诉; seed 000, 001 §九.5)."""

    day: Param = Field(default=5.0, description="Day the incident happens.")
    affected_share: Param = Field(default=0.1, description="Share of present members with a real grievance.")
    complaints_per_day: Param = Field(default=4.0, description="Complaints a day from each aggrieved member.")
    grievance_days: Param = Field(default=3.0, description="Days an aggrieved member keeps complaining if not calmed.")
    grievance_cost: Param = Field(default=0.3, description="Satisfaction an aggrieved member loses at once.")
    response_hours: Param = Field(default=6.0, description="Hours until the operator responds.")
    compensation: Param = Field(default=0.0, description="Compensation per aggrieved member (yuan).")
    substantive_compensation: Param = Field(
        default=20.0, description="Compensation at or above this is substantive and calms (seed 001 §九.5)."
    )
    calm_probability: Param = Field(default=0.9, description="Chance a substantive response calms a member.")
    token_calm_probability: Param = Field(default=0.05, description="Chance a token response calms a member.")


__all__ = [
    "NEVER",
    "Adaptation",
    "Forwarding",
    "Norms",
    "TIER_DEFAULTS",
    "BrigadeParams",
    "Cascades",
    "IncidentParams",
    "PoacherParams",
    "ShillParams",
    "SpammerEconomics",
    "SpammerStrategy",
    "StaffParams",
    "Tier",
    "VolunteerAdmins",
]
