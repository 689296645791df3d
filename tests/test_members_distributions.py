"""Discrete and empirical distributions (issue 16 item 9): draws, supports, quantiles, and validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from sim.base.params import Dist, param_bounds, sample
from sim.base.stats import mean_interval
from sim.run.engine import Simulation
from sim.spec.contract import quantile
from sim.spec.scenario import Scenario, load_scenario

DIST = TypeAdapter(Dist)

CASES = [
    ({"dist": "choice", "values": [1, 2, 5], "weights": [0.5, 0.3, 0.2]}, 1 * 0.5 + 2 * 0.3 + 5 * 0.2),
    ({"dist": "integers", "low": 0, "high": 9}, 4.5),
    ({"dist": "poisson", "lam": 3.5}, 3.5),
    ({"dist": "binomial", "n": 10, "p": 0.3}, 3.0),
    ({"dist": "truncnorm", "mean": 0.3, "sd": 0.1, "low": 0, "high": 1}, 0.3),
    ({"dist": "empirical", "values": [0.5, 1, 4, 12]}, 4.375),
]


@pytest.mark.parametrize(("spec", "mean"), CASES, ids=lambda c: c["dist"] if isinstance(c, dict) else "")
def test_draws_stay_in_the_support_and_average_the_mean(spec: dict[str, object], mean: float) -> None:
    d = DIST.validate_python(spec)
    x = sample(d, np.random.default_rng(1), 20_000)
    lo, hi = param_bounds(d)
    assert lo <= x.min() and x.max() <= hi
    _, a, b = mean_interval(x, level=0.999)
    assert a <= mean <= b and abs(d.mean() - mean) < 1e-2


@pytest.mark.parametrize(("spec", "mean"), CASES, ids=lambda c: c["dist"] if isinstance(c, dict) else "")
def test_quantiles_match_the_draws(spec: dict[str, object], mean: float) -> None:
    d = DIST.validate_python(spec)
    x = sample(d, np.random.default_rng(2), 20_000)
    for q in (0.1, 0.5, 0.9):
        assert quantile(d, q - 0.02) <= float(np.quantile(x, q)) <= quantile(d, q + 0.02)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20), st.integers(0, 2**31))
@settings(max_examples=50, deadline=None)
def test_empirical_draws_only_its_values(values: list[float], seed: int) -> None:
    d = DIST.validate_python({"dist": "empirical", "values": values})
    assert set(sample(d, np.random.default_rng(seed), 50).tolist()) <= set(values)


@given(st.integers(-50, 50), st.integers(0, 50), st.integers(0, 2**31))
@settings(max_examples=50, deadline=None)
def test_integers_are_whole_and_inclusive(low: int, width: int, seed: int) -> None:
    d = DIST.validate_python({"dist": "integers", "low": low, "high": low + width})
    x = sample(d, np.random.default_rng(seed), 200)
    assert (x == np.round(x)).all() and low <= x.min() and x.max() <= low + width


def test_bad_parameters_are_refused() -> None:
    for bad in (
        {"dist": "choice", "values": []},
        {"dist": "choice", "values": [1, 2], "weights": [1]},
        {"dist": "choice", "values": [1, 2], "weights": [0, 0]},
        {"dist": "integers", "low": 3, "high": 2},
        {"dist": "poisson", "lam": -1},
        {"dist": "binomial", "n": 5, "p": 1.5},
        {"dist": "empirical", "values": []},
    ):
        with pytest.raises(ValidationError):
            DIST.validate_python(bad)


def _member(**params: object) -> dict[str, object]:
    return {"name": "d", "duration_days": 1, "population": [{"role": "member", "count": 20, "params": params}]}


@pytest.mark.parametrize("rate", [
    {"dist": "integers", "low": -2, "high": 3},
    {"dist": "choice", "values": [-1, 1]},
    {"dist": "empirical", "values": [2, -0.5]},
    {"dist": "truncnorm", "mean": 1, "sd": 1},
    -1.0,
])
def test_validate_refuses_a_rate_that_can_be_negative(rate: object) -> None:
    with pytest.raises(ValidationError, match="cannot be negative"):
        Scenario.model_validate(_member(check_rate=rate))


def test_integer_thresholds_reach_the_members() -> None:
    """A crowd with integer cascade thresholds, no workaround: each member holds a whole number in range."""
    sim = Simulation(Scenario.model_validate(_member(leave_cascade_threshold={"dist": "integers", "low": 1, "high": 4})), 1)
    thr = sim.roster.thr_leave[: sim.roster.n]
    assert set(thr.tolist()) <= {1.0, 2.0, 3.0, 4.0} and len(set(thr.tolist())) > 1


def test_empirical_file_next_to_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "visits.csv").write_text("visits_per_day\n0.5\n1\n4\n12\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        "name: e\nduration_days: 1\npopulation:\n"
        "  - {role: member, count: 5, params: {check_rate: {dist: empirical, file: visits.csv}}}\n",
        encoding="utf-8",
    )
    d = load_scenario(tmp_path / "s.yaml").population[0].params.check_rate
    assert d.values == [0.5, 1.0, 4.0, 12.0]  # type: ignore[union-attr]
