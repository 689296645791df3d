"""Declarative rules: trigger, condition, actions, ladder, exemptions -- written in YAML.

A rule in a ruleset file::

    - name: no_ads
      trigger: message                 # or {on: silence, minutes: 10080}, ...
      if: message.ad_like and not sender.paid
      then: [delete]
      ladder: {expire_days: 14, steps: [{at: 1, do: {warn: "No ads"}}, {at: 2, do: kick}]}
      exempt: [owner, admin, paid]

Triggers: ``message``, ``join``, ``leave``, ``tick`` (hourly), ``silence`` (no
message for ``minutes``; fires once per silent spell), ``schedule`` (at
``hour`` on ``days``, or once on ``day``), ``reports`` (a message reaches
``count`` reports), ``metric`` (a ``group.*`` field crosses ``above``/``below``;
fires on the crossing), ``payment``. Rules on clock triggers may set
``for_each_member`` to judge every present member (e.g. purge lurkers).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.actions import (
    GROUP, Action, Ban, Compensate, Delete, Dissolve, Kick, MoveToAdThread, Mute, NotifyOperator, Post, PrivateTalk,
    Promote, RequirePayment, Reward, Warn,
)
from rules.conditions import Condition
from rules.engine import RuleBase
from rules.events import (
    AppealGranted, ClockTick, Event, MemberJoined, MemberLeft, MessagePosted, MessageReported, PaymentMade,
)
from rules.ladders import step_for
from rules.observe import FIELDS, Facts, Observer
from rules.view import GroupView

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class TriggerKind(StrEnum):
    """What wakes a rule up."""

    MESSAGE = "message"
    JOIN = "join"
    LEAVE = "leave"
    TICK = "tick"
    SILENCE = "silence"
    SCHEDULE = "schedule"
    REPORTS = "reports"
    METRIC = "metric"
    PAYMENT = "payment"


EVENT_OF: dict[TriggerKind, type] = {
    TriggerKind.MESSAGE: MessagePosted, TriggerKind.JOIN: MemberJoined, TriggerKind.LEAVE: MemberLeft,
    TriggerKind.TICK: ClockTick, TriggerKind.SILENCE: ClockTick, TriggerKind.SCHEDULE: ClockTick,
    TriggerKind.REPORTS: MessageReported, TriggerKind.METRIC: ClockTick, TriggerKind.PAYMENT: PaymentMade,
}
_ = AppealGranted  # handled by the engine itself (clears strikes, lifts bans)


class TriggerSpec(BaseModel):
    """When a rule is judged."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on: TriggerKind = TriggerKind.MESSAGE
    minutes: float | None = Field(default=None, gt=0, description="silence: minutes without any message")
    hour: int | None = Field(default=None, ge=0, le=23, description="schedule: hour of day")
    days: tuple[str, ...] = Field(default=(), description="schedule: weekdays (mon..sun); empty = every day")
    day: int | None = Field(default=None, ge=0, description="schedule: once, on this day of the group's life")
    count: int | None = Field(default=None, ge=1, description="reports: reports that fire the rule")
    metric: str | None = Field(default=None, description="metric: a group.* field, e.g. group.ad_like_share_1d")
    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _check(self) -> TriggerSpec:
        need = {TriggerKind.SILENCE: "minutes", TriggerKind.REPORTS: "count", TriggerKind.METRIC: "metric"}
        if self.on in need and getattr(self, need[self.on]) is None:
            raise ValueError(f"trigger {self.on.value!r} needs `{need[self.on]}`")
        if self.on is TriggerKind.SCHEDULE and self.hour is None:
            raise ValueError("trigger 'schedule' needs `hour` (and optionally `days` or `day`)")
        bad = [d for d in self.days if d not in DAYS]
        if bad:
            raise ValueError(f"unknown day(s) {bad}; use {', '.join(DAYS)}")
        if self.on is TriggerKind.METRIC:
            if self.metric not in FIELDS or not str(self.metric).startswith("group.") or FIELDS[str(self.metric)].type != "FLOAT":
                known = ", ".join(k for k, f in FIELDS.items() if k.startswith("group.") and f.type == "FLOAT")
                raise ValueError(f"metric must be one of: {known}")
            if (self.above is None) == (self.below is None):
                raise ValueError("trigger 'metric' needs exactly one of `above` or `below`")
        return self

    @property
    def event_type(self) -> type:
        return EVENT_OF[self.on]


ACTION_KINDS = {
    "delete": "the message", "kick": "the member", "dissolve": "the group", "promote": "the member to admin",
    "ad_thread": "move the message to the ad thread", "warn": "text", "mute": "minutes", "ban": "group | operator",
    "require_payment": "{amount, within_minutes, otherwise: delete|kick}", "post": "kind or {kind, text}",
    "notify_operator": "text", "compensate": "{yuan, satisfaction}",
    "reward": "{kind: offline_event | interview | gift | red_packet, yuan, satisfaction}",
    "private_talk": "{minutes, hours, satisfaction}",
}
REWARD_KINDS = ("offline_event", "interview", "gift", "red_packet")
MESSAGE_ACTIONS = frozenset({"delete", "ad_thread", "require_payment"})
MEMBER_ACTIONS = frozenset({"warn", "mute", "kick", "ban", "promote", "reward", "private_talk"})
POST_KINDS = ("warm_up", "welcome", "rules", "reminder", "thank_you", "red_packet")


