"""Rulesets as data: which rules a group runs, with what parameters, enforced by whom.

A ruleset file (YAML) names built-in rules with parameters::

    name: basic
    rules:
      - use: ban_ads_and_links
        params: {kick_after: 2}
        executor: operator      # a human admin, with the operator's response delay
      - use: flood_limit
        params: {max_messages: 5, window_seconds: 60}

Rules are looked up in :data:`BUILTIN_RULES`; building a ruleset gives fresh
rule objects (with fresh state) for one run.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rules.builtin import BanAdsAndLinks, FloodLimit
from rules.engine import Rule, RuleEngine

RuleFactory = Callable[..., Rule]

BUILTIN_RULES: dict[str, RuleFactory] = {
    "ban_ads_and_links": BanAdsAndLinks,
    "flood_limit": FloodLimit,
}


class Executor(StrEnum):
    """Who carries out a rule's actions: a bot at once, or the human operator later."""

    BOT = "bot"
    OPERATOR = "operator"


def _keyword_params(factory: RuleFactory) -> dict[str, inspect.Parameter]:
    sig = inspect.signature(factory)
    return {n: p for n, p in sig.parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}


class RuleSpec(BaseModel):
    """One rule in a ruleset: a built-in by name, its parameters and its executor."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    use: str = Field(description="Name of a built-in rule, e.g. ban_ads_and_links, flood_limit.")
    name: str | None = Field(default=None, description="Label for this rule in results; defaults to `use`.")
    params: dict[str, Any] = Field(default_factory=dict, description="Keyword parameters of the rule.")
    executor: Executor = Field(default=Executor.BOT, description="bot (instant) or operator (human, delayed).")
    priority: int | None = Field(default=None, description="Lower runs first; defaults to the rule's own.")

    @model_validator(mode="after")
    def _check(self) -> RuleSpec:
        factory = BUILTIN_RULES.get(self.use)
        if factory is None:
            known = ", ".join(sorted(BUILTIN_RULES))
            raise ValueError(f"unknown rule {self.use!r}; built-in rules are: {known}")
        allowed = _keyword_params(factory)
        unknown = sorted(set(self.params) - set(allowed))
        if unknown:
            raise ValueError(
                f"rule {self.use!r} has no parameter {', '.join(unknown)}; it takes: {', '.join(sorted(allowed))}"
            )
        try:
            self.build()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"rule {self.use!r}: {exc}") from None
        return self

    @property
    def label(self) -> str:
        return self.name or self.use

    def build(self) -> Rule:
        """A fresh rule object with its own state."""
        kwargs = dict(self.params)
        if self.priority is not None:
            kwargs["priority"] = self.priority
        return BUILTIN_RULES[self.use](self.label, **kwargs)


class RulesetSpec(BaseModel):
    """A named list of rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default="inline", description="Ruleset name, shown in results.")
    description: str = ""
    rules: tuple[RuleSpec, ...] = ()

    @model_validator(mode="after")
    def _unique_labels(self) -> RulesetSpec:
        labels = [r.label for r in self.rules]
        dupes = sorted({x for x in labels if labels.count(x) > 1})
        if dupes:
            raise ValueError(f"rule names must be unique in a ruleset; repeated: {', '.join(dupes)} (set `name:`)")
        return self

    def build(self) -> RuleEngine:
        return RuleEngine(r.build() for r in self.rules)

    def executors(self) -> dict[str, Executor]:
        return {r.label: r.executor for r in self.rules}


def find_ruleset(name: str, search: Sequence[Path]) -> Path | None:
    """The file for ruleset ``name`` in the first of ``search`` that has one."""
    for folder in search:
        for candidate in (folder / f"{name}.yaml", folder / f"{name}.yml"):
            if candidate.is_file():
                return candidate
    return None
