"""Calibration: a scenario fitted to a real group's chat log, each number with its interval (issue 19)."""

from __future__ import annotations

from sim.calibration.fit import Estimate, RateFit, fit_rates, poisson_rate, profile
from sim.calibration.observe import Observed, burstiness, from_run_log, gini, observe, top_shares
from sim.calibration.scenario import Calibration, calibrate, correct, to_yaml

__all__ = ["Calibration", "Estimate", "Observed", "RateFit", "burstiness", "calibrate", "correct", "fit_rates",
           "from_run_log", "gini", "observe", "poisson_rate", "profile", "to_yaml", "top_shares"]
