"""The model of one group: its members, staff, adversaries, moderation and design.

Every part is built with a :class:`~sim.model.world.World` (sim/model/world.py),
the narrow view of a run that names what the parts may read and the commands
they may issue; no module here imports the run layer (sim/run/). Packages:
``members`` (roster, building, visits and review, posting, joining and
leaving, cascades), ``staff`` (the operator or :class:`NoOperator`, admins,
KOLs, shills), ``adversaries`` (spammers, poachers, brigades, incidents, their
accounts), ``designs`` (entry, activities, lifecycle, business). Modules:
``messages``, ``moderation`` (routing rule actions), ``effects`` (the table of
what each action does), ``ticks`` (the hourly round, the daily record and the
outcome), ``outcomes``, ``timeline`` (scheduling and the stop), ``shared`` (a
portfolio's ties, or :class:`NoPortfolio`), ``registry`` (role builders).
Import the modules themselves; this package re-exports nothing.
"""

from __future__ import annotations

__all__: list[str] = []
