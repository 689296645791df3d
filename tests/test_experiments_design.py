"""Sweep files: factors by dotted path, designs, and errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import InputError
from sim.experiments.design import Factor, plan_sweep, set_path
from tests.experiments_helpers import ROOT, sweep_file


def test_set_path_reaches_lists_and_nested_fields() -> None:
    data = {"a": [{"b": 1}, {"b": 2}], "c": {"d": None}}
    assert set_path(data, "a.1.b", 5) == {"a": [{"b": 1}, {"b": 5}], "c": {"d": None}}
    assert set_path(data, "c.d", 3)["c"]["d"] == 3
    assert data["a"][1]["b"] == 2  # the input is not mutated
    with pytest.raises(KeyError, match="list of 2"):
        set_path(data, "a.7.b", 1)
    with pytest.raises(KeyError, match="no field 'x'"):
        set_path(data, "x.y", 1)


def test_grid_design_builds_validated_variants(tmp_path: Path) -> None:
    plan = plan_sweep(sweep_file(tmp_path))
    assert len(plan.points) == 4 and plan.seeds == [5, 6]
    values = [p.values for p in plan.points]
    assert {"ad_rate": 30, "kick_after": 3} in values
    p = next(p for p in plan.points if p.values == {"ad_rate": 30, "kick_after": 3})
    assert p.scenario.population[2].params.ad_rate == 30
    assert p.scenario.ruleset.rules[0].params["kick_after"] == 3  # type: ignore[union-attr]
    assert plan.base.population[2].params.ad_rate == 8.0  # the base is untouched


@pytest.mark.parametrize(
    ("design", "n"),
    [("{method: random, samples: 5, seed: 1}", 5), ("{method: lhs, samples: 6, seed: 1}", 6),
     ("{method: sobol, samples: 4, seed: 1}", 16), ("{method: morris, samples: 3, seed: 1}", 9)],
)
def test_sampled_designs_have_the_expected_size_and_are_reproducible(tmp_path: Path, design: str, n: int) -> None:
    factors = (
        "  - {name: ad_rate, path: population.2.params.ad_rate, low: 1, high: 40}\n"
        "  - {name: capacity, path: group.capacity, low: 60, high: 500, integer: true}\n"
    )
    path = sweep_file(tmp_path, design, factors=factors)
    a, b = plan_sweep(path), plan_sweep(path)
    assert len(a.points) == n
    assert [p.values for p in a.points] == [p.values for p in b.points]
    for p in a.points:
        assert 1 <= p.values["ad_rate"] <= 40 and isinstance(p.values["capacity"], int)


def test_lhs_is_a_latin_hypercube(tmp_path: Path) -> None:
    factors = "  - {name: ad_rate, path: population.2.params.ad_rate, low: 0, high: 10}\n"
    plan = plan_sweep(sweep_file(tmp_path, "{method: lhs, samples: 10, seed: 3}", factors=factors))
    strata = sorted(int(p.values["ad_rate"]) for p in plan.points)
    assert strata == list(range(10))


def test_a_bad_path_names_the_sweep_file_and_line(tmp_path: Path) -> None:
    factors = "  - {name: x, path: population.2.params.ad_rat, values: [1]}\n  - {path: group.nope.x, values: [1]}\n"
    path = sweep_file(tmp_path, factors=factors)
    with pytest.raises(InputError) as err:
        plan_sweep(path)
    text = err.value.render()
    assert f"{path}:5: factors[1].path: group has no field 'nope'" in text


def test_a_bad_value_names_the_factor_and_point(tmp_path: Path) -> None:
    factors = "  - {name: cap, path: group.capacity, values: [100, -5]}\n"
    path = sweep_file(tmp_path, factors=factors)
    with pytest.raises(InputError) as err:
        plan_sweep(path)
    text = err.value.render()
    assert f"{path}:4: factors[0] (group.capacity): point 1 (cap=-5) is not a valid scenario" in text
    assert "greater than or equal to 1" in text


def test_a_misspelled_sweep_field_is_reported_with_its_line(tmp_path: Path) -> None:
    path = sweep_file(tmp_path, extra="sedes: 3\n")
    with pytest.raises(InputError) as err:
        plan_sweep(path)
    assert f"{path}:9: sedes: unknown field" in err.value.render()


def test_factor_needs_range_or_values() -> None:
    with pytest.raises(ValueError, match="either"):
        Factor(path="group.capacity")
    assert Factor(path="a.b", low=1, high=4, integer=True).grid() == [1, 2, 4]
    assert Factor(path="a.b", low=0, high=1).at(0.5) == 0.5


def test_bundled_sweep_files_are_valid() -> None:
    from sim.experiments.optimize import load_search

    plan = plan_sweep(ROOT / "scenarios" / "sweeps" / "spam_pressure.yaml")
    assert plan.spec.design.method == "sobol" and len(plan.points) == 8 * (len(plan.spec.factors) + 2)
    search = load_search(ROOT / "scenarios" / "sweeps" / "moderation_search.yaml")
    assert search.multi
