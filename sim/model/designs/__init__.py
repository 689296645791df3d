"""Group designs: entry policies, the activities calendar, lifecycle and business results.

Modules: ``entry`` (the gate and :class:`NoGate`), ``activities``
(``Calendar``), ``lifecycle`` (``LifecycleClock``), ``business``
(``BusinessLedger``). Import the modules themselves.
"""

from __future__ import annotations

__all__: list[str] = []
