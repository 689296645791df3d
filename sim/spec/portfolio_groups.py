"""The compact form of a portfolio's groups: ``groups: {count: 1000, from: [designs...], mix: [...]}``.

A private domain (私域) of hundreds or thousands of groups is not written group
by group. :class:`GroupSet` says how many groups, which design files they are
drawn from and in what shares, how they are named, and how many groups each
operator team runs (seed 001: one full-time operator runs 5-10 groups).
:meth:`GroupSet.expand` turns it into the plain list of groups
(``{name, scenario, team, initial_members}``) the portfolio schema takes, so
both forms run the same way. Errors in the compact form point at its own
lines (``file:line: groups.mix: ...``).

Designs are dealt in a fixed interleaved order: group ``k`` takes the design
``d`` furthest behind its share, ``argmax_d(mix_d * (k + 1) - dealt_d)`` (the
first on ties), so every prefix of the list, and so every team of consecutive
groups, holds the designs close to their shares.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from sim.base.schema import SpecModel


class GroupSet(SpecModel):
    """``count`` groups drawn from design files in the shares ``mix``, in operator teams of ``per_team``."""

    count: int = Field(ge=1, le=100_000, description="How many groups.")
    from_: list[str] = Field(alias="from", min_length=1,
                             description="Scenario (design) files the groups are drawn from, relative to the portfolio file.")
    mix: list[float] | None = Field(default=None, description="Share of each design, in the order of `from` (default: equal).")
    name: str = Field(default="g{k:04d}", description="Group names: `{k}` is the group's index, `{design}` its design file's stem.")
    per_team: int | None = Field(default=None, ge=1, le=100_000, description=(
        "Groups per operator team (consecutive groups). Each team has its own operator's day, blacklist and QR-code "
        "limits, and teams share nothing, so they run in parallel. Default: one team."))
    initial_members: int | None = Field(default=None, ge=0, le=1_000_000,
                                        description="Each group's initial members (default: its design's).")

    model_config = SpecModel.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _check(self) -> GroupSet:
        if self.mix is not None:
            if len(self.mix) != len(self.from_):
                raise ValueError(f"mix has {len(self.mix)} shares for {len(self.from_)} designs in `from`")
            if any(not math.isfinite(m) or m < 0 for m in self.mix) or sum(self.mix) <= 0:
                raise ValueError("mix: shares must be >= 0 and not all 0")
        if "{k" not in self.name:
            raise ValueError("name must contain {k} (the group's index), so every group's name is distinct")
        try:
            self.name.format(k=0, design="x")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"name: {exc} (use {{k}} and {{design}})") from None
        return self

    def designs(self) -> list[int]:
        """The design index of each group, in order (see the module docstring)."""
        mix = self.mix or [1.0] * len(self.from_)
        total = sum(mix)
        shares = [m / total for m in mix]
        dealt = [0] * len(shares)
        out = []
        for k in range(self.count):
            d = max(range(len(shares)), key=lambda j: (shares[j] * (k + 1) - dealt[j], -j))
            dealt[d] += 1
            out.append(d)
        return out

    def expand(self) -> list[dict[str, Any]]:
        """The groups as the portfolio's plain list: name, scenario, team and initial members of each."""
        width = len(str(max(0, (self.count - 1) // self.per_team))) if self.per_team else 0
        out = []
        for k, d in enumerate(self.designs()):
            group: dict[str, Any] = {"name": self.name.format(k=k, design=Path(self.from_[d]).stem),
                                     "scenario": self.from_[d]}
            if self.per_team:
                group["team"] = f"team{k // self.per_team:0{width}d}"
            if self.initial_members is not None:
                group["initial_members"] = self.initial_members
            out.append(group)
        return out


__all__ = ["GroupSet"]
