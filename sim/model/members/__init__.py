"""Members: who is in the group, what they read, post, feel, and when they leave.

The member-state arrays every part reads live one level up
(:mod:`sim.model.roster`), as does building the whole population from its
entries (:mod:`sim.model.population`), so that staff and adversaries can read
the roster without importing members. Modules here: ``build``
(drawing members' parameters, visits and candidate posts), ``timing`` (bursty
priority-list timing, referrals), ``membership`` (joining and leaving),
``posting`` (chatter, questions and answers, complaints), ``review`` (the
hourly review: reading, satisfaction, muting, leaving), ``cascades``
(Granovetter thresholds, imitation and chilling), ``friends`` (the social
graph's generators and files, friend exits), ``harmful`` (harmful messages read
in continuous time, viewer by viewer), ``reports`` (members' reports with
reporter, message, time and reason), ``watched`` (other messages followed
exactly: norm violations, red packets), ``norms`` (norms and metanorms:
violations, rebukes, the rules' view of removals), ``forwarding`` (forwards
outside the group and into a portfolio's other groups), ``participation`` (the
90-9-1 shares and behaviour-derived tier labels), ``measures`` (the
members' summary metrics). Import the modules themselves; this package re-exports nothing, so
importing one never pulls in the others.
"""

from __future__ import annotations

__all__: list[str] = []
