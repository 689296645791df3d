"""The base of every configuration model: frozen, strict about names, and finite.

Every scenario, cast, design and distribution model derives from
:class:`SpecModel`, so one place says what a file may contain: no unknown
fields, no NaN or infinity, and no integer the engine cannot hold (numpy's
int64). What ``validate`` accepts, ``run`` can then run.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

INT_BOUND = 2**63
"""Integers in files must lie strictly within (-2**63, 2**63): numpy's int64."""


def check_bounded(value: Any) -> None:
    """Raise ValueError if ``value`` holds an integer outside :data:`INT_BOUND`, looking into lists and mappings."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if not -INT_BOUND < value < INT_BOUND:
            raise ValueError(f"integer {value} is out of range (it must lie within ±2**63)")
    elif isinstance(value, (list, tuple)):
        for item in value:
            check_bounded(item)
    elif isinstance(value, dict):
        for item in value.values():
            check_bounded(item)


class SpecModel(BaseModel):
    """A frozen configuration model that forbids unknown fields, non-finite numbers and unbounded integers."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _bounded_integers(cls, value: Any) -> Any:
        check_bounded(value)
        return value


__all__ = ["INT_BOUND", "SpecModel", "check_bounded"]
