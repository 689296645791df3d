"""The specification layer: scenario files as frozen, validated pydantic models.

Modules: ``scenario`` (the scenario, its group and population), ``cast_params``
and ``design_params`` (roles' and designs' parameters), ``contract`` (checks
across fields: what ``validate`` accepts, ``run`` runs), ``bundled`` (the
scenarios shipped with the package, by name). Import the modules themselves;
this package re-exports nothing.
"""

from __future__ import annotations

__all__: list[str] = []
