"""What defines a rule action: its name, parameters, who may carry it out, and how a rule file writes it.

An :class:`ActionDef` is one row of the action table (:func:`rules.actions.action_table`).
Its parameter schema (:class:`ActionParams`) is derived from the action's
dataclass fields: each field a rule file may set becomes a :class:`Param`
(name, type, default, allowed values, lower bound). The fields in
:data:`CONTEXT` are never written in a rule file: the engine fills them from
the firing rule and its facts (the rule's name, the member, the message, the
rule's appeal window).

A rule file writes an action in up to three forms::

    kick                     # the bare word: every parameter at its default
    {mute: 60}               # a scalar fills the action's one `scalar` parameter
    {reward: {kind: gift}}   # a mapping names parameters

Parsing and its error messages live here, so the declarative parser, lint,
explain, replay and the generated documentation all say the same thing.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

GROUP = -1
"""The ``member`` of an action aimed at the whole group."""

EXECUTORS = frozenset({"bot", "operator", "human"})
"""Who may carry out an action: a bot at once, the operator later, or a modelled human admin."""

CONTEXT = frozenset({"rule", "member", "message_id", "appeal_minutes"})
"""Action fields the engine fills from the firing rule and its facts, never from a rule file."""

Target = Literal["message", "member", "group"]
Effect = Callable[[Any, Any, float], None]
"""A plugin action's effect on the simulated world: ``effect(world, action, t)``."""


