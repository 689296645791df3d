"""Who carries out a rule's actions, and how fast: a bot, the operator, or a modelled human admin.

Which of them may carry out an action is that action's ``executors`` in the
action table (:func:`rules.actions.action_table`); :func:`check_executor`
refuses a rule whose executor may not (every built-in action allows all three).

* ``bot`` -- instant and exact.
* ``operator`` -- the scenario's operator, after their ``response_delay_minutes``
  (moved into working hours); never misses, attention unlimited.
* a :class:`HumanExecutor` -- a human admin with working hours, a response
  delay distribution, an attention budget (minutes a day shared over the
  ``groups`` they run, seed 001: one operator runs 5-10 groups), a time cost
  per case, a probability of missing a case, and a ``queue`` discipline for the
  backlog left when the day's minutes run out (most-reported first, or fifo).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rules.action_defs import ActionDef


class Executor(StrEnum):
    """Who carries out a rule's actions: a bot at once, or the human operator later."""

    BOT = "bot"
    OPERATOR = "operator"


class DelaySpec(BaseModel):
    """A response-delay distribution in minutes: fixed, exponential (mean) or lognormal (median, sigma)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dist: Literal["fixed", "exponential", "lognormal"] = "lognormal"
    median: float = Field(default=20.0, ge=0, description="lognormal median, exponential mean, or the fixed value")
    sigma: float = Field(default=1.0, ge=0, description="lognormal shape")


class HumanExecutor(BaseModel):
    """A human admin (管理员) enforcing rules by hand."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["human"] = "human"
    label: str = Field(default="admin", description="Name of this moderator; rules with the same label share one.")
    working_hours: tuple[int, int] = Field(default=(9, 22), description="Start and end hour of work.")
    response_delay: DelaySpec = Field(default_factory=DelaySpec, description="Delay before a case is handled.")
    attention_minutes_per_day: float = Field(default=120.0, gt=0, description="Moderation minutes a day, all groups.")
    groups: int = Field(default=5, ge=1, description="Groups sharing the attention budget (seed 001: 5-10).")
    minutes_per_case: float = Field(default=2.0, ge=0, description="Minutes one case costs.")
    miss_probability: float = Field(default=0.1, ge=0, le=1, description="Chance a case is never handled.")
    queue: Literal["most_reported", "fifo"] = Field(
        default="most_reported",
        description="Order of the backlog when the day's minutes run out: most-reported case first (ties by arrival), or "
        "first in, first out.",
    )

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not (0 <= v[0] < v[1] <= 24):
            raise ValueError("working_hours must be (start, end) with 0 <= start < end <= 24")
        return v

    @property
    def budget_per_group(self) -> float:
        """Minutes a day this admin can give one group."""
        return self.attention_minutes_per_day / self.groups


ExecutorSpec = Executor | HumanExecutor


def executor_name(executor: ExecutorSpec) -> str:
    """``bot``, ``operator`` or ``human``: the word an action's ``executors`` use."""
    return "human" if isinstance(executor, HumanExecutor) else executor.value


def may_carry_out(executor: ExecutorSpec, action: ActionDef) -> bool:
    """Whether ``executor`` may carry out ``action`` (its row of the action table)."""
    return executor_name(executor) in action.executors


def check_executor(executor: ExecutorSpec, actions: Iterable[ActionDef]) -> None:
    """A ValueError naming each of ``actions`` that ``executor`` may not carry out, and who may."""
    who = executor_name(executor)
    bad = {d.name: d for d in actions if not may_carry_out(executor, d)}
    if bad:
        allowed = "; ".join(f"{n} is for {', '.join(sorted(d.executors))}" for n, d in sorted(bad.items()))
        raise ValueError(f"executor {who!r} cannot carry out {', '.join(sorted(bad))} ({allowed})")


__all__ = [
    "DelaySpec", "Executor", "ExecutorSpec", "HumanExecutor", "check_executor", "executor_name", "may_carry_out",
]
