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
fires on the crossing), ``payment``, ``message_removed`` (a message was removed;
its viewers, reporters and rebukers ride along: ``message.viewers``,
``message.bystanders``, and the ``rebuke`` action's ``to``). Rules on clock triggers may set
``for_each_member`` to judge every present member (e.g. purge lurkers).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, PrivateAttr, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from rules.action_defs import ActionDef
from rules.actions import BUILTIN_ACTIONS, Action, action_table
from rules.conditions import Condition
from rules.engine import RuleBase
from rules.events import (
    AppealGranted, ClockTick, Event, MemberJoined, MemberLeft, MessagePosted, MessageRemoved, MessageReported,
    PaymentMade,
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
    MESSAGE_REMOVED = "message_removed"


EVENT_OF: dict[TriggerKind, type] = {
    TriggerKind.MESSAGE: MessagePosted, TriggerKind.JOIN: MemberJoined, TriggerKind.LEAVE: MemberLeft,
    TriggerKind.TICK: ClockTick, TriggerKind.SILENCE: ClockTick, TriggerKind.SCHEDULE: ClockTick,
    TriggerKind.REPORTS: MessageReported, TriggerKind.METRIC: ClockTick, TriggerKind.PAYMENT: PaymentMade,
    TriggerKind.MESSAGE_REMOVED: MessageRemoved,
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

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"on": data} if isinstance(data, str) else data  # `trigger: join`

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """The mapping, or the shorthand ``trigger: join`` (a trigger kind alone)."""
        mapping = handler.resolve_ref_schema(handler(core_schema))
        word = {"enum": [k.value for k in TriggerKind], "description": "A trigger kind alone, e.g. `trigger: join`."}
        return {"anyOf": [word, dict(mapping)], "title": mapping.get("title", cls.__name__),
                "description": mapping.get("description", "")}

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


ACTION_KINDS: dict[str, str] = {d.name: d.usage for d in BUILTIN_ACTIONS}
"""Built-in actions and how a rule file writes them (:func:`rules.actions.action_table` adds plugins)."""
MESSAGE_ACTIONS = frozenset(d.name for d in BUILTIN_ACTIONS if d.params.target == "message")
MEMBER_ACTIONS = frozenset(d.name for d in BUILTIN_ACTIONS if d.params.target == "member")


class ActionSpec(BaseModel):
    """One action a rule takes: ``delete``, ``{warn: text}``, ``{mute: 60}``, ... (see ``groupsim rules actions``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    arg: Any = None
    _values: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"kind": data}
        if isinstance(data, dict) and len(data) == 1 and "kind" not in data:
            (k, v), = data.items()
            return {"kind": k, "arg": v}
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Every form of every action in the action table (built-ins and installed plugins)."""
        forms = [form for d in sorted(action_table().values(), key=lambda d: d.name) for form in d.json_schemas()]
        return {"anyOf": forms, "title": cls.__name__, "description": "An action: `kick`, `{mute: 60}`, `{post: welcome}`, ..."}

    @model_validator(mode="after")
    def _check(self) -> ActionSpec:
        table = action_table()
        d = table.get(self.kind)
        if d is None:
            raise ValueError(f"unknown action {self.kind!r}; actions: {', '.join(sorted(table))}")
        self._values = d.parse(self.arg)  # parsed once; `make` only fills in the firing's context
        return self

    @property
    def definition(self) -> ActionDef:
        """This action's row of the action table."""
        return action_table()[self.kind]

    def make(self, rule: str, facts: Facts, appeal_minutes: float) -> Action:
        """The concrete action for ``facts``."""
        msg_id = facts.message.id if facts.message is not None else -1
        action: Action = self.definition.make(rule, facts.member, msg_id, appeal_minutes, self._values)
        return action


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
