"""Rulesets as data: which rules a group runs, with what parameters, enforced by whom.

A ruleset file (YAML) lists rules. A rule either names a Python rule (a
built-in, or a plugin registered under the entry-point group
``groupsim.rules``) with parameters, or is declarative (trigger, condition,
actions; see :mod:`rules.declarative`)::

    name: basic
    extends: rose_antiflood          # optional: start from another ruleset
    keywords: {ads: [加微信, 代购]}    # named keyword lists for message.keywords
    rules:
      - use: ban_ads_and_links
        params: {kick_after: 2}
        executor: operator
      - name: no_links_from_newcomers
        if: message.has_link and sender.tenure_days < 1
        then: [delete, {warn: "No links in your first day"}]

A ruleset compiles once (:meth:`RulesetSpec.compile`, cached while the spec
lives: rule factories looked up, conditions compiled, counter needs known);
building it gives fresh rule objects (with fresh state) for one run.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata as md
import importlib.resources
import inspect
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rules.builtin import DEFAULT_AD_KEYWORDS, BanAdsAndLinks, FloodLimit
from rules.conditions import Condition, compile_condition
from rules.declarative import ActionSpec, DeclarativeRule, LadderSpec, TriggerKind, TriggerSpec
from rules.engine import PROTECTED_ROLES, Rule, RuleEngine
from rules.executors import Executor, HumanExecutor, check_executor
from rules.ladders import Blacklist
from rules.events import VisibleRole
from rules.normalise import NormaliseSpec, normaliser
from rules.observe import FIELDS, Observer
from rules.source import InputError, YamlDocument, read_mapping, validate_document

RuleFactory = Callable[..., Rule]

BUILTIN_RULES: dict[str, RuleFactory] = {
    "ban_ads_and_links": BanAdsAndLinks,
    "flood_limit": FloodLimit,
}
"""Python rules shipped with groupsim, by name."""

ENTRY_POINT_GROUP = "groupsim.rules"
_MESSAGE_TRIGGERS = frozenset({TriggerKind.MESSAGE, TriggerKind.REPORTS, TriggerKind.MESSAGE_REMOVED})
_ROLES = frozenset({"owner", "admin", "member", "paid"})
_VISIBLE_ROLES = frozenset(r.value for r in VisibleRole)


def plugin_rules() -> dict[str, RuleFactory]:
    """Rules registered by other packages under the ``groupsim.rules`` entry-point group."""
    out: dict[str, RuleFactory] = {}
    for ep in md.entry_points(group=ENTRY_POINT_GROUP):
        try:
            out[ep.name] = ep.load()
        except Exception as exc:  # a broken plugin must not break groupsim; say which one
            raise ValueError(f"rule plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from None
    return out


def rule_factory(name: str) -> RuleFactory | None:
    """The built-in or plugin rule called ``name``."""
    return BUILTIN_RULES.get(name) or (plugin_rules().get(name) if name else None)


def _keyword_params(factory: RuleFactory) -> dict[str, inspect.Parameter]:
    sig = inspect.signature(factory)
    return {n: p for n, p in sig.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}


class AppealSpec(BaseModel):
    """Kicked or banned members may appeal; a reviewer decides after ``reviewer_delay_minutes``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reviewer_delay_minutes: float = Field(default=1440.0, ge=0)


