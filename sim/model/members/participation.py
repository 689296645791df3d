"""Participation inequality as it emerges, and tiers as labels read off behaviour (issue 16 item 3).

Nobody is told how much to write: each member draws their own posting rate
(lognormal, docs/MODEL.md "Members"), posts only as far as their engagement
lets them, answers open questions and reacts to what they read. The shares of
content written by the top 1%, the next 9% and the other 90% of members, and
the Gini coefficient of posts per member, are measured afterwards and compared
with the published 90-9-1 bands (Nielsen 2006; van Mierlo 2014). The
behaviour-derived tiers -- superuser, contributor, lurker -- are labels from
the same ranking, never inputs: a seed that needs a tier mix (the super-user
group's 30/70) still sets it with ``tier`` as a design input.
"""

from __future__ import annotations

import math

import numpy as np

BANDS: dict[str, tuple[float, float]] = {
    "top1_share": (0.60, 0.90),
    "next9_share": (0.10, 0.35),
    "rest90_share": (0.0, 0.10),
    "posts_gini": (0.90, 1.0),
}
"""Published 90-9-1 bands the default population is tested against (docs/MODEL.md, "Participation inequality").

van Mierlo (2014, J Med Internet Res 16(2):e33; four health communities, 578,349
posts) found weighted shares 74.7% (top 1%), 24.0% (next 9%), 1.3% (other 90%);
the bands are those values ±15 points, with the bottom band widened to 10%
(Nielsen 2006: the 90% "never contribute", a small share). The Gini band is what
those class shares imply: the Lorenz curve through them gives 0.95 at least."""


def shares(posts: np.ndarray) -> dict[str, float]:
    """Shares of all posts written by the top 1%, next 9% and other 90% of members.

    Members are ranked by their posts (ties in any order: the shares do not
    depend on it); the top 1% is ``ceil(n/100)`` members, the top 10%
    ``ceil(n/10)``. NaN when nobody posted.
    """
    x = np.sort(np.asarray(posts, dtype=float))[::-1]
    n, total = len(x), float(np.sum(posts))
    if n == 0 or total <= 0:
        nan = math.nan
        return {"top1_share": nan, "next9_share": nan, "rest90_share": nan}
    k1, k10 = math.ceil(n / 100), math.ceil(n / 10)
    top1, top10 = float(x[:k1].sum()) / total, float(x[:k10].sum()) / total
    return {"top1_share": top1, "next9_share": top10 - top1, "rest90_share": 1.0 - top10}


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 equal, 1 one holds all)."""
    x = np.sort(np.asarray(values, dtype=float))
    n, total = len(x), float(x.sum())
    if n == 0 or total <= 0:
        return 0.0
    return float((2.0 * np.arange(1, n + 1) - n - 1).dot(x) / (n * total))


def labels(posts: np.ndarray) -> np.ndarray:
    """Behaviour-derived tiers: ``superuser`` (top 1% by posts), ``contributor`` (next 9%, if they posted), ``lurker``.

    Ties are broken by member order (stable ranking); a member who never posted
    is a lurker whatever their rank.
    """
    x = np.asarray(posts, dtype=float)
    n = len(x)
    out = np.full(n, "lurker", dtype=object)
    if n == 0:
        return out
    rank = np.argsort(-x, kind="stable")
    k1, k10 = math.ceil(n / 100), math.ceil(n / 10)
    out[rank[:k10]] = "contributor"
    out[rank[:k1]] = "superuser"
    out[x <= 0] = "lurker"
    return out


__all__ = ["BANDS", "gini", "labels", "shares"]
