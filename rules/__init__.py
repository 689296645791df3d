"""groupsim's moderation rules: pure logic, events and a group view in, actions out.

This package never imports simpy or :mod:`sim`, so the same rules can judge
a simulated group or a real chat log. Rules are Python classes with one
method (:class:`Rule`) or declarative YAML rules (:mod:`rules.declarative`):
a trigger, a condition in a safe expression language compiled once
(:mod:`rules.conditions`, RE2 for patterns), actions, a sanction ladder
(:mod:`rules.ladders`), exemptions and an executor (:mod:`rules.executors`).
Rulesets load from files with ``file:line`` errors (:func:`load_ruleset`).
Every action is defined once, in the action table (:func:`action_table`,
:class:`ActionDef`); plugins add actions through ``groupsim.actions``.
"""

from __future__ import annotations

from rules.action_defs import ActionDef, ActionParams, Param, params_of
from rules.actions import (
    ACTION_ENTRY_POINT_GROUP, BUILTIN_ACTIONS, GROUP, PUNITIVE, Action, Ban, Compensate, Delete, Dissolve, Kick,
    MoveToAdThread, Mute, NotifyOperator, Post, PrivateTalk, Promote, Rebuke, RequirePayment, Reward, Warn, action_def,
    action_table,
)
from rules.builtin import BanAdsAndLinks, FloodLimit
from rules.conditions import Condition, ConditionError, compile_condition
from rules.declarative import ActionSpec, DeclarativeRule, LadderSpec, LadderStep, TriggerKind, TriggerSpec
from rules.engine import BAN_LIST, PROTECTED_ROLES, Rule, RuleBase, RuleEngine
from rules.events import (
    AppealGranted,
    ClockTick,
    Event,
    MemberJoined,
    MemberLeft,
    MessageForm,
    MessagePosted,
    MessageRemoved,
    MessageReported,
    ObservedMessage,
    PaymentMade,
    VisibleRole,
)
from rules.executors import DelaySpec, Executor, ExecutorSpec, HumanExecutor, may_carry_out
from rules.ladders import Blacklist, StrikeStore
from rules.normalise import NormaliseSpec, Normaliser
from rules.observe import FIELDS, Facts, Observer
from rules.ruleset import (
    BUILTIN_RULES, ENTRY_POINT_GROUP, AppealSpec, RuleSpec, RulesetSpec, find_ruleset, load_ruleset, merge_rulesets,
    plugin_rules, rule_factory,
)
from rules.source import (
    FieldError, InputError, Problem, YamlDocument, load_model, parse_yaml, read_mapping, read_yaml, validate_document,
)
from rules.view import GroupView, MemberDirectory

__all__ = [
    "ACTION_ENTRY_POINT_GROUP",
    "BAN_LIST",
    "BUILTIN_ACTIONS",
    "BUILTIN_RULES",
    "ENTRY_POINT_GROUP",
    "FIELDS",
    "GROUP",
    "PROTECTED_ROLES",
    "PUNITIVE",
    "Action",
    "ActionDef",
    "ActionParams",
    "ActionSpec",
    "AppealGranted",
    "AppealSpec",
    "Ban",
    "BanAdsAndLinks",
    "Blacklist",
    "ClockTick",
    "Compensate",
    "Condition",
    "ConditionError",
    "DeclarativeRule",
    "DelaySpec",
    "Delete",
    "Dissolve",
    "Event",
    "Executor",
    "ExecutorSpec",
    "Facts",
    "FloodLimit",
    "GroupView",
    "HumanExecutor",
    "FieldError",
    "InputError",
    "Kick",
    "LadderSpec",
    "LadderStep",
    "MemberJoined",
    "MemberLeft",
    "MessageForm",
    "MessagePosted",
    "MessageRemoved",
    "MessageReported",
    "MoveToAdThread",
    "Mute",
    "NormaliseSpec",
    "Normaliser",
    "NotifyOperator",
    "ObservedMessage",
    "MemberDirectory",
    "Observer",
    "Param",
    "PaymentMade",
    "Post",
    "Problem",
    "Promote",
    "Rebuke",
    "RequirePayment",
    "PrivateTalk",
    "Reward",
    "Rule",
    "RuleBase",
    "RuleEngine",
    "RuleSpec",
    "RulesetSpec",
    "StrikeStore",
    "TriggerKind",
    "TriggerSpec",
    "VisibleRole",
    "Warn",
    "YamlDocument",
    "action_def",
    "action_table",
    "compile_condition",
    "find_ruleset",
    "load_model",
    "load_ruleset",
    "may_carry_out",
    "merge_rulesets",
    "params_of",
    "parse_yaml",
    "plugin_rules",
    "read_mapping",
    "read_yaml",
    "rule_factory",
    "validate_document",
]