class RuleSpec(BaseModel):
    """One rule in a ruleset: a Python rule by name (``use``), or a declarative rule."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    use: str | None = Field(default=None, description="A built-in or plugin rule, e.g. ban_ads_and_links, flood_limit.")
    name: str | None = Field(default=None, description="Label for this rule in results; defaults to `use`.")
    params: dict[str, Any] = Field(default_factory=dict, description="Keyword parameters of a `use` rule.")
    executor: Executor | HumanExecutor = Field(default=Executor.BOT, description="bot, operator, or {kind: human, ...}.")
    priority: int | None = Field(default=None, description="Lower runs first; defaults to the rule's own (100).")
    trigger: TriggerSpec | None = Field(default=None, description="message (default), join, leave, tick, silence, ...")
    condition: str = Field(default="true", alias="if", description="Condition over observable fields.")
    then: tuple[ActionSpec, ...] = Field(default=(), description="Actions taken whenever the rule fires.")
    ladder: LadderSpec | None = Field(default=None, description="Strikes and escalating steps.")
    exempt: tuple[str, ...] | None = Field(
        default=None, description="Roles never judged (owner, admin, member, paid); default: the ruleset's `exempt_roles`.",
    )
    for_each_member: bool = Field(default=False, description="On clock triggers: judge every present member.")
    cooldown_minutes: float = Field(default=0.0, ge=0, description="Minimum time between firings per member.")
    appeal: AppealSpec | None = Field(default=None, description="Kicks and bans may be appealed.")
    cite: str = Field(default="", description="Seed the rule comes from, e.g. 'seed 001 §一.5'.")

    @field_validator("trigger", mode="before")
    @classmethod
    def _trigger_shorthand(cls, v: Any) -> Any:
        return {"on": v} if isinstance(v, str) else v

    @field_validator("condition")
    @classmethod
    def _condition(cls, v: str) -> str:
        compile_condition(v)  # ConditionError is a ValueError: reported at the `if:` line
        return v

    @field_validator("exempt")
    @classmethod
    def _exempt(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        bad = sorted(set(v or ()) - _ROLES)
        if bad:
            raise ValueError(f"unknown exemption(s) {bad}; use owner, admin, member, paid")
        return v

    @model_validator(mode="after")
    def _check(self) -> RuleSpec:
        if self.use is not None:
            return self._check_python()
        if self.name is None:
            raise ValueError("a declarative rule needs a `name`")
        if not self.then and self.ladder is None:
            raise ValueError("a declarative rule needs `then` actions or a `ladder`")
        on = (self.trigger or TriggerSpec()).on
        defs = [a.definition for a in self.actions]
        needing = {target: sorted({d.name for d in defs if d.params.target == target}) for target in ("message", "member")}
        if on not in _MESSAGE_TRIGGERS and needing["message"]:
            raise ValueError(f"actions {needing['message']} need a message; trigger {on.value!r} has none")
        member_event = on in _MESSAGE_TRIGGERS or on in (TriggerKind.JOIN, TriggerKind.LEAVE, TriggerKind.PAYMENT) or self.for_each_member
        if not member_event and needing["member"]:
            raise ValueError(f"actions {needing['member']} need a member; trigger {on.value!r} has none (set for_each_member)")
        check_executor(self.executor, defs)
        if self.for_each_member and on not in (TriggerKind.TICK, TriggerKind.SCHEDULE, TriggerKind.SILENCE, TriggerKind.METRIC):
            raise ValueError("for_each_member works with clock triggers (tick, schedule, silence, metric)")
        return self

    def _check_python(self) -> RuleSpec:
        assert self.use is not None
        if self.then or self.ladder or self.trigger or self.condition != "true":
            raise ValueError("a `use:` rule takes `params`, not trigger/if/then/ladder")
        factory = rule_factory(self.use)
        if factory is None:
            known = ", ".join(sorted({*BUILTIN_RULES, *plugin_rules()}))
            raise ValueError(f"unknown rule {self.use!r}; built-in rules are: {known}")
        allowed = _keyword_params(factory)
        unknown = sorted(set(self.params) - set(allowed))
        if unknown:
            raise ValueError(
                f"rule {self.use!r} has no parameter {', '.join(unknown)}; it takes: {', '.join(sorted(allowed))}"
            )
        try:
            self.build(Observer())
        except (TypeError, ValueError) as exc:
            raise ValueError(f"rule {self.use!r}: {exc}") from None
        return self

    @property
    def actions(self) -> tuple[ActionSpec, ...]:
        """Every action the rule may take: its ``then`` actions, then its ladder's steps."""
        return self.then + tuple(s.do for s in (self.ladder.steps if self.ladder else ()))

    @property
    def label(self) -> str:
        return self.name or self.use or "?"

    def plan(self) -> RulePlan:
        """This rule compiled: the factory or condition resolved once; :meth:`RulePlan.build` makes rule objects."""
        if self.use is not None:
            kwargs = dict(self.params)
            if self.priority is not None:
                kwargs["priority"] = self.priority
            factory = rule_factory(self.use)
            assert factory is not None
            return RulePlan(self, factory=factory, kwargs=kwargs)
        condition = compile_condition(self.condition)
        stores, window = condition.needs()
        trigger = self.trigger or TriggerSpec()
        if trigger.metric is not None and FIELDS[trigger.metric].needs:
            stores |= {FIELDS[trigger.metric].needs}
        return RulePlan(
            self, condition=condition, trigger=trigger, stores=stores, window=window, exempt=self.exempt_under(("owner", "admin")),
        )

    def build(self, observer: Observer) -> Rule:
        """A fresh rule object with its own state (declarative rules share ``observer``)."""
        return self.plan().build(observer)

    def exempt_under(self, ruleset_roles: Sequence[str]) -> tuple[str, ...]:
        """The roles this rule never judges: its own ``exempt``, else the ruleset's ``exempt_roles``."""
        return self.exempt if self.exempt is not None else tuple(ruleset_roles)


