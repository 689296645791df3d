"""Members: who is in the group, what they read, post, feel, and when they leave.

Modules: ``roster`` (per-member state arrays and the messages),
``population`` (building every agent from the population entries), ``build``
(drawing members' parameters, visits and candidate posts), ``timing`` (bursty
priority-list timing, referrals), ``membership`` (joining and leaving),
``posting`` (chatter, questions and answers, complaints), ``review`` (the
hourly review: reading, satisfaction, muting, leaving), ``cascades``
(Granovetter thresholds, imitation and chilling). Import the modules themselves; this package re-exports nothing, so
importing one never pulls in the others.
"""

from __future__ import annotations

__all__: list[str] = []
