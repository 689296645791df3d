"""groupsim's moderation rules: pure logic, events and a group view in, actions out.

This package never imports simpy or :mod:`sim`, so the same rules can judge a
simulated group or a real chat log.
"""

from __future__ import annotations

from rules.actions import Action, Delete, Kick, Mute, Warn
from rules.builtin import BanAdsAndLinks, FloodLimit
from rules.engine import PROTECTED_ROLES, Rule, RuleBase, RuleEngine
from rules.events import (
    ClockTick,
    Event,
    MemberJoined,
    MemberLeft,
    MessageForm,
    MessagePosted,
    ObservedMessage,
    VisibleRole,
)
from rules.ruleset import BUILTIN_RULES, Executor, RuleSpec, RulesetSpec, find_ruleset
from rules.source import InputError, Problem, YamlDocument, load_model, parse_yaml, read_yaml, validate_document
from rules.view import GroupView

__all__ = [
    "BUILTIN_RULES",
    "PROTECTED_ROLES",
    "Action",
    "BanAdsAndLinks",
    "ClockTick",
    "Delete",
    "Event",
    "Executor",
    "FloodLimit",
    "GroupView",
    "InputError",
    "Kick",
    "MemberJoined",
    "MemberLeft",
    "MessageForm",
    "MessagePosted",
    "Mute",
    "ObservedMessage",
    "Problem",
    "Rule",
    "RuleBase",
    "RuleEngine",
    "RuleSpec",
    "RulesetSpec",
    "VisibleRole",
    "Warn",
    "YamlDocument",
    "find_ruleset",
    "load_model",
    "parse_yaml",
    "read_yaml",
    "validate_document",
]