class ActionSpec(BaseModel):
    """One action a rule takes: ``delete``, ``{warn: text}``, ``{mute: 60}``, ... (see ACTION_KINDS)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    arg: Any = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"kind": data}
        if isinstance(data, dict) and len(data) == 1 and "kind" not in data:
            (k, v), = data.items()
            return {"kind": k, "arg": v}
        return data

    @model_validator(mode="after")
    def _check(self) -> ActionSpec:
        if self.kind not in ACTION_KINDS:
            raise ValueError(f"unknown action {self.kind!r}; actions: {', '.join(sorted(ACTION_KINDS))}")
        a = self.arg
        if self.kind == "mute" and not (isinstance(a, (int, float)) and a > 0):
            raise ValueError("mute needs minutes > 0, e.g. {mute: 60}")
        if self.kind == "ban" and a not in (None, "group", "operator"):
            raise ValueError("ban scope must be group or operator")
        if self.kind == "post":
            kind = a.get("kind") if isinstance(a, dict) else a
            if kind not in POST_KINDS:
                raise ValueError(f"post kind must be one of {', '.join(POST_KINDS)}")
        if self.kind == "reward":
            spec = a if isinstance(a, dict) else {"kind": a or "red_packet"}
            unknown = set(spec) - {"kind", "yuan", "satisfaction"}
            if unknown or spec.get("kind", "red_packet") not in REWARD_KINDS:
                raise ValueError(f"reward takes {ACTION_KINDS['reward']}")
        if self.kind == "private_talk" and a is not None:
            if not isinstance(a, dict) or set(a) - {"minutes", "hours", "satisfaction"}:
                raise ValueError(f"private_talk takes a mapping: {ACTION_KINDS['private_talk']}, e.g. {{private_talk: {{hours: 48}}}}")
            if any(not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0 for v in a.values()):
                raise ValueError("private_talk's minutes, hours and satisfaction are numbers >= 0")
        if self.kind in ("require_payment", "compensate") and a is not None and not isinstance(a, dict):
            raise ValueError(f"{self.kind} takes a mapping: {ACTION_KINDS[self.kind]}")
        if self.kind == "require_payment" and isinstance(a, dict):
            unknown = set(a) - {"amount", "within_minutes", "otherwise"}
            if unknown or a.get("otherwise", "delete") not in ("delete", "kick"):
                raise ValueError("require_payment takes amount, within_minutes, otherwise (delete | kick)")
        return self

    def make(self, rule: str, facts: Facts, appeal_minutes: float) -> Action:
        """The concrete action for ``facts``."""
        k, a, m = self.kind, self.arg, facts.member
        msg_id = facts.message.id if facts.message is not None else -1
        if k == "delete":
            return Delete(rule, m, msg_id)
        if k == "ad_thread":
            return MoveToAdThread(rule, m, msg_id)
        if k == "require_payment":
            p = a or {}
            return RequirePayment(rule, m, msg_id, float(p.get("amount", 10.0)), float(p.get("within_minutes", 30.0)), str(p.get("otherwise", "delete")))
        if k == "warn":
            return Warn(rule, m, str(a or ""))
        if k == "mute":
            return Mute(rule, m, float(a))
        if k == "kick":
            return Kick(rule, m, appeal_minutes)
        if k == "ban":
            return Ban(rule, m, str(a or "group"), appeal_minutes)
        if k == "promote":
            return Promote(rule, m)
        if k == "reward":
            p = a if isinstance(a, dict) else {"kind": a or "red_packet"}
            return Reward(rule, m, str(p.get("kind", "red_packet")), float(p.get("yuan", 10.0)), float(p.get("satisfaction", 0.3)))
        if k == "private_talk":
            p = a or {}
            return PrivateTalk(rule, m, float(p.get("minutes", 10.0)), float(p.get("hours", 72.0)), float(p.get("satisfaction", 0.1)))
        if k == "post":
            kind, text = (a.get("kind"), a.get("text", "")) if isinstance(a, dict) else (a, "")
            return Post(rule, m if kind == "welcome" else GROUP, str(kind), str(text))
        if k == "notify_operator":
            return NotifyOperator(rule, GROUP, str(a or ""))
        if k == "compensate":
            p = a or {}
            return Compensate(rule, GROUP, float(p.get("yuan", 5.0)), float(p.get("satisfaction", 0.1)))
        return Dissolve(rule)


class LadderStep(BaseModel):
    """A step: once active strikes reach ``at``, take ``do``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: float = Field(gt=0)
    do: ActionSpec


