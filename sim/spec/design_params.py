"""Parameters of group designs: entry policy, activities calendar, lifecycle, delivery, business.

Each model is a group-level (or scenario-level) setting in a scenario file,
frozen and validated like the rest of :mod:`sim.scenario`. Every feature here
defaults off, so a scenario that leaves them out runs exactly as before. The
mechanisms, their parameters and the seed lines they follow are in
docs/MODEL.md ("Entry policies", "Activities calendar", "Lifecycle",
"Delivery gap", "Business results").
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.base.schema import SpecModel


class _Model(SpecModel):
    """Frozen, no unknown fields, finite numbers (:class:`sim.base.schema.SpecModel`)."""


EntryPolicyName = Literal["open", "qr_code", "invite_approval", "paid", "invitation_only"]


class Entry(_Model):
    """How people get in (seed 001 §一.9, §九.1; seed 000: paying is the best filter; seed 003)."""

    policy: EntryPolicyName = Field(default="open", description="open, qr_code, invite_approval, paid or invitation_only.")
    qr_valid_days: float = Field(default=7.0, gt=0, description="A QR code expires this many days after it was made (seed 001 §九.1).")
    qr_renew_days: float | None = Field(
        default=None, gt=0, description="The operator posts a fresh QR code every this many days (None: never)."
    )
    joins_per_account_per_day: int = Field(
        default=10, ge=1, description="Groups one account may join by QR code a day (WeChat: 10; binds in portfolios)."
    )
    approve_probability: float = Field(default=0.95, ge=0, le=1, description="Chance a genuine request is approved.")
    spot_probability: float = Field(
        default=0.7, ge=0, le=1, description="Chance the owner spots an adversary's account (profile, 爆粉 pattern) and refuses."
    )
    fee: float = Field(default=0.0, ge=0, description="Entry price in yuan (policy paid).")
    commitment: float = Field(
        default=0.1, ge=0, description="A paying member's leave threshold falls by this much (sunk cost; policy paid)."
    )
    min_screening_score: float = Field(
        default=0.5, description="Members need params.screening_score at least this (policy invitation_only)."
    )
    waiting_list: bool = Field(default=False, description="When the group is full, queue joiners instead of refusing them.")
    max_wait_days: float = Field(default=7.0, gt=0, description="A queued joiner gives up after this many days.")


ActivityKind = Literal[
    "check_in", "flash_deal", "group_buy", "lottery", "red_packet", "relay", "expert_talk", "member_share",
    "daily_news", "ad_push", "referral_gift",
]


class Activity(_Model):
    """One recurring activity of the calendar (seed 001 §二.2, §四; seed 004 activities 活动)."""

    kind: ActivityKind
    hour: float = Field(default=20.0, ge=0, lt=24, description="Hour of day it starts.")
    every_days: float = Field(default=7.0, gt=0, description="Days between occurrences (1: daily).")
    start_day: float = Field(default=0.0, ge=0, description="Day of the first occurrence (day 0 is a Monday).")
    until_day: float | None = Field(default=None, ge=0, description="No occurrence on or after this day.")
    value: float | None = Field(default=None, ge=0, description="Value units the activity carries (default by kind).")
    participation: float | None = Field(
        default=None, ge=0, le=1, description="Chance an engaged member takes part (default by kind)."
    )
    cost_yuan: float | None = Field(default=None, ge=0, description="Perks paid out per occurrence (default by kind).")
    per_participant_yuan: float | None = Field(default=None, ge=0, description="Perks per participant (default by kind).")
    participants_needed: int = Field(default=3, ge=1, description="A group buy (拼团) succeeds only with this many.")
    reminders: bool = Field(default=False, description="Notices the evening before, half a day before, an hour before.")
    reminder_lift: float = Field(default=0.2, ge=0, description="Relative rise in participation per reminder.")
    variants: int = Field(default=1, ge=1, description="Distinct versions rotated; repeats of one version go stale.")
    staleness: float = Field(
        default=0.8, gt=0, le=1, description="Value factor per unchanged repeat (seed 004: stale activities lose value)."
    )
    operator_minutes: float = Field(default=20.0, ge=0, description="Operator minutes to run one occurrence.")
    count: int = Field(default=1, ge=1, description="Posts per occurrence (ad pushes: several a time).")
    invite_probability: float | None = Field(
        default=None, ge=0, le=1,
        description="Chance a participant brings a friend in (referral_gift: 推荐送礼/老带新, default 0.3; others 0).",
    )


class SecondLife(_Model):
    """Injected content or activities when a group goes quiet (seed 004: value stops, groups decline)."""

    quiet_days: int = Field(default=2, ge=1, description="Consecutive quiet days that trigger a relaunch.")
    max_relaunches: int = Field(default=1, ge=1, description="Relaunches at most.")
    value: float = Field(default=2.0, ge=0, description="Value units of the relaunch content (information, activities).")
    notify_gain: float = Field(
        default=0.3, description="Satisfaction every present member gains from the @all relaunch notice."
    )
    refresh_activities: bool = Field(default=True, description="Activities restart as new versions (staleness reset).")


class Lifecycle(_Model):
    """Planned dissolution (group.dissolve_day), dissolution after inactivity, a second life."""

    dissolve_after_inactive_days: int | None = Field(
        default=None, ge=1, description="Dissolve after this many quiet days in a row (seed 004: 长期无互动的群解散)."
    )
    quiet_messages_per_day: float | None = Field(
        default=None, ge=0, description="Member messages a day below which a day is quiet (default: outcomes.dead_messages_per_day)."
    )
    second_life: SecondLife | None = None


class Delivery(_Model):
    """A delivery group's promise against what it delivers (交付群; seed 000)."""

    promised_value_per_day: float = Field(gt=0, description="Value units a day members were promised (content and answers).")
    window_days: int = Field(default=3, ge=1, description="Days over which delivery is compared with the promise.")
    gap_cost: float = Field(default=0.3, ge=0, description="Satisfaction lost a day per unit relative shortfall.")
    complain_propensity: float = Field(default=0.15, ge=0, le=1, description="Chance per day per unit shortfall a member complains.")
    exceed_gain: float = Field(default=0.1, ge=0, description="Satisfaction gained a day per unit relative surplus (excellent service).")
    start_day: int = Field(default=1, ge=0, description="First day judged (members give the course a day).")


