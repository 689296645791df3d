"""The activities calendar: check-ins, flash deals, group buys, lotteries, talks... with reminders.

Each :class:`world.design_params.Activity` recurs every ``every_days`` at ``hour``
(docs/MODEL.md, "Activities calendar"). An occurrence:

1. is announced the evening before (20:00), half a day before and an hour
   before when ``reminders`` is set (seed 001 §二.2): each notice is a staff
   announcement carrying ``activities`` value 0.05 and costs the operator 3
   minutes; each raises participation by ``reminder_lift`` (relative);
2. posts one staff message of its kind carrying ``value`` on its value
   dimension (seed 004's six dimensions), where ``value = base * staleness **
   repeat`` and ``repeat`` counts earlier occurrences of the same version since
   the last relaunch (``variants`` versions rotate; seed 004: stale activities
   lose value);
3. draws participants among present members, member ``i`` with probability
   ``min(1, participation * (1 + reminder_lift * reminders) * engagement_i)``
   from the occurrence's own stream (indexed by member id); each participant
   posts one line in the hour that follows (check-in, relay, "抢到了") through
   the merged posting process, and gains ``PARTICIPANT_GAIN * value`` at once;
4. a group buy (拼团) succeeds only with ``participants_needed`` participants;
   a failed one carries no value and costs each participant ``FAILED_BUY_COST``;
5. pays out perks: ``cost_yuan`` plus ``per_participant_yuan`` per participant
   (prizes, red packets, discounts), and costs ``operator_minutes``.

Participants of flash deals and successful group buys are handed to the
business results (sim/model/designs/business.py) as deal takers of the day.
``ad_push`` is the brand's own mechanical push (机械式推送, seed 004): a staff
ad carrying no value. ``referral_gift`` (推荐送礼, 老带新任务; seed 001: referral
gifts in traffic groups, old-brings-new tasks in new-customer groups) asks
members to bring a friend for a gift: each participant brings one in with
``invite_probability`` (default 0.3) within the hour, while the group has room;
the invitee is a member of the inviter's population entry and their friend, and
the gift (``per_participant_yuan``, default 10) is paid per friend brought in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.base.clock import MINUTES_PER_DAY
from sim.model.roster import LEGIT, STAFF, ADMIN
from sim.model.messages import Kind
from sim.spec.scenario import VALUE_DIMENSIONS

if TYPE_CHECKING:
    from sim.spec.design_params import Activity
    from sim.model.world import World

PARTICIPANT_GAIN = 0.5  # share of the activity's value a participant gains at once
FAILED_BUY_COST = 0.05  # satisfaction a group-buy participant loses when it fails
REMINDER_VALUE = 0.05  # activities value of a reminder (as scenarios/rulesets/activity_reminders)
REMINDER_MINUTES = 3.0
_DIM = {d: k for k, d in enumerate(VALUE_DIMENSIONS)}

# kind -> (message kind, value dimension, value, participation, cost per occurrence, per participant, text)
KIND_DEFAULTS: dict[str, tuple[Kind, int, float, float, float, float, str]] = {
    "check_in": (Kind.ACTIVITY, _DIM["activities"], 0.1, 0.3, 0.0, 0.0, "今日签到开始啦"),
    "flash_deal": (Kind.ACTIVITY, _DIM["perks"], 0.4, 0.15, 0.0, 5.0, "限时秒杀，手慢无！"),
    "group_buy": (Kind.ACTIVITY, _DIM["perks"], 0.5, 0.12, 0.0, 5.0, "拼团开始，满员成团"),
    "lottery": (Kind.ACTIVITY, _DIM["perks"], 0.3, 0.3, 50.0, 0.0, "抽奖时间到"),
    "red_packet": (Kind.ACTIVITY, _DIM["perks"], 0.3, 0.5, 20.0, 0.0, "红包雨来了"),
    "relay": (Kind.ACTIVITY, _DIM["activities"], 0.2, 0.25, 0.0, 0.0, "接龙游戏：接下去！"),
    "expert_talk": (Kind.CONTENT, _DIM["information"], 1.0, 0.05, 0.0, 0.0, "专家分享会"),
    "member_share": (Kind.ACTIVITY, _DIM["cases"], 0.6, 0.05, 0.0, 0.0, "会员分享：我的使用心得"),
    "daily_news": (Kind.CONTENT, _DIM["information"], 0.15, 0.02, 0.0, 0.0, "今日资讯/话题"),
    "ad_push": (Kind.AD, -1, 0.0, 0.0, 0.0, 0.0, "新品上市，点击购买"),
    "referral_gift": (Kind.ACTIVITY, _DIM["perks"], 0.2, 0.2, 0.0, 10.0, "邀请好友进群，送小礼品！"),
}
INVITE_PROBABILITY = {"referral_gift": 0.3}  # chance a participant brings a friend in (others: 0)
DEAL_KINDS = ("flash_deal", "group_buy")
PARTICIPANT_TEXTS = ("签到", "+1", "抢到了！", "接龙", "参加", "我也要")


class Calendar:
    """Schedules the scenario's activities and keeps their counters."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.activities = list(world.scenario.group.activities)
        self.occurrences = [0] * len(self.activities)
        self.epoch = [0] * len(self.activities)  # occurrence index at the last relaunch
        self.perk_cost = 0.0
        self.operator_minutes = 0.0
        self.participants = 0
        self.day_takers: list[int] = []
        self.day_perk_cost = 0.0
        self.day_minutes = 0.0
        self.day_activities = 0
        self.failed_group_buys = 0
        self.invited = 0  # friends brought in by referral gifts (老带新)
        self._bot: int | None = None
        if not world.operator.present and (self.activities or world.scenario.group.lifecycle.second_life is not None):
            # a bot admin account joins at the start, before anyone else, so it always has a place
            self._bot = world.roster.new_agent(-1, STAFF, ADMIN)
            world.join(self._bot, 0.0)
        for a, act in enumerate(self.activities):
            self._schedule(a, act)

    def staff(self) -> int:
        """Who posts: the operator, else a bot admin account of the calendar's own."""
        world = self.world
        if world.operator.present:
            return world.operator.id
        assert self._bot is not None
        return self._bot

    def _schedule(self, a: int, act: Activity) -> None:
        world = self.world
        until = world.end if act.until_day is None else min(world.end, act.until_day * MINUTES_PER_DAY)
        k = 0
        while True:
            t = (act.start_day + k * act.every_days) * MINUTES_PER_DAY + act.hour * 60.0
            if t >= until:
                return
            reminders = self._reminder_times(t) if act.reminders else []
            for r in reminders:
                world.schedule(r, lambda: self._remind())
            world.schedule(t, lambda a=a, n=len(reminders): self._occur(a, n))
            k += 1

    @staticmethod
    def _reminder_times(t: float) -> list[float]:
        """The evening before (20:00), half a day before, an hour before (seed 001 §二.2)."""
        evening = (t // MINUTES_PER_DAY - 1) * MINUTES_PER_DAY + 20 * 60.0
        times = sorted({x for x in (evening, t - 720.0, t - 60.0) if 0.0 <= x < t})
        return times

    def _remind(self) -> None:
        world = self.world
        t = world.env.now
        world.post(self.staff(), Kind.ANNOUNCEMENT, "活动提醒：别忘了参加！", t, value_dim=_DIM["activities"], value=REMINDER_VALUE)
        self.operator_minutes += REMINDER_MINUTES
        self.day_minutes += REMINDER_MINUTES

    def _occur(self, a: int, reminders: int) -> None:
        world, g, act = self.world, self.world.roster, self.activities[a]
        t = world.env.now
        if not world.ties.attention.spend(world, t, act.operator_minutes):
            world.log.add(t, "activity_skipped", kind=act.kind)  # no operator time left today (sim/run/portfolio.py)
            return
        k = self.occurrences[a]
        self.occurrences[a] += 1
        kind, dim, value, participation, cost, per_head, text = KIND_DEFAULTS[act.kind]
        value = act.value if act.value is not None else value
        participation = act.participation if act.participation is not None else participation
        cost = act.cost_yuan if act.cost_yuan is not None else cost
        per_head = act.per_participant_yuan if act.per_participant_yuan is not None else per_head
        repeat = (k - self.epoch[a]) // act.variants
        value *= act.staleness**repeat
        n = g.n
        ids = np.flatnonzero(g.present[:n] & g.reader[:n] & (g.truth[:n] == LEGIT))
        rng = world.streams.get("activity", a, k)
        u = rng.random(n)
        text_u = rng.random(n)
        chosen = np.empty(0, dtype=np.int64)
        if participation > 0 and len(ids):
            eng = np.asarray(g.eng)[ids]
            p = np.minimum(1.0, participation * (1.0 + act.reminder_lift * reminders) * eng)
            chosen = ids[u[ids] < p]
        ok = not (act.kind == "group_buy" and len(chosen) < act.participants_needed)
        self.day_activities += 1
        for _ in range(act.count):
            world.post(self.staff(), kind, text, t, value_dim=dim if ok else -1, value=value if ok else 0.0)
        world.log.add(t, "activity", -1, len(chosen), kind=act.kind if ok else f"{act.kind}_failed")
        if not ok:
            self.failed_group_buys += 1
        if len(chosen):
            gain = PARTICIPANT_GAIN * value if ok else -FAILED_BUY_COST
            for i in chosen.tolist():
                g.bump_satisfaction(i, gain, t)
            times = t + rng.uniform(0.0, 60.0, len(chosen))
            order = np.argsort(times, kind="stable")
            draws = np.column_stack((np.zeros(len(chosen)), np.full(len(chosen), 0.9999), text_u[chosen]))
            world.posting.add_posts(chosen[order], times[order], draws[order])
            self.participants += len(chosen)
            if ok and act.kind in DEAL_KINDS:
                self.day_takers += chosen.tolist()
        invite_p = act.invite_probability if act.invite_probability is not None else INVITE_PROBABILITY.get(act.kind, 0.0)
        heads = len(chosen)
        if invite_p > 0 and len(chosen):  # referral gifts: participants bring friends (paid per friend)
            bring = chosen[rng.random(len(chosen)) < invite_p]
            when = t + rng.uniform(0.0, 60.0, len(bring))
            for i, tb in sorted(zip(bring.tolist(), when.tolist()), key=lambda x: x[1]):
                world.schedule(tb, lambda i=i, y=per_head: self._bring(i, y))
            heads = 0  # the gift is paid per friend brought in (in _bring)
        paid = cost + (per_head * heads if ok else 0.0)
        self.perk_cost += paid
        self.day_perk_cost += paid
        self.operator_minutes += act.operator_minutes
        self.day_minutes += act.operator_minutes

    def _bring(self, i: int, gift: float) -> None:
        """Member ``i`` brings a friend in for the referral gift, if still here and the group has room."""
        world, g = self.world, self.world.roster
        if not g.present[i] or g.is_full() or world.timeline.stopped:
            return
        world.population.invite(int(g.entry[i]), i)
        self.invited += 1
        self.perk_cost += gift
        self.day_perk_cost += gift

    def relaunch(self) -> None:
        """New versions of every activity: staleness starts over (a second life, sim/model/designs/lifecycle.py)."""
        self.epoch = list(self.occurrences)

    def close_day(self) -> tuple[float, list[int], dict[str, Any]]:
        """The day's operator minutes, deal takers and figures for the per-day series (then reset)."""
        minutes, self.day_minutes = self.day_minutes, 0.0
        takers, self.day_takers = self.day_takers, []
        row = {"activities": self.day_activities, "perk_cost": self.day_perk_cost}
        self.day_activities, self.day_perk_cost = 0, 0.0
        return minutes, takers, row


__all__ = ["DEAL_KINDS", "INVITE_PROBABILITY", "KIND_DEFAULTS", "Calendar"]
