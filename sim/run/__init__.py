"""The run layer: one scenario with one seed built, run and summarised; replications; portfolios.

Modules: ``engine`` (:class:`Simulation` wires the model's parts and implements
their World), ``summary`` (a run's summary metrics, declared in
sim/base/metrics.py), ``runner`` (replications, the tables and files a run
writes), ``portfolio`` (several groups under one operator). Import the modules
themselves; this package re-exports nothing.
"""

from __future__ import annotations

__all__: list[str] = []
