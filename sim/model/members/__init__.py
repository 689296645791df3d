"""Members: who is in the group, what they read, post, feel, and when they leave.

Modules: ``roster`` (per-member state arrays), ``build`` (drawing members'
parameters, visits and candidate posts), ``timing`` (bursty priority-list
timing, referrals), ``cascades`` (Granovetter thresholds, imitation and
chilling). Import the modules themselves; this package re-exports nothing, so
importing one never pulls in the others.
"""

from __future__ import annotations

__all__: list[str] = []
