"""Hypothesis strategies shared by the test suite: small random scenarios."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from sim.scenario import Scenario


@st.composite
def scenario_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A small valid scenario (as plain data) mixing members, an operator, spammers and rules."""
    initial = draw(st.integers(2, 50))
    population: list[dict[str, Any]] = [
        {
            "role": "member",
            "share": 1.0,
            "params": {
                "post_rate": {"dist": "lognormal", "median": draw(st.floats(0.05, 3.0)), "sigma": draw(st.floats(0, 2))},
                "mute_threshold": draw(st.floats(0.1, 0.9)),
                "leave_threshold": draw(st.floats(0.0, 0.5)),
                "ad_annoyance": draw(st.floats(0.0, 0.2)),
            },
        },
    ]
    if draw(st.booleans()):
        population.append({"role": "operator", "count": 1, "params": {"content_per_day": draw(st.floats(0, 6))}})
    spammers = draw(st.integers(0, 4))
    if spammers:
        population.append(
            {
                "role": "ad_spammer",
                "count": spammers,
                "params": {"join_day": {"dist": "uniform", "low": 0, "high": 2}, "ad_rate": draw(st.floats(1, 40))},
            }
        )
    has_operator = any(p["role"] == "operator" for p in population)
    executor = draw(st.sampled_from(["bot", "operator"])) if has_operator else "bot"
    rules = draw(
        st.sampled_from(
            [
                [],
                [{"use": "ban_ads_and_links", "params": {"kick_after": 1}, "executor": executor}],
                [
                    {"use": "ban_ads_and_links", "executor": executor},
                    {"use": "flood_limit", "params": {"max_messages": 2, "window_seconds": 600}},
                ],
            ]
        )
    )
    return {
        "name": "random",
        "seed": draw(st.integers(0, 2**31)),
        "duration_days": draw(st.floats(0.5, 3.0)),
        "group": {
            "capacity": draw(st.integers(initial, initial + 20)),
            "initial_members": initial,
            "arrivals": {"rate_per_day": draw(st.floats(0, 20))},
            "social": {"mean_friends": draw(st.integers(0, 6))},
        },
        "population": population,
        "ruleset": {"name": "random", "rules": rules},
        "outcomes": {"stop_on_outcome": draw(st.booleans())},
    }


def scenarios() -> st.SearchStrategy[Scenario]:
    return scenario_dicts().map(Scenario.model_validate)
