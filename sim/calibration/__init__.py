"""Calibration: a scenario fitted to a real group's chat log, each number with its interval (issue 19)."""

from __future__ import annotations

from sim.calibration.fit import Estimate, RateFit, fit_rates, poisson_rate, profile
from sim.calibration.observe import Observed, burstiness, from_run_log, gini, observe, top_shares

__all__ = ["Estimate", "Observed", "RateFit", "burstiness", "fit_rates", "from_run_log", "gini", "observe",
           "poisson_rate", "profile", "top_shares"]
