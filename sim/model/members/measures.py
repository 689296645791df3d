"""Members' summary metrics (issue 16): what legitimate members lived through, by mechanism.

:func:`member_metrics` is called by the run summary (sim/run/summary.py); every
key it returns is declared in the metrics catalogue (sim/base/metrics.py,
``_MEMBERS``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from sim.model.members.membership import Membership
from sim.model.members.participation import shares
from sim.model.members.posting import Posting
from sim.model.members.timing import population_burstiness
from sim.model.roster import LEGIT

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
        **participation_metrics(world),
        **path_metrics(world),
    }


def participation_metrics(world: World) -> dict[str, Any]:
    """Who wrote the content (top 1%, next 9%, other 90% of members ever in the group) and how bursty members post.

    ``post_burstiness`` is the population burstiness of legitimate members'
    messages in effective (diurnal) time, so the daily rhythm does not count as bursts
    (sim/model/members/timing.py, :func:`population_burstiness`).
    """
    g = world.roster
    n = g.n
    members = g.ever_joined[:n] & g.reader[:n]
    msgs = g.messages
    sender = np.fromiter((m.sender for m in msgs), np.int64, len(msgs))
    time = np.fromiter((m.time for m in msgs), np.float64, len(msgs))
    legit = (g.truth[sender] == LEGIT) & members[sender] if len(msgs) else np.zeros(0, bool)
    return {
        **shares(np.asarray(g.posts, dtype=np.int64)[:n][members]),
        "post_burstiness": population_burstiness(sender[legit], world.clock.effective(time[legit])),
    }


def path_metrics(world: World) -> dict[str, Any]:
    """The seeds' mechanisms, by who lived them (issue 15 item 5; docs/MODEL.md, "Causal paths")."""
    g = world.roster
    role_models = getattr(world.cascades, "role_models", None)
    models = role_models.model_entries if role_models is not None else set()
    senders = [m.sender for m in g.messages]
    potential = sum(1 for i in senders if g.truth[i] == LEGIT and g.reader[i] and int(g.entry[i]) not in models)
    n = g.n
    members = g.ever_joined[:n] & g.reader[:n] & (g.truth[:n] == LEGIT)
    potentials = int(sum(1 for i in np.flatnonzero(members).tolist() if int(g.entry[i]) not in models))
    return {
        "welcomed": len(getattr(world.membership, "welcomed", ())),
        "operator_answers": int(getattr(world.operator, "answers", 0)),
        "volunteer_answers": int(getattr(world.review, "volunteer_answers", 0)),
        "gift_referrals": int(getattr(world.calendar, "invited", 0)),
        "converted_super_users": len(role_models.converted) if role_models is not None else 0,
        "potential_posts_per_member": potential / potentials if potentials else float("nan"),
    }


__all__ = ["member_metrics", "participation_metrics", "path_metrics"]
