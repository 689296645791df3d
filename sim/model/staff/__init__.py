"""Staff: the operator (or the null operator), admins, KOLs, the warm-up crew and volunteer admins.

Modules: ``operator`` (the owner/operator and :class:`NoOperator`), ``crew``
(admins, KOLs, shills, volunteer admins). Import the modules themselves.
"""

from __future__ import annotations

__all__: list[str] = []
