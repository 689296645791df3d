"""Adversaries: ad spammers, poachers, competitor brigades, incidents, and their accounts.

Modules: ``spammers`` (ad spammers and :class:`AdversaryLedger`), ``venues`` (where an ad
pays: the charter, the ad board, the decision rule), ``poachers``,
``attacks`` (brigades, complaint waves), ``accounts`` (the cast's summary
figures). Import the modules themselves.
"""

from __future__ import annotations

__all__: list[str] = []
