"""Behaviour parameters: a constant, a distribution, or an explicit per-member list.

Every numeric behaviour parameter in a scenario file takes one of these forms::

    post_rate: 0.5                                   # constant
    post_rate: {dist: lognormal, median: 0.05, sigma: 2}
    post_rate: {dist: uniform, low: 0, high: 1}
    post_rate: {dist: truncnormal, mean: 0.3, sd: 0.1, low: 0, high: 1}
    post_rate: {dist: pareto, alpha: 1.2, scale: 0.01}
    leave_cascade_threshold: {dist: choice, values: [1, 2, 5], weights: [0.5, 0.3, 0.2]}
    leave_cascade_threshold: {dist: integers, low: 0, high: 9}    # both ends included
    read_cap: {dist: poisson, lam: 40}
    leave_cascade_threshold: {dist: binomial, n: 10, p: 0.3}
    check_rate: {dist: empirical, values: [0.5, 1, 4, 12]}       # resampled with replacement
    check_rate: {dist: empirical, file: visits_per_day.csv}      # one number a row (first column)
    post_rate: [0.1, 0.2, 0.3]                       # one value per member (roles with `count` only)

``truncnorm`` is another name for ``truncnormal``. Values are drawn once per
agent, from that agent's own random stream. Every distribution knows its
support (:func:`param_bounds`) and its quantiles (``ppf``), so validation can
refuse a rate that could be drawn negative (sim/spec/contract.py).
"""

from __future__ import annotations

import contextlib
import csv
import math
from statistics import NormalDist
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import ConfigDict, Field, PrivateAttr, model_validator
from sim.base.lazy import LazyModule
from sim.base.schema import SpecModel

_st = LazyModule("scipy.stats")  # imported on first use: scipy costs a second of start-up
_special = LazyModule("scipy.special")
_NORMAL = NormalDist()


def ndtr(x: Any) -> Any:
    """The standard normal CDF (``scipy.special.ndtr``, imported on first use)."""
    return _special.ndtr(x)


def ndtri(p: Any) -> Any:
    """The standard normal quantile (``scipy.special.ndtri``, imported on first use)."""
    return _special.ndtri(p)


def _phi(x: float) -> float:
    """The standard normal CDF in pure Python (for checks; draws use :func:`ndtr`)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _norm_ppf(q: float) -> float:
    """The standard normal quantile in pure Python (for the scenario contract's tail checks; +-inf at 0 and 1)."""
    if q <= 0.0:
        return -math.inf
    if q >= 1.0:
        return math.inf
    return _NORMAL.inv_cdf(q)


_FOLDER: ContextVar[Path | None] = ContextVar("scenario_folder", default=None)


@contextlib.contextmanager
def scenario_folder(folder: Path) -> Iterator[None]:
    """Relative data files (empirical values, social graphs) named while this is active are read from ``folder``."""
    token = _FOLDER.set(folder)
    try:
        yield
    finally:
        _FOLDER.reset(token)


def data_path(name: str, what: str) -> Path:
    """The path of data file ``name`` (relative to the scenario's folder when one is set); ValueError if missing."""
    p = Path(name)
    base = _FOLDER.get()
    if not p.is_absolute() and base is not None:
        p = base / p
    if not p.is_file():
        raise ValueError(f"{what} file {name!r} not found (looked at {p})")
    return p


class _Dist(SpecModel):
    """A distribution's fields: finite numbers only (:class:`sim.base.schema.SpecModel`)."""

    def ppf(self, q: float) -> float:
        """The ``q`` quantile (by the sample's order statistics unless a subclass knows it exactly)."""
        x = np.sort(self.sample(np.random.default_rng(0), 20_000))  # type: ignore[attr-defined]
        return float(np.quantile(x, q))


class Constant(_Dist):
    """Always ``value``."""

    dist: Literal["constant"]
    value: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, float(self.value))

    def ppf(self, q: float) -> float:
        return float(self.value)

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

    def ppf(self, q: float) -> float:
        return self.low + q * (self.high - self.low)

    def mean(self) -> float:
        return (self.low + self.high) / 2


class TruncNormal(_Dist):
    """Normal(mean, sd) truncated to [low, high], drawn by inverting the CDF."""

    _ab: tuple[float, float] | None = PrivateAttr(default=None)  # the CDF at low and high, at the first draw

    dist: Literal["truncnormal", "truncnorm"]
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
        a, b = _phi((self.low - self.mean_) / self.sd), _phi((self.high - self.mean_) / self.sd)
        if b - a < 1e-9:
            raise ValueError("the interval [low, high] holds almost none of the normal's mass")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self._ab is None:  # scipy's ndtr, to the bit, as the draws always used
            self._ab = (float(ndtr((self.low - self.mean_) / self.sd)), float(ndtr((self.high - self.mean_) / self.sd)))
        a, b = self._ab
        u = a + rng.random(n) * (b - a)
        x = self.mean_ + self.sd * ndtri(np.clip(u, 1e-12, 1 - 1e-12))
        return np.clip(x, self.low, self.high)

    def ppf(self, q: float) -> float:
        a, b = (self.low - self.mean_) / self.sd, (self.high - self.mean_) / self.sd
        return float(_st.truncnorm.ppf(q, a, b, loc=self.mean_, scale=self.sd))

    def mean(self) -> float:
        return float(self.sample(np.random.default_rng(0), 4000).mean())