class Business(_Model):
    """Purchases and money (seed 000: repurchase, upgrade, referral; seed 002: GMV, 投产比)."""

    product_price: float = Field(default=50.0, ge=0, description="Price of the regular product (yuan).")
    high_ticket_price: float = Field(default=1000.0, ge=0, description="Price of the high-ticket product (upgrade).")
    prior_customer_share: float = Field(
        default=0.0, ge=0, le=1, description="Share of members who already bought (new-customer groups: the lead product)."
    )
    conversion_per_day: float = Field(default=0.004, ge=0, description="Daily purchase chance of a satisfied non-customer.")
    repurchase_per_day: float = Field(default=0.01, ge=0, description="Daily purchase chance of a satisfied customer.")
    upgrade_per_day: float = Field(default=0.002, ge=0, description="Daily high-ticket chance of a satisfied repeat customer.")
    deal_lift: float = Field(default=0.3, ge=0, description="Added purchase chance for a flash deal or group buy taken part in.")
    margin: float = Field(default=0.3, ge=0, le=1, description="Gross margin on GMV.")
    operator_hourly_cost: float = Field(default=50.0, ge=0, description="Yuan per operator hour.")
    content_minutes: float = Field(default=10.0, ge=0, description="Operator minutes per content post.")
    answer_minutes: float = Field(default=3.0, ge=0, description="Staff minutes per answer.")
    refund_share: float = Field(
        default=0.3, ge=0, le=1,
        description="Share of the group's GMV refunded when it blows up (暴雷, seed 000 群诉; an assumption, no seed figure).",
    )
    costs_to_horizon: bool = Field(
        default=True,
        description="A failed group's operator hours go on at their mean daily rate to the horizon (it earns nothing more).",
    )


class Attention(_Model):
    """What a member can attend to, and how size dilutes it (docs/MODEL.md, "Attention and size").

    Seed 004: everyone wants to join big groups but is active in small ones; in a
    big group experts ignore novices. Seed 001 §七.4: idle chat makes a water group.
    """

    chat_lines_per_day: float | None = Field(
        default=30.0, gt=0,
        description="Chat lines a day a reader takes connection value from; more add none (None: no limit, off).",
    )
    bystander_size: float = Field(
        default=50.0, gt=0, description="Group size up to which a member answers an open question as often as alone.",
    )
    bystander_exponent: float = Field(
        default=0.5, ge=0, description="Answer chance falls as (bystander_size / N)^exponent beyond it (0: off).",
    )


GROUP_PROFILES: dict[str, dict[str, object]] = {
    "community": {},
    "flash": {"dissolve_day": 7.0},
    "new_customer": {
        "activities": [{"kind": "flash_deal", "hour": 20, "every_days": 7, "start_day": 3},
                       {"kind": "group_buy", "hour": 20, "every_days": 7, "start_day": 5}],
    },
    "super_user": {"entry": {"policy": "invitation_only"}, "volunteer_admins": {"max_admins": 2}},
    "delivery": {"capacity": 300},
    "traffic": {
        "activities": [{"kind": "check_in", "hour": 9, "every_days": 1},
                       {"kind": "lottery", "hour": 20, "every_days": 7, "start_day": 6},
                       {"kind": "referral_gift", "hour": 20, "every_days": 7, "start_day": 2}],
    },
    "welfare": {
        "activities": [{"kind": "red_packet", "hour": 20, "every_days": 7, "start_day": 4},
                       {"kind": "flash_deal", "hour": 12, "every_days": 3, "start_day": 1}],
    },
    "word_of_mouth": {"volunteer_admins": {"max_admins": 1}},
    "paid": {"entry": {"policy": "paid", "fee": 99.0}},
}
"""Default group settings each ``group.type`` selects (seed 000: 社群有很多种,运营方法不能只有一种).

A scenario's own ``group`` fields win, key by key at the top level (an explicit
``activities: []`` or ``dissolve_day: null`` overrides the profile);
``group.use_type_profile: false`` turns the profile off. Sources: flash
(seeds 000, 001, 004: dissolved right after the sale; 7 days is an assumption),
new_customer (seed 000 to-C: 秒杀, 拼团), super_user (seed 000: invitation only;
seed 001 §九.4: volunteer admins), delivery (seed 003: 200-300 for hands-on
operation), traffic (seed 001: check-ins, lotteries, referral gifts), welfare
(seeds 001, 002: red packets and deals), word_of_mouth (seed 003: members speak
for the brand), paid (seed 000: paying is the best filter; 99 yuan as the
bundled paid group).
"""


__all__ = ["GROUP_PROFILES", "Activity", "ActivityKind", "Attention", "Business", "Delivery", "Entry", "Lifecycle", "SecondLife"]
