"""A team's CI checks of its group designs, with groupsim's pytest plugin and toolkit.

Two of these are meant to fail (see the project's tests/test_testing_toolkit.py):
the free-for-all group does not survive, and by-hand moderation lets an ad stand
longer than an hour when it is posted at night.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings

from sim.spec.scenario import load_scenario

from sim.testing import (
    ads_gone_within,
    assert_better,
    assert_survival,
    check,
    counterexample_file,
    membership_consistent,
    record,
    scenarios_around,
    staff_never_sanctioned,
)

HERE = Path(__file__).resolve().parent
WELCOME = HERE.parent / "scenarios" / "welcome_group.yaml"
FREE = HERE.parent / "scenarios" / "free_for_all.yaml"


def test_rules_never_hit_staff(groupsim_scenarios) -> None:
    for name, scenario in groupsim_scenarios.items():
        check(record(scenario), staff_never_sanctioned, membership_consistent, source=f"scenarios/{name}.yaml")


def test_welcome_group_survives() -> None:
    assert_survival(WELCOME, at_least=0.6, seeds=8, workers=1)


def test_free_for_all_survives() -> None:  # fails: it turns into an ad group
    assert_survival(FREE, at_least=0.6, seeds=8, workers=1)


def test_moderation_beats_none_on_survival() -> None:
    assert_better(WELCOME, FREE, "survival", seeds=8, workers=1)


@settings(max_examples=25, deadline=None, database=None)
@given(scenarios_around(load_scenario(WELCOME), {"population.2.count": (0, 8)}))
@counterexample_file(HERE / "counterexamples" / "ads_stay.yaml")
def test_ads_gone_within_an_hour(scenario) -> None:  # fails: the operator sleeps at night
    check(record(scenario), ads_gone_within(60))
