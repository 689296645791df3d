"""Sweep files and the designs that turn factors into scenario variants.

A sweep file names a base scenario, the factors to vary (any scenario field,
addressed by a dotted path such as ``population.0.params.ad_rate`` or
``ruleset.rules.0.params.kick_after``), a design and the seeds per point::

    name: spam pressure
    base: ../new_customer_well_run.yaml
    fixed: {duration_days: 5}
    factors:
      - {path: population.2.params.ad_rate, low: 2, high: 20}
      - {path: ruleset.rules.0.params.kick_after, low: 1, high: 4, integer: true}
    design: {method: sobol, samples: 8, seed: 1}
    seeds: 2
    outcomes: [alive, messages_per_day]

Designs: ``grid`` (full factorial), ``random``, ``lhs`` (Latin hypercube,
scipy.stats.qmc), ``sobol`` (Saltelli sampling, SALib) and ``morris`` (SALib).
Every generated variant is a new validated :class:`~sim.scenario.Scenario`;
nothing mutates the base (configuration flows one way).
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rules import InputError, read_mapping, validate_document
from sim.spec.scenario import Scenario, load_scenario

Method = Literal["grid", "random", "lhs", "sobol", "morris"]
Scalar = float | int | str | bool


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Factor(_Model):
    """One varied scenario field: a range (``low``/``high``) or a list of ``values``."""

    path: str = Field(min_length=1, description="Dotted path into the scenario, e.g. group.capacity.")
    name: str | None = Field(default=None, description="Column name in results (default: from the path).")
    low: float | None = None
    high: float | None = None
    integer: bool = Field(default=False, description="Round drawn values to whole numbers.")
    log: bool = Field(default=False, description="Draw on a log scale (low > 0).")
    values: list[Any] | None = Field(default=None, min_length=1, description="Explicit levels.")
    levels: int = Field(default=3, ge=2, le=1000, description="Grid levels of a range factor.")

    @model_validator(mode="after")
    def _range_or_values(self) -> Factor:
        has_range = self.low is not None or self.high is not None
        if has_range == (self.values is not None):
            raise ValueError("give either `low` and `high` or `values`")
        if has_range:
            if self.low is None or self.high is None or not self.low < self.high:
                raise ValueError("a range needs `low` < `high`")
            if self.log and self.low <= 0:
                raise ValueError("`log: true` needs `low` > 0")
        return self

    @property
    def column(self) -> str:
        return self.name or self.path.replace(".", "_")

    def at(self, u: float) -> Scalar:
        """The factor's value at quantile ``u`` in [0, 1]."""
        u = min(max(float(u), 0.0), 1.0)
        if self.values is not None:
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
        if self.integer:
            return int(min(math.floor(lo + u * (hi - lo + 1)), hi))
        if self.log:
            return float(math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))))
        return float(lo + u * (hi - lo))

    def grid(self) -> list[Scalar]:
        if self.values is not None:
            return list(self.values)
        if self.integer:
            return list(dict.fromkeys(int(round(x)) for x in np.linspace(self.low, self.high, self.levels)))
        if self.log:
            return [float(x) for x in np.geomspace(self.low, self.high, self.levels)]
        return [float(x) for x in np.linspace(self.low, self.high, self.levels)]


class SamplingDesign(_Model):
    """How points are drawn from the factors."""

    method: Method = "grid"
    samples: int = Field(default=16, ge=1, le=1_000_000, description="Points (random, lhs) or base samples N (sobol, morris).")
    seed: int = Field(default=0, ge=0)
    second_order: bool = Field(default=False, description="Sobol: also second-order indices.")
    levels: int = Field(default=4, ge=2, description="Morris: grid levels.")


class SweepSpec(_Model):
    """A sweep file."""

    name: str = Field(min_length=1)
    description: str = ""
    base: str = Field(description="The base scenario file, relative to the sweep file.")
    fixed: dict[str, Any] = Field(default_factory=dict, description="Paths set to one value in every point.")
    factors: list[Factor] = Field(min_length=1)
    design: SamplingDesign = SamplingDesign()
    seeds: int = Field(default=4, ge=1, le=100_000, description="Replications per point (common seeds).")
    seed: int | None = Field(default=None, ge=0, description="Base seed (default: the base scenario's).")
    outcomes: list[str] = Field(default_factory=lambda: ["alive"], description="Outcomes for sensitivity indices.")

    @model_validator(mode="after")
    def _distinct(self) -> SweepSpec:
        cols = [f.column for f in self.factors]
        dupes = sorted({c for c in cols if cols.count(c) > 1})
        if dupes:
            raise ValueError(f"factors need distinct names; repeated: {', '.join(dupes)} (add `name:`)")
        return self


@dataclass(frozen=True, slots=True)
class Point:
    """One design point: the factor values (by column name) and its validated scenario."""

    index: int
    values: dict[str, Scalar]
    scenario: Scenario