class LogNormal(_Dist):
    """exp(Normal(log median, sigma)): heavy right tail, e.g. posting rates."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(ge=0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.median * np.exp(self.sigma * rng.standard_normal(n))

    def ppf(self, q: float) -> float:
        return float(self.median * math.exp(self.sigma * _norm_ppf(q)))  # sigma may be 0 (a constant)

    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)


class Pareto(_Dist):
    """Pareto type I with minimum ``scale`` and tail index ``alpha`` (power law)."""

    dist: Literal["pareto"]
    alpha: float = Field(gt=0)
    scale: float = Field(gt=0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.scale * (1.0 + rng.pareto(self.alpha, n))

    def ppf(self, q: float) -> float:
        return float(self.scale * (1.0 - q) ** (-1.0 / self.alpha))

    def mean(self) -> float:
        return math.inf if self.alpha <= 1 else self.alpha * self.scale / (self.alpha - 1)


class Choice(_Dist):
    """One of ``values``, with probabilities proportional to ``weights`` (equal if omitted)."""

    dist: Literal["choice"]
    values: list[float] = Field(min_length=1)
    weights: list[Annotated[float, Field(ge=0)]] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None and (len(self.weights) != len(self.values) or sum(self.weights) <= 0):
            raise ValueError("weights need one non-negative number per value, not all zero")
        return self

    def _p(self) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights, dtype=float)
        return w / w.sum()

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.asarray(self.values, dtype=float)[rng.choice(len(self.values), size=n, p=self._p())]

    def ppf(self, q: float) -> float:
        order = np.argsort(self.values, kind="stable")
        cum = np.cumsum(self._p()[order])
        return float(np.asarray(self.values)[order][min(int(np.searchsorted(cum, q - 1e-12)), len(cum) - 1)])

    def mean(self) -> float:
        return float(np.dot(self.values, self._p()))


class Integers(_Dist):
    """A whole number from ``low`` to ``high``, both included, equally likely."""

    dist: Literal["integers"]
    low: int
    high: int

    @model_validator(mode="after")
    def _order(self) -> Integers:
        if self.high < self.low:
            raise ValueError("high must be >= low")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.integers(self.low, self.high + 1, n).astype(float)

    def ppf(self, q: float) -> float:
        return float(_st.randint.ppf(q, self.low, self.high + 1))

    def mean(self) -> float:
        return (self.low + self.high) / 2


class Poisson(_Dist):
    """Poisson with mean ``lam``: counts."""

    dist: Literal["poisson"]
    lam: float = Field(ge=0)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.poisson(self.lam, n).astype(float)

    def ppf(self, q: float) -> float:
        return float(_st.poisson.ppf(q, self.lam)) if self.lam > 0 else 0.0

    def mean(self) -> float:
        return float(self.lam)


class Binomial(_Dist):
    """Successes in ``n`` trials of chance ``p``."""

    dist: Literal["binomial"]
    n: int = Field(ge=0)
    p: float = Field(ge=0, le=1)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.binomial(self.n, self.p, n).astype(float)

    def ppf(self, q: float) -> float:
        return float(_st.binom.ppf(q, self.n, self.p))

    def mean(self) -> float:
        return float(self.n * self.p)


def _read_values(name: str) -> list[float]:
    """Numbers from the first column of a CSV or text file (a first row that is not a number is a header)."""
    p = data_path(name, "empirical values")
    out: list[float] = []
    with p.open(newline="", encoding="utf-8") as fh:
        for k, row in enumerate(csv.reader(fh)):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            try:
                out.append(float(row[0]))
            except ValueError:
                if k == 0:
                    continue
                raise ValueError(f"empirical values file {name!r}, row {k + 1}: {row[0]!r} is not a number") from None
    return out


class Empirical(_Dist):
    """Resampled with replacement from observed ``values`` (given, or read from ``file`` at validation)."""

    dist: Literal["empirical"]
    values: list[float] = Field(min_length=1)
    file: str | None = Field(default=None, description="CSV or text file, one number a row; read once, at validation.")

    @model_validator(mode="before")
    @classmethod
    def _from_file(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("file") and not data.get("values"):
            data = {**data, "values": _read_values(str(data["file"]))}
        return data

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.asarray(self.values, dtype=float)[rng.integers(0, len(self.values), n)]

    def ppf(self, q: float) -> float:
        return float(np.quantile(np.asarray(self.values, dtype=float), q, method="inverted_cdf"))

    def mean(self) -> float:
        return float(np.mean(self.values))


Dist = Annotated[
    Union[Constant, Uniform, TruncNormal, LogNormal, Pareto, Choice, Integers, Poisson, Binomial, Empirical],
    Field(discriminator="dist"),
]
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
    """The smallest and largest value ``param`` can take (its support)."""
    if isinstance(param, (int, float)):
        return float(param), float(param)
    if isinstance(param, list):
        return (min(param), max(param)) if param else (0.0, 0.0)
    if isinstance(param, Constant):
        return param.value, param.value
    if isinstance(param, (Uniform, TruncNormal, Integers)):
        return float(param.low), float(param.high)
    if isinstance(param, LogNormal):
        return (0.0 if param.sigma else param.median), (math.inf if param.sigma else param.median)
    if isinstance(param, (Choice, Empirical)):
        return float(min(param.values)), float(max(param.values))
    if isinstance(param, Poisson):
        return 0.0, (math.inf if param.lam > 0 else 0.0)
    if isinstance(param, Binomial):
        return 0.0, float(param.n)
    return param.scale, math.inf


__all__ = [
    "Binomial", "Choice", "Constant", "Dist", "Empirical", "Integers", "LogNormal", "Param", "Pareto", "Poisson",
    "TruncNormal", "Uniform", "data_path", "param_bounds", "sample", "scenario_folder", "typical",
]