class RulesetSpec(BaseModel):
    """A named list of rules, optionally extending another ruleset."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default="inline", description="Ruleset name, shown in results.")
    description: str = ""
    extends: str | None = Field(default=None, description="Another ruleset whose rules come first (resolved on load).")
    keywords: dict[str, tuple[str, ...]] = Field(default_factory=dict, description="Named keyword lists.")
    normalise: NormaliseSpec | None = Field(
        default=None,
        description="Normalise texts before keyword lists match (true, or {nfkc, width, variants, strip}); "
        "off by default. Also the default of `ban_ads_and_links`' own `normalise`.",
    )
    exempt_roles: tuple[str, ...] = Field(
        default=("owner", "admin"),
        description="Visible roles no rule sanctions (the engine drops punitive actions on them); [] lets rules act on "
        "staff who break rules. Also each declarative rule's default `exempt`.",
    )
    rules: tuple[RuleSpec, ...] = ()

    @field_validator("exempt_roles")
    @classmethod
    def _exempt_roles(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = sorted(set(v) - _VISIBLE_ROLES)
        if bad:
            raise ValueError(f"unknown role(s) {bad}; use {', '.join(sorted(_VISIBLE_ROLES))}")
        return v

    @model_validator(mode="after")
    def _unique_labels(self) -> RulesetSpec:
        labels = [r.label for r in self.rules]
        dupes = sorted({x for x in labels if labels.count(x) > 1})
        if dupes:
            raise ValueError(f"rule names must be unique in a ruleset; repeated: {', '.join(dupes)} (set `name:`)")
        return self

    def observer(self) -> Observer:
        """A fresh counter store with this ruleset's keyword lists (``ads`` defaults to the built-in list)."""
        return self.compile().observer()

    def compile(self) -> CompiledRuleset:
        """This ruleset compiled once, cached while it lives: rule factories, conditions, counter needs."""
        key = id(self)
        hit = _COMPILED.get(key)
        if hit is not None and hit[0]() is self:
            return hit[1]
        keywords: dict[str, Sequence[str]] = {"ads": DEFAULT_AD_KEYWORDS, **self.keywords}
        plans = tuple(self._plan(r) for r in self.rules)
        compiled = CompiledRuleset(
            self.name, plans, keywords, self.executors(), self.normalise,
            frozenset(VisibleRole(x) for x in self.exempt_roles),
        )
        _COMPILED[key] = (weakref.ref(self, functools.partial(_forget, key)), compiled)
        return compiled

    def _plan(self, rule: RuleSpec) -> RulePlan:
        """One rule compiled under this ruleset's defaults (exemptions, normalisation)."""
        plan = rule.plan()
        if plan.factory is not None:
            if self.normalise is not None and "normalise" not in plan.kwargs and "normalise" in _keyword_params(plan.factory):
                plan = dataclasses.replace(plan, kwargs={**plan.kwargs, "normalise": self.normalise})
            return plan
        return dataclasses.replace(plan, exempt=rule.exempt_under(self.exempt_roles))

    def build(self, blacklist: Blacklist | None = None) -> RuleEngine:
        """A fresh engine from the compiled ruleset; engines given one ``blacklist`` share bans (one operator's groups)."""
        return self.compile().build(blacklist)

    def executors(self) -> dict[str, Executor | HumanExecutor]:
        """Who carries out each rule's actions, by rule label."""
        return {r.label: r.executor for r in self.rules}


@dataclass(frozen=True, slots=True)
class RulePlan:
    """One compiled rule: what a run's rule object needs, resolved once per ruleset."""

    spec: RuleSpec
    factory: RuleFactory | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    condition: Condition | None = None
    trigger: TriggerSpec = field(default_factory=TriggerSpec)
    stores: frozenset[str] = frozenset()
    window: float = 0.0
    exempt: tuple[str, ...] = ("owner", "admin")

    def build(self, observer: Observer) -> Rule:
        """A fresh rule object with its own state (declarative rules share ``observer``)."""
        r = self.spec
        if self.factory is not None:
            return self.factory(r.label, **self.kwargs)
        assert self.condition is not None
        observer.want(self.stores, self.window)
        return DeclarativeRule(
            r.label, priority=100 if r.priority is None else r.priority, trigger=self.trigger,
            condition=self.condition, then=r.then, observer=observer, ladder=r.ladder, exempt=self.exempt,
            for_each_member=r.for_each_member, cooldown_minutes=r.cooldown_minutes,
            appeal_minutes=r.appeal.reviewer_delay_minutes if r.appeal else -1.0,
        )


