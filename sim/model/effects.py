"""What each rule action does to the world: a table from action class to effect.

An effect is ``effect(world, action, t)``: it carries out one action at time
``t`` (after :class:`~sim.model.moderation.Moderation` has routed it to its
executor and counted the case). The built-in actions of ``rules/actions.py``
register their effects here with :func:`register_effect`; a plugin action
registers its own the same way, and moderation dispatches to it without any
change to this file or to moderation (see tests/test_world.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from rules import (
    action_def,
    AppealGranted, Ban, Compensate, Delete, Dissolve, Kick, MessageForm, MoveToAdThread, Mute, NotifyOperator,
    PaymentMade, Post, PrivateTalk, Promote, Rebuke, RequirePayment, Reward, Warn,
)
from sim.base.clock import MINUTES_PER_DAY
from sim.model.members.membership import WELCOME_GAIN, welcome
from sim.model.members.norms import rebuke_effect
from sim.model.roster import ADMIN, ADVERSARY, LEGIT, STAFF
from sim.model.messages import KIND_NAMES, Kind
from sim.spec.scenario import VALUE_DIMENSIONS

if TYPE_CHECKING:
    from sim.model.world import World

Effect = Callable[["World", Any, float], None]

OPERATOR_MINUTES_PER_CASE = 2.0  # the operator's time per case handled (no budget)
STAFF_POST_MINUTES = 3.0  # a human's time per staff post, notice or compensation round
PAY_PROBABILITY = {ADVERSARY: 0.3, LEGIT: 0.05, STAFF: 1.0}  # who pays when pay-to-post asks
APPEAL_PROBABILITY = {ADVERSARY: 0.2, LEGIT: 0.5, STAFF: 1.0}  # who appeals a kick or ban
REINSTATE_PROBABILITY = {ADVERSARY: 0.1, LEGIT: 0.8, STAFF: 1.0}  # a reviewer upholds the appeal
_PERKS, _ACTIVITIES = VALUE_DIMENSIONS.index("perks"), VALUE_DIMENSIONS.index("activities")
# post kind -> (message kind, form, value dimension, value, default text)
POSTS: dict[str, tuple[Kind, MessageForm, int, float, str]] = {
    "warm_up": (Kind.ACTIVITY, MessageForm.TEXT, _ACTIVITIES, 0.3, "今日话题：大家最近在用什么好物？"),
    "welcome": (Kind.ANNOUNCEMENT, MessageForm.TEXT, -1, 0.0, "欢迎新朋友！请先看群公告，改好群昵称。"),
    "rules": (Kind.ANNOUNCEMENT, MessageForm.TEXT, -1, 0.0, "群规：禁止广告和链接，私事私聊。"),
    "reminder": (Kind.ANNOUNCEMENT, MessageForm.TEXT, _ACTIVITIES, 0.05, "活动提醒：今晚八点开始！"),
    "thank_you": (Kind.ANNOUNCEMENT, MessageForm.TEXT, _PERKS, 0.1, "感谢大家，售后请找客服。"),
    "red_packet": (Kind.ACTIVITY, MessageForm.RED_PACKET, _PERKS, 0.5, "红包"),
}

_EFFECTS: dict[type, Effect] = {}


def register_effect(action_cls: type, fn: Effect) -> None:
    """Make ``fn(world, action, t)`` the effect of every action of class ``action_cls``."""
    _EFFECTS[action_cls] = fn


def effect_for(action: object) -> Effect | None:
    """The effect of ``action``: registered for its class (or a base class), else its action table entry's
    ``effect`` (a plugin action from the ``groupsim.actions`` entry points); None if there is neither."""
    for cls in type(action).__mro__:
        fn = _EFFECTS.get(cls)
        if fn is not None:
            return fn
    try:
        definition = action_def(action)
    except KeyError:
        return None
    return definition.effect


def is_punitive(action: object) -> bool:
    """Whether ``action`` sanctions its member (the action table's flag; a class outside it is not)."""
    try:
        return action_def(action).punitive
    except KeyError:
        return False


def effects() -> dict[type, Effect]:
    """A copy of the table (action class -> effect)."""
    return dict(_EFFECTS)


# ---- commands shared with the World ----------------------------------------------------
def mute(world: World, member: int, minutes: float, t: float, rule: str) -> None:
    """A rule's mute (禁言): ``member`` posts nothing for ``minutes``."""
    g = world.roster
    if g.present[member]:
        g.muted_until[member] = max(g.muted_until[member], t + float(minutes))
        world.log.add(t, "rule_mute", -1, member, rule=rule)


def remove(world: World, rule: str, message_id: int, t: float, *, ad_thread: bool = False, new_case: bool = True) -> None:
    """Delete a message (or move it to the ad thread): readers who had not seen it never will."""
    g = world.roster
    m = g.messages[message_id]
    if m.deleted_at >= 0:
        return
    n = g.n
    seen = g.present[:n] & g.reader[:n] & (g.last_read[:n] > m.time) & (g.joined_at[:n] <= m.time)
    if not g.delete_message(m, t):
        return
    s = world.moderation.stat(rule)
    if new_case:
        world.moderation.case(rule, m.sender, t)
    if m.kind is Kind.AD:
        s["ads_removed"] += 1
        s["ad_exposure_before_removal"] += int(np.count_nonzero(seen))
    world.ticks.day_counts["deleted"] += 1
    gone = world.ticks.deleted_by_day.setdefault(int(m.time // MINUTES_PER_DAY), [0, 0])
    gone[0] += m.kind is Kind.AD
    gone[1] += 1
    world.log.add(t, "ad_thread" if ad_thread else "delete", -1, m.id, KIND_NAMES[m.kind], rule)
    world.posting.after_removal(m, rule, t)  # rules on `message_removed` (sim/model/members/norms.py)


# ---- the built-in actions' effects -----------------------------------------------------
def _delete(world: World, a: Delete, t: float) -> None:
    remove(world, a.rule, a.message_id, t)


def _ad_thread(world: World, a: MoveToAdThread, t: float) -> None:
    remove(world, a.rule, a.message_id, t, ad_thread=True)


def _kick(world: World, a: Kick | Ban, t: float) -> None:
    if not world.roster.present[a.member]:
        return
    if isinstance(a, Ban):
        world.log.add(t, "ban", -1, a.member, rule=a.rule)
    world.kick(a.member, t, a.rule)
    if a.appeal_minutes >= 0:
        _maybe_appeal(world, a.rule, a.member, t, a.appeal_minutes)


def _maybe_appeal(world: World, rule: str, i: int, t: float, delay: float) -> None:
    rng = world.streams.get("appeal", i)
    truth = world.moderation.truth(i)
    if rng.random() >= APPEAL_PROBABILITY[truth]:
        return
    s = world.moderation.stat(rule)
    s["appeals"] += 1
    s["moderator_minutes"] += OPERATOR_MINUTES_PER_CASE
    if rng.random() >= REINSTATE_PROBABILITY[truth]:
        return
    when = t + delay

    def reinstate() -> None:
        s["reinstated"] += 1
        world.log.add(when, "reinstate", -1, i, rule=rule)
        world.moderation.feed(AppealGranted(when, i), when)
        world.join(i, when)
    world.schedule(when, reinstate)


def _warn(world: World, a: Warn, t: float) -> None:
    g = world.roster
    if g.present[a.member]:
        g.warn_count[a.member] += 1
        world.log.add(t, "warn", -1, a.member, rule=a.rule)


def _mute(world: World, a: Mute, t: float) -> None:
    mute(world, a.member, a.minutes, t, a.rule)


def _require_payment(world: World, a: RequirePayment, t: float) -> None:
    i = a.member
    rng = world.streams.get("pay-to-post", a.message_id)
    if rng.random() < PAY_PROBABILITY[world.moderation.truth(i)]:
        when = t + float(rng.uniform(0.0, a.within_minutes))

        def pay() -> None:
            if not world.roster.present[i]:
                return
            world.roster.paid_flag[i] = True
            world.moderation.stat(a.rule)["payments_yuan"] += a.amount
            world.log.add(when, "payment", i, a.message_id, rule=a.rule)
            world.post(i, Kind.ACTIVITY, f"红包 {a.amount:g} 元", when, form=MessageForm.RED_PACKET,
                       value_dim=_PERKS, value=a.amount * 0.02)
            world.moderation.feed(PaymentMade(when, i, a.amount, a.message_id), when)
        world.schedule(when, pay)
        return
    deadline = t + a.within_minutes

    def unpaid() -> None:
        remove(world, a.rule, a.message_id, deadline, new_case=False)  # the same case
        if a.otherwise == "kick" and world.roster.present[i]:
            world.kick(i, deadline, a.rule)
    world.schedule(deadline, unpaid)


def _staff_post(world: World, a: Post, t: float) -> None:
    kind, form, dim, value, text = POSTS[a.kind]
    world.moderation.stat(a.rule)["staff_posts"] += 1
    if a.kind == "welcome" and a.member >= 0:
        welcome(world, a.member, t)  # greeting and belonging (sim/model/members/membership.py)
    world.post(world.moderation.staff_account(), kind, a.text or text, t, form=form, value_dim=dim, value=value)


def _notify(world: World, a: NotifyOperator, t: float) -> None:
    world.moderation.stat(a.rule)["moderator_minutes"] += STAFF_POST_MINUTES
    world.log.add(t, "notify", -1, -1, rule=a.rule)


def _compensate(world: World, a: Compensate, t: float) -> None:
    g = world.roster
    ids = np.flatnonzero(g.present[: g.n] & g.reader[: g.n]).tolist()
    for i in ids:
        g.bump_satisfaction(i, a.satisfaction, t)
    s = world.moderation.stat(a.rule)
    s["compensation_yuan"] += a.yuan * len(ids)
    world.log.add(t, "compensate", -1, -1, rule=a.rule)


def _promote(world: World, a: Promote, t: float) -> None:
    g = world.roster
    if g.present[a.member]:
        g.visible[a.member] = ADMIN
        world.log.add(t, "promote", -1, a.member, rule=a.rule)


def _reward(world: World, a: Reward, t: float) -> None:
    g = world.roster
    if g.present[a.member]:
        g.bump_satisfaction(a.member, a.satisfaction, t)  # recognition (seed 001 §六.2)
        world.moderation.stat(a.rule)["reward_yuan"] += a.yuan
        world.log.add(t, "reward", -1, a.member, kind=a.kind, rule=a.rule)


def _private_talk(world: World, a: PrivateTalk, t: float) -> None:
    """Staff add the member as a friend and talk it through in private (seed 001 §一.6, §二.4).

    A legitimate member is talked round: their grievances go to private chat
    for ``hours`` (see Posting.complain in sim/model/members/posting.py) and the
    attention lifts their satisfaction. An adversary is paid to be there:
    talking changes nothing. The operator and human admins spend ``minutes`` on
    it (charged when the case is routed, in Moderation.apply_all); a bot's
    private message costs nobody's time.
    """
    g = world.roster
    if not g.present[a.member]:
        return
    world.moderation.stat(a.rule)["private_talks"] += 1
    if g.truth[a.member] == LEGIT:
        g.private_until[a.member] = max(float(g.private_until[a.member]), t + a.hours * 60.0)
        g.bump_satisfaction(a.member, a.satisfaction, t)
    world.log.add(t, "private_talk", -1, a.member, rule=a.rule)


def _dissolve(world: World, a: Dissolve, t: float) -> None:
    world.schedule(t, world.ticks.dissolve)


for _cls, _fn in (
    (Delete, _delete), (MoveToAdThread, _ad_thread), (Kick, _kick), (Ban, _kick), (Warn, _warn), (Mute, _mute),
    (RequirePayment, _require_payment), (Post, _staff_post), (NotifyOperator, _notify), (Compensate, _compensate),
    (Promote, _promote), (Reward, _reward), (PrivateTalk, _private_talk), (Dissolve, _dissolve),
    (Rebuke, rebuke_effect),  # a rule's public rebuke (sim/model/members/norms.py)
):
    register_effect(_cls, _fn)


__all__ = [
    "APPEAL_PROBABILITY", "OPERATOR_MINUTES_PER_CASE", "PAY_PROBABILITY", "POSTS", "REINSTATE_PROBABILITY",
    "STAFF_POST_MINUTES", "WELCOME_GAIN", "Effect", "effect_for", "effects", "is_punitive", "mute", "register_effect", "remove",
]
