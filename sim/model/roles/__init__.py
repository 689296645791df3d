"""The cast of a group beyond the foundation's members and owner.

Modules: ``members`` (bursty timing, referral), ``cascades`` (Granovetter
thresholds, trust loss, imitation and chilling), ``staff`` (admins, KOLs,
shills, volunteer admins), ``adversaries`` (ad spammers, poachers, ledgers),
``attacks`` (competitor brigade, complaint waves) and ``registry`` (role name
-> builder; plugins by the entry-point group ``groupsim.roles``). Import the
modules themselves; this package re-exports nothing, so importing one of them
never pulls in the others.
"""

from __future__ import annotations

__all__: list[str] = []