class _Required:
    """The default of a parameter a rule file must give."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()

_TYPES: dict[str, type] = {"float": float, "int": int, "str": str, "bool": bool}
_TYPE_WORDS: dict[type, str] = {float: "a number", int: "a whole number", str: "text", bool: "true or false"}


def _choice_text(choices: tuple[str, ...]) -> str:
    return " | ".join(choices)


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter a rule file may set: ``{mute: 60}`` sets Mute's ``minutes``."""

    name: str
    type: type
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    strict: bool = False  # the value must be > minimum, not >= minimum
    example: Any = None  # shown in "e.g." hints; the default when not set

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def describe(self) -> str:
        """One line for docs: ``minutes: a number > 0 (required)``, ``scope: group | operator (default group)``."""
        kind = _choice_text(self.choices) if self.choices else _TYPE_WORDS.get(self.type, self.type.__name__)
        if self.minimum is not None:
            kind += f" {'>' if self.strict else '>='} {self.minimum:g}"
        return f"{self.name}: {kind} ({'required' if self.required else f'default {self.default!r}'})"

    def check(self, action: str, value: Any, example: str) -> Any:
        """``value`` as this parameter's type; a ValueError names the action and parameter."""
        if value is None:
            raise ValueError(f"{action}'s {self.name} needs a value, e.g. {example}")
        if self.type is float or self.type is int:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{action}'s {self.name} must be {_TYPE_WORDS[self.type]}, not {value!r}, e.g. {example}")
            out: Any = self.type(value)
            if self.minimum is not None and (out <= self.minimum if self.strict else out < self.minimum):
                raise ValueError(f"{action} needs {self.name} {'>' if self.strict else '>='} {self.minimum:g}, e.g. {example}")
            return out
        if self.type is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{action}'s {self.name} must be true or false, not {value!r}")
            return value
        if isinstance(value, (dict, list, tuple)):
            raise ValueError(f"{action}'s {self.name} must be text, not {value!r}, e.g. {example}")
        out = str(value)
        if self.choices and out not in self.choices:
            raise ValueError(f"{action} takes {self.name}: {_choice_text(self.choices)}, not {out!r}")
        return out

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of the values :meth:`check` accepts."""
        if self.type is float or self.type is int:
            out: dict[str, Any] = {"type": "integer" if self.type is int else "number"}
            if self.minimum is not None:
                out["exclusiveMinimum" if self.strict else "minimum"] = self.minimum
        elif self.type is bool:
            out = {"type": "boolean"}
        elif self.choices:
            out = {"enum": list(self.choices)}
        else:  # a scalar is taken as its text: {warn: 3} warns "3"
            out = {"type": ["string", "number", "boolean"]}
        if not self.required:
            out["default"] = self.default
        return out


@dataclass(frozen=True, slots=True)
class ActionParams:
    """An action's parameter schema and the forms a rule file may write it in."""

    params: tuple[Param, ...] = ()
    scalar: str | None = None  # the parameter a scalar fills: {mute: 60}
    target: Target = "member"  # what the action needs from the event: a message, a member, or nothing
    member_when: Callable[[Mapping[str, Any]], bool] | None = None  # a group action aimed at the event's member

    def __post_init__(self) -> None:
        names = [p.name for p in self.params]
        if self.scalar is not None and self.scalar not in names:
            raise ValueError(f"scalar parameter {self.scalar!r} is not one of {names}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def usage(self, name: str) -> str:
        """How a rule file writes the action: ``ban | {ban: scope}``, ``{private_talk: {minutes, hours, satisfaction}}``."""
        forms = [] if any(p.required for p in self.params) else [name]
        if self.scalar is not None:
            forms.append(f"{{{name}: {self.scalar}}}")
        if self.params and (len(self.params) > 1 or self.scalar is None):
            forms.append(f"{{{name}: {{{', '.join(self.names)}}}}}")
        return " | ".join(forms)

    def example(self, name: str, param: Param | None = None) -> str:
        """A rule file's spelling of the action with ``param`` (or its first required one) set."""
        p = param or next((q for q in self.params if q.required), None) or (self.params[0] if self.params else None)
        if p is None:
            return name
        value = p.example if p.example is not None else (p.choices[0] if p.choices else p.default)
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{{{name}: {shown}}}" if p.name == self.scalar else f"{{{name}: {{{p.name}: {shown}}}}}"

    def parse(self, name: str, arg: Any) -> dict[str, Any]:
        """Checked values of every parameter for ``arg`` (None for the bare word, a scalar, or a mapping)."""
        given: dict[str, Any]
        if arg is None:
            given = {}
        elif isinstance(arg, Mapping):
            if not self.params:
                raise ValueError(f"{name} takes no parameters; write it as the bare word `{name}`")
            unknown = sorted(str(k) for k in arg if k not in self.names)
            if unknown:
                raise ValueError(f"{name} has no parameter {', '.join(unknown)}; it takes {', '.join(self.names)}")
            given = {str(k): v for k, v in arg.items()}
        elif self.scalar is not None:
            given = {self.scalar: arg}
        elif self.params:
            raise ValueError(f"{name} takes a mapping of {', '.join(self.names)}, e.g. {self.example(name)}")
        else:
            raise ValueError(f"{name} takes no parameters; write it as the bare word `{name}`")
        out: dict[str, Any] = {}
        for p in self.params:
            if p.name in given:
                out[p.name] = p.check(name, given[p.name], self.example(name, p))
            elif p.required:
                raise ValueError(f"{name} needs {p.name}, e.g. {self.example(name, p)}")
            else:
                out[p.name] = p.default
        return out

    def arg_schemas(self) -> list[dict[str, Any]]:
        """JSON Schemas of the ``arg`` values :meth:`parse` accepts: nothing, the scalar, a mapping."""
        forms: list[dict[str, Any]] = []
        if not any(p.required for p in self.params):
            forms.append({"type": "null"})
        by_name = {p.name: p for p in self.params}
        if self.scalar is not None:
            forms.append(by_name[self.scalar].json_schema())
        if self.params:
            forms.append({
                "type": "object", "additionalProperties": False,
                "properties": {p.name: p.json_schema() for p in self.params},
                "required": [p.name for p in self.params if p.required],
            })
        return forms

    def json_schemas(self, name: str) -> list[dict[str, Any]]:
        """Every form a rule file may write the action in: ``kick``, ``{mute: 60}``, ``{kind: mute, arg: 60}``."""
        args = self.arg_schemas()
        arg = args[0] if len(args) == 1 else {"anyOf": args}
        forms: list[dict[str, Any]] = []
        if not any(p.required for p in self.params):
            forms.append({"const": name})
        forms.append({"type": "object", "additionalProperties": False, "properties": {name: arg}, "required": [name]})
        needs_arg = any(p.required for p in self.params)
        forms.append({"type": "object", "additionalProperties": False, "required": ["kind", "arg"] if needs_arg else ["kind"],
                      "properties": {"kind": {"const": name}, "arg": arg}})
        return forms

    def make(self, action: type, rule: str, member: int, message_id: int, appeal_minutes: float, values: Mapping[str, Any]) -> Any:
        """The action object for one firing: ``values`` from :meth:`parse`, the rest from the context."""
        context: dict[str, Any] = {"rule": rule}
        fields = _context_fields(action)
        if "member" in fields:
            aimed = self.target != "group" or (self.member_when is not None and self.member_when(values))
            context["member"] = member if aimed else GROUP
        if "message_id" in fields:
            context["message_id"] = message_id
        if "appeal_minutes" in fields:
            context["appeal_minutes"] = appeal_minutes
        return action(**context, **values)


@functools.cache
def _context_fields(action: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(action)) & CONTEXT


def params_of(
    action: type, *, scalar: str | None = None, choices: Mapping[str, tuple[str, ...]] | None = None,
    minimum: Mapping[str, float] | None = None, strict: frozenset[str] = frozenset(),
    examples: Mapping[str, Any] | None = None, required: frozenset[str] = frozenset(),
    member_when: Callable[[Mapping[str, Any]], bool] | None = None,
) -> ActionParams:
    """The schema of dataclass ``action``: one :class:`Param` per field outside :data:`CONTEXT`.

    Types and defaults come from the fields; ``choices``, ``minimum`` (``strict``:
    exclusive) and ``examples`` add checks and hints by field name; ``required``
    makes a field with a default one a rule file must still give. The target
    follows from the fields too: a ``message_id`` needs a message, a ``member``
    without a default needs a member, else the action is group-wide.
    """
    if not dataclasses.is_dataclass(action):
        raise TypeError(f"{action!r} is not a dataclass")
    hints = typing.get_type_hints(action)
    params: list[Param] = []
    for f in dataclasses.fields(action):
        if f.name in CONTEXT:
            continue
        kind = hints.get(f.name, str)
        typ = kind if isinstance(kind, type) else _TYPES.get(str(kind), str)
        default = REQUIRED if f.name in required or f.default is dataclasses.MISSING else f.default
        params.append(Param(
            f.name, typ, default, tuple((choices or {}).get(f.name, ())), (minimum or {}).get(f.name),
            f.name in strict, (examples or {}).get(f.name),
        ))
    by_name = {f.name: f for f in dataclasses.fields(action)}
    target: Target = "group"
    if "message_id" in by_name:
        target = "message"
    elif "member" in by_name and by_name["member"].default is dataclasses.MISSING:
        target = "member"
    return ActionParams(tuple(params), scalar, target, member_when)


@dataclass(frozen=True, slots=True)
class ActionDef:
    """One rule action, defined once: validation, lint, explain, replay, executors and docs read it."""

    name: str
    action: type
    executors: frozenset[str]
    punitive: bool
    summary: str
    params: ActionParams
    effect: Effect | None = None  # None for built-ins (the simulator owns their effects)

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise ValueError(f"action name {self.name!r} must be a lower-case identifier, e.g. private_talk")
        unknown = sorted(self.executors - EXECUTORS)
        if unknown or not self.executors:
            raise ValueError(f"action {self.name!r}: executors must be some of {', '.join(sorted(EXECUTORS))}, not {unknown}")
        missing = {"rule", "member"} - {f.name for f in dataclasses.fields(self.action)}
        if missing:
            raise ValueError(f"action {self.name!r}: {self.action.__name__} needs the fields {sorted(missing)}")

    @property
    def usage(self) -> str:
        """How a rule file writes it, e.g. ``{mute: minutes}``."""
        return self.params.usage(self.name)

    def json_schemas(self) -> list[dict[str, Any]]:
        """JSON Schemas of every form a rule file may write this action in."""
        out = self.params.json_schemas(self.name)
        for form in out:
            form.setdefault("description", f"{self.usage}: {self.summary}")
        return out

    def parse(self, arg: Any) -> dict[str, Any]:
        """The checked parameter values for a rule file's ``arg`` (a ValueError says what is wrong)."""
        return self.params.parse(self.name, arg)

    def make(self, rule: str, member: int, message_id: int, appeal_minutes: float, values: Mapping[str, Any]) -> Any:
        """The action raised by ``rule`` for ``member`` (and ``message_id``), with parsed ``values``."""
        return self.params.make(self.action, rule, member, message_id, appeal_minutes, values)

    def describe(self, action: Any) -> str:
        """``action`` as a ruleset writes it: ``kick``, ``mute(60)``, ``warn: text``, ``ban: operator``."""
        p = next((q for q in self.params.params if q.name == self.params.scalar), None)
        value = getattr(action, p.name) if p is not None else None
        if p is None or value == p.default or value in ("", None):
            return self.name
        return f"{self.name}({value:g})" if isinstance(value, float) else f"{self.name}: {value}"


__all__ = ["CONTEXT", "EXECUTORS", "GROUP", "REQUIRED", "ActionDef", "ActionParams", "Effect", "Param", "params_of"]