class LadderSpec(BaseModel):
    """Strikes with a weight, expiry and cooldown; steps by active strike weight."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weight: float = Field(default=1.0, gt=0)
    expire_days: float = Field(default=14.0, gt=0)
    cooldown_minutes: float = Field(default=0.0, ge=0)
    steps: tuple[LadderStep, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> LadderSpec:
        ats = [s.at for s in self.steps]
        if ats != sorted(ats) or len(set(ats)) != len(ats):
            raise ValueError("ladder steps must have strictly increasing `at`")
        return self


class DeclarativeRule(RuleBase):
    """A rule built from a YAML spec; judged on shared :class:`Facts` by the engine."""

    def __init__(
        self, name: str, *, priority: int, trigger: TriggerSpec, condition: Condition, then: Sequence[ActionSpec],
        observer: Observer, ladder: LadderSpec | None = None, exempt: Sequence[str] = ("owner", "admin"),
        for_each_member: bool = False, cooldown_minutes: float = 0.0, appeal_minutes: float = -1.0,
    ) -> None:
        super().__init__(name, priority)
        self.triggers = frozenset({trigger.event_type})
        self.trigger, self.condition, self.then, self.ladder = trigger, condition, tuple(then), ladder
        self.observer = observer
        self.exempt_roles = frozenset(r for r in exempt if r != "paid")
        self.exempt_paid = "paid" in exempt
        self.for_each_member = for_each_member
        self.cooldown = cooldown_minutes
        self.appeal_minutes = appeal_minutes
        self._last_fire: dict[int, float] = {}
        self._armed = True  # edge triggers (silence, metric) fire once per crossing
        self._thresholds = tuple(s.at for s in ladder.steps) if ladder else ()
        self._test = condition.fn
        plain = trigger.on in (TriggerKind.MESSAGE, TriggerKind.JOIN, TriggerKind.LEAVE, TriggerKind.TICK, TriggerKind.PAYMENT)
        # For the engine's fast path: test the condition inline, then `fire` (no gate, no sweep).
        self.test = condition.fn if plain and not for_each_member else None

    def on_event(self, event: Event, view: GroupView) -> Sequence[Action]:
        """Judge ``event`` alone (outside an engine, with this rule's own observer)."""
        return self.judge(self.observer.observe(event, view))

    def judge(self, facts: Facts) -> list[Action]:
        """The actions this rule takes on shared ``facts``."""
        if not self._gate(facts):
            return []
        if not self.for_each_member:
            return self._judge_member(facts)
        out: list[Action] = []
        members = getattr(facts.view, "members", None)
        for i in members() if members is not None else ():
            facts.member = i
            out += self._judge_member(facts)
        facts.member = -1
        return out

    def _gate(self, f: Facts) -> bool:
        tr, on = self.trigger, self.trigger.on
        if on is TriggerKind.MESSAGE or on is TriggerKind.JOIN or on is TriggerKind.LEAVE or on is TriggerKind.TICK:
            return True
        if on is TriggerKind.REPORTS:
            return getattr(f.event, "count", 0) == tr.count
        if on is TriggerKind.SCHEDULE:
            hour, day = int(f.time // 60) % 24, int(f.time // 1440)
            if hour != tr.hour or (tr.day is not None and day != tr.day):
                return False
            return not tr.days or DAYS[day % 7] in tr.days
        if on is TriggerKind.SILENCE:
            crossed = f.time - f.obs.last_message >= float(tr.minutes or 0)
        elif on is TriggerKind.METRIC:
            value = FIELDS[str(tr.metric)].get(f)
            crossed = value > tr.above if tr.above is not None else value < float(tr.below or 0)
        else:
            return True
        fire = crossed and self._armed
        self._armed = not crossed
        return fire

    def _judge_member(self, f: Facts) -> list[Action]:
        if not self._test(f):
            return []
        return self.fire(f)

    def fire(self, f: Facts) -> list[Action]:
        """The actions once the condition holds: exemptions, cooldown, actions, ladder."""
        m = f.member
        if m >= 0:
            if self.exempt_roles and f.view.visible_role(m).value in self.exempt_roles:
                return []
            if self.exempt_paid and f.obs.paid(f.view, m):
                return []
        if self.cooldown:
            last = self._last_fire.get(m)
            if last is not None and f.time - last < self.cooldown:
                return []
            self._last_fire[m] = f.time
        out = [a.make(self.name, f, self.appeal_minutes) for a in self.then]
        if self.ladder is not None and m >= 0:
            out += self._climb(f)
        return out

    def _climb(self, f: Facts) -> list[Action]:
        lad, store, m = self.ladder, self.observer.strikes, f.member
        assert lad is not None
        last = store.last(m, self.name)
        if last is not None and f.time - last < lad.cooldown_minutes:
            return []
        store.add(m, f.time, lad.weight, lad.expire_days, self.name)
        k = step_for(self._thresholds, store.active(m, f.time))
        return [lad.steps[k].do.make(self.name, f, self.appeal_minutes)] if k >= 0 else []

    def __repr__(self) -> str:
        return f"DeclarativeRule(name={self.name!r}, on={self.trigger.on.value!r}, if={self.condition.source!r})"


__all__ = ["ACTION_KINDS", "ActionSpec", "DeclarativeRule", "LadderSpec", "LadderStep", "TriggerKind", "TriggerSpec"]
