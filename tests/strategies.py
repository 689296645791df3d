"""Hypothesis strategies for the project's own tests: the same ones users get from sim.testing."""

from __future__ import annotations

from sim.testing.strategies import scenario_dicts, scenarios

__all__ = ["scenario_dicts", "scenarios"]
