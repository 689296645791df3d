"""The worker pool, where it always was for experiment code: it lives in :mod:`sim.run.pool` now.

``groupsim run`` (sim/run/runner.py) uses the same warm pool as sweeps and
comparisons, so it moved one layer down; this module keeps the old import path.
"""

from __future__ import annotations

from sim.run.pool import TaskError, WorkerDied, WorkerPool, shared_pool

__all__ = ["TaskError", "WorkerDied", "WorkerPool", "shared_pool"]
