"""Members' summary metrics (issue 16): what legitimate members lived through, by mechanism.

:func:`member_metrics` is called by the run summary (sim/run/summary.py); every
key it returns is declared in the metrics catalogue (sim/base/metrics.py,
``_MEMBERS``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sim.model.members.membership import Membership
from sim.model.members.posting import Posting

if TYPE_CHECKING:
    from sim.model.world import World


def member_metrics(world: World) -> dict[str, Any]:
    """The members' metrics of a finished run."""
    membership = cast(Membership, world.membership)
    return {
        "friend_exits": membership.friend_exits.exits,
        **cast(Posting, world.posting).harmful.metrics(),
        **cast(Posting, world.posting).reports.metrics(),
        **cast(Posting, world.posting).norms.metrics(),
        **cast(Posting, world.posting).forwarding.metrics(),
    }


__all__ = ["member_metrics"]