@dataclass(frozen=True, slots=True)
class Plan:
    """A sweep ready to run: the points, the seeds, and the raw sample matrix for SALib."""

    spec: SweepSpec
    source: str
    base: Scenario
    points: list[Point]
    seeds: list[int]
    matrix: np.ndarray


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with the field at dotted ``path`` replaced; KeyError says what is missing."""
    out = copy.deepcopy(data)
    parts = path.split(".")
    node: Any = out
    for depth, part in enumerate(parts):
        here = ".".join(parts[:depth]) or "the scenario"
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.lstrip("-").isdigit() or not 0 <= int(part) < len(node):
                raise KeyError(f"{here} is a list of {len(node)}; {part!r} is not an index in it")
            if last:
                node[int(part)] = value
            node = node[int(part)]
        elif isinstance(node, dict):
            if part not in node and not last:
                raise KeyError(f"{here} has no field {part!r} (fields: {', '.join(map(str, node)) or 'none'})")
            if last:
                node[part] = value
            node = node.get(part)
        else:
            raise KeyError(f"{here} is a single value ({node!r}); it has no field {part!r}")
    return out


def build_variant(base: dict[str, Any], values: dict[str, Any]) -> Scenario:
    """A validated scenario: ``base`` data with each ``path: value`` applied."""
    data = base
    for path, value in values.items():
        data = set_path(data, path, value)
    return Scenario.model_validate(data)


def _unit_matrix(spec: SweepSpec) -> np.ndarray:
    """Points as quantiles in [0, 1]^d (grid excepted: it returns level indices)."""
    d, des = len(spec.factors), spec.design
    if des.method == "grid":
        sizes = [len(f.grid()) for f in spec.factors]
        return np.asarray(list(itertools.product(*(range(k) for k in sizes))), dtype=float).reshape(-1, d)
    if des.method == "random":
        return np.random.default_rng(des.seed).random((des.samples, d))
    if des.method == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d, rng=np.random.default_rng(des.seed)).random(des.samples)
    problem = salib_problem(spec)
    if des.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, des.samples, calc_second_order=des.second_order, seed=des.seed)
    from SALib.sample import morris

    return morris.sample(problem, des.samples, num_levels=des.levels, seed=des.seed)


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem: every factor on [0, 1] (mapped to its range or levels by :meth:`Factor.at`)."""
    return {"num_vars": len(spec.factors), "names": [f.column for f in spec.factors], "bounds": [[0.0, 1.0]] * len(spec.factors)}


def _values(spec: SweepSpec, row: Sequence[float]) -> dict[str, Scalar]:
    if spec.design.method == "grid":
        return {f.column: f.grid()[int(k)] for f, k in zip(spec.factors, row)}
    return {f.column: f.at(u) for f, u in zip(spec.factors, row)}


def plan_sweep(path: str | Path) -> Plan:
    """Read a sweep file, build and validate every point; errors name the file, line and field."""
    p = Path(path)
    doc = read_mapping(p, "a sweep file", "name:, base:, factors:, ...")
    spec = validate_document(SweepSpec, doc)
    base_path = (p.parent / spec.base) if not Path(spec.base).is_absolute() else Path(spec.base)
    base = load_scenario(base_path)
    base_data = base.model_dump(mode="json", by_alias=True)
    try:
        base_data = build_variant(base_data, spec.fixed).model_dump(mode="json", by_alias=True)
    except (KeyError, ValidationError) as exc:
        raise InputError.single(p, doc.line_of(("fixed",)), "fixed", _reason(exc)) from None
    for i, f in enumerate(spec.factors):
        try:
            set_path(base_data, f.path, None)
        except KeyError as exc:
            raise InputError.single(p, doc.line_of(("factors", i, "path")), f"factors[{i}].path", _reason(exc)) from None
    matrix = _unit_matrix(spec)
    by_column = {f.column: (i, f) for i, f in enumerate(spec.factors)}
    points: list[Point] = []
    for k, row in enumerate(matrix):
        values = _values(spec, row)
        try:
            scenario = build_variant(base_data, {by_column[c][1].path: v for c, v in values.items()})
        except ValidationError as exc:
            i, f = _blame(exc, spec, by_column)
            shown = ", ".join(f"{c}={v!r}" for c, v in values.items())
            raise InputError.single(
                p, doc.line_of(("factors", i)), f"factors[{i}] ({f.path})", f"point {k} ({shown}) is not a valid scenario: {_reason(exc)}"
            ) from None
        points.append(Point(k, values, scenario))
    start = base.seed if spec.seed is None else spec.seed
    return Plan(spec, str(p), base, points, [start + j for j in range(spec.seeds)], matrix)


def _blame(exc: ValidationError, spec: SweepSpec, by_column: dict[str, tuple[int, Factor]]) -> tuple[int, Factor]:
    """The factor whose path is nearest the first validation error (the first factor otherwise)."""
    loc = ".".join(str(x) for x in exc.errors()[0]["loc"])
    for _col, (i, f) in by_column.items():
        if loc.startswith(f.path) or f.path.startswith(loc):
            return i, f
    return 0, spec.factors[0]


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(x) for x in err["loc"])
        return f"{where}: {err['msg']}" if where else str(err["msg"])
    return str(exc.args[0]) if exc.args else str(exc)


__all__ = ["Factor", "Plan", "Point", "SamplingDesign", "SweepSpec", "build_variant", "plan_sweep", "salib_problem", "set_path"]
