"""The base layer: what every other layer may use, and which uses nothing of groupsim above it.

Modules: ``params`` (behaviour parameters: constants, distributions, lists),
``schema`` (the frozen, finite base of every configuration model), ``streams``
(random streams spawned per subsystem and agent from one seed), ``clock``
(minutes, the diurnal profile, Poisson times), ``records`` (the columnar event
log and its digest), ``metrics`` (the catalogue: what each summary metric
means), ``stats`` (every interval and test, on scipy), ``files`` and
``results_dir`` (atomic result files and folders), ``chatlog`` (real chat
exports in, as normalised pseudonymous events). Import the modules themselves;
this package re-exports nothing.
"""

from __future__ import annotations

__all__: list[str] = []