@dataclass(frozen=True, slots=True)
class CompiledRuleset:
    """A ruleset resolved once (:meth:`RulesetSpec.compile`): each run's engine is built from it, never re-validated."""

    name: str
    plans: tuple[RulePlan, ...]
    keywords: dict[str, Sequence[str]]
    executors: dict[str, Executor | HumanExecutor]
    normalise: NormaliseSpec | None = None
    protected: frozenset[VisibleRole] = PROTECTED_ROLES

    def observer(self) -> Observer:
        """A fresh counter store with this ruleset's keyword lists (matched on normalised text if it normalises)."""
        return Observer(self.keywords, normalise=normaliser(self.normalise))

    def build(self, blacklist: Blacklist | None = None) -> RuleEngine:
        """A fresh engine; engines given one ``blacklist`` share bans (one operator's groups)."""
        if all(p.factory is not None for p in self.plans):
            return RuleEngine((p.build(Observer()) for p in self.plans), protected=self.protected)
        obs = self.observer()
        if blacklist is not None:
            obs.blacklist = blacklist
        return RuleEngine([p.build(obs) for p in self.plans], observer=obs, protected=self.protected)


# RulesetSpec -> its compiled form, by id while the spec lives (a frozen model with dict fields has no hash).
_COMPILED: dict[int, tuple[weakref.ref[RulesetSpec], CompiledRuleset]] = {}


def _forget(key: int, ref: weakref.ref[RulesetSpec]) -> None:
    hit = _COMPILED.get(key)
    if hit is not None and hit[0] is ref:
        del _COMPILED[key]


def find_ruleset(name: str, search: Sequence[Path]) -> Path | None:
    """The file for ruleset ``name`` in the first of ``search`` that has one (None for a name no file can have)."""
    for folder in search:
        for candidate in (folder / f"{name}.yaml", folder / f"{name}.yml"):
            try:
                if candidate.is_file():
                    return candidate
            except (OSError, ValueError):  # a name too long for a file name, or with a NUL: no such ruleset
                return None
    return None


def bundled_package_root() -> Path:
    """The folder of the installed ``scenarios`` package (bundled scenarios, rulesets, texts).

    The package sits beside ``rules`` in a checkout, an editable install and a
    wheel, so that folder is taken first: a user's own ``scenarios/`` folder in
    the working directory (a namespace package on ``sys.path``) must not shadow
    it. :mod:`importlib.resources` is the fallback.
    """
    beside = Path(__file__).resolve().parent.parent / "scenarios"
    if (beside / "__init__.py").is_file():
        return beside
    return Path(str(importlib.resources.files("scenarios")))


def library_path() -> Path:
    """The bundled rulesets folder: ``rulesets/`` of the installed ``scenarios`` package (package data)."""
    return bundled_package_root() / "rulesets"


def merge_rulesets(base: RulesetSpec, child: RulesetSpec) -> RulesetSpec:
    """``child`` on top of ``base``: base rules first, a child rule with the same name replaces one."""
    own = {r.label for r in child.rules}
    rules = tuple(r for r in base.rules if r.label not in own) + child.rules
    return RulesetSpec(
        name=child.name, description=child.description or base.description, extends=child.extends,
        keywords={**base.keywords, **child.keywords}, rules=rules,
        normalise=child.normalise if "normalise" in child.model_fields_set else base.normalise,
        exempt_roles=child.exempt_roles if "exempt_roles" in child.model_fields_set else base.exempt_roles,
    )


def resolve_extends(spec: RulesetSpec, search: Sequence[Path], where: str = "<ruleset>", seen: tuple[str, ...] = ()) -> RulesetSpec:
    """``spec`` with its ``extends`` chain merged in; a missing or circular parent is an InputError."""
    if spec.extends is None:
        return spec
    if spec.extends in seen:
        raise InputError.single(where, None, "extends", f"circular extends: {' -> '.join((*seen, spec.extends))}")
    path = find_ruleset(spec.extends, [*search, library_path()])
    if path is None:
        raise InputError.single(where, None, "extends", f"no ruleset named {spec.extends!r}")
    base = load_ruleset(path, _seen=(*seen, spec.extends))
    return merge_rulesets(base, spec)


def load_ruleset(path: str | Path, *, _seen: tuple[str, ...] = ()) -> RulesetSpec:
    """Read a ruleset file, validate it with file:line errors, and resolve ``extends``."""
    p = Path(path)
    doc: YamlDocument = read_mapping(p, "a ruleset file", "name:, rules:, ...")
    spec = validate_document(RulesetSpec, doc)
    try:
        return resolve_extends(spec, [p.parent], str(p), (*_seen, p.stem))
    except InputError as exc:
        line = doc.line_of(("extends",))
        raise InputError(exc.file, [type(q)(q.line if q.line is not None else line, q.field, q.message) for q in exc.problems]) from None
