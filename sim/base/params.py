"""Behaviour parameters: a constant, a distribution, or an explicit per-member list.

Every numeric behaviour parameter in a scenario file takes one of these forms::

    post_rate: 0.5                                   # constant
    post_rate: {dist: lognormal, median: 0.05, sigma: 2}
    post_rate: {dist: uniform, low: 0, high: 1}
    post_rate: {dist: truncnormal, mean: 0.3, sd: 0.1, low: 0, high: 1}
    post_rate: {dist: pareto, alpha: 1.2, scale: 0.01}
    post_rate: [0.1, 0.2, 0.3]                       # one value per member (roles with `count` only)

Values are drawn once per agent, from that agent's own random stream.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import ConfigDict, Field, PrivateAttr, model_validator
from scipy.special import ndtr, ndtri

from sim.base.schema import SpecModel


class _Dist(SpecModel):
    """A distribution's fields: finite numbers only (:class:`sim.base.schema.SpecModel`)."""


class Constant(_Dist):
    """Always ``value``."""

    dist: Literal["constant"]
    value: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, float(self.value))

    def mean(self) -> float:
        return float(self.value)


class Uniform(_Dist):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be >= low")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def mean(self) -> float:
        return (self.low + self.high) / 2


class TruncNormal(_Dist):
    """Normal(mean, sd) truncated to [low, high], drawn by inverting the CDF."""

    _ab: tuple[float, float] = PrivateAttr(default=(0.0, 1.0))

    dist: Literal["truncnormal"]
    mean_: float = Field(alias="mean")
    sd: float = Field(gt=0)
    low: float = -math.inf
    high: float = math.inf

    # the bounds may be infinite (no truncation on that side); mean and sd must be finite
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=True)

    @model_validator(mode="after")
    def _order(self) -> TruncNormal:
        if not (math.isfinite(self.mean_) and math.isfinite(self.sd)):
            raise ValueError("mean and sd must be finite numbers")
        if math.isnan(self.low) or math.isnan(self.high):
            raise ValueError("low and high must be numbers (they may be infinite)")
        if self.high <= self.low:
            raise ValueError("high must be > low")
        a, b = ndtr((self.low - self.mean_) / self.sd), ndtr((self.high - self.mean_) / self.sd)
        if b - a < 1e-9:
            raise ValueError("the interval [low, high] holds almost none of the normal's mass")
        return self

    def model_post_init(self, context: object, /) -> None:
        self._ab = (float(ndtr((self.low - self.mean_) / self.sd)), float(ndtr((self.high - self.mean_) / self.sd)))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        a, b = self._ab
        u = a + rng.random(n) * (b - a)
        x = self.mean_ + self.sd * ndtri(np.clip(u, 1e-12, 1 - 1e-12))
        return np.clip(x, self.low, self.high)

    def mean(self) -> float:
        return float(self.sample(np.random.default_rng(0), 4000).mean())


class LogNormal(_Dist):
    """exp(Normal(log median, sigma)): heavy right tail, e.g. posting rates."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(ge=0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.median * np.exp(self.sigma * rng.standard_normal(n))

    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)


class Pareto(_Dist):
    """Pareto type I with minimum ``scale`` and tail index ``alpha`` (power law)."""

    dist: Literal["pareto"]
    alpha: float = Field(gt=0)
    scale: float = Field(gt=0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.scale * (1.0 + rng.pareto(self.alpha, n))

    def mean(self) -> float:
        return math.inf if self.alpha <= 1 else self.alpha * self.scale / (self.alpha - 1)


Dist = Annotated[Union[Constant, Uniform, TruncNormal, LogNormal, Pareto], Field(discriminator="dist")]
Param = Union[float, Dist, list[float]]


def sample(param: Param, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` values of ``param`` (a list must have exactly ``n`` entries)."""
    if isinstance(param, (int, float)):
        return np.full(n, float(param))
    if isinstance(param, list):
        if len(param) != n:
            raise ValueError(f"a per-member list needs {n} values, got {len(param)}")
        return np.asarray(param, dtype=float)
    return param.sample(rng, n)


def typical(param: Param) -> float:
    """A representative value (the mean) of ``param``, for summaries and checks."""
    if isinstance(param, (int, float)):
        return float(param)
    if isinstance(param, list):
        return float(np.mean(param)) if param else 0.0
    return param.mean()


def param_bounds(param: Param) -> tuple[float, float]:
    """The smallest and largest value ``param`` can take."""
    if isinstance(param, (int, float)):
        return float(param), float(param)
    if isinstance(param, list):
        return (min(param), max(param)) if param else (0.0, 0.0)
    if isinstance(param, Constant):
        return param.value, param.value
    if isinstance(param, Uniform):
        return param.low, param.high
    if isinstance(param, TruncNormal):
        return param.low, param.high
    if isinstance(param, LogNormal):
        return (0.0 if param.sigma else param.median), (math.inf if param.sigma else param.median)
    return param.scale, math.inf
