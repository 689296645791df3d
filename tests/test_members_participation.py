"""Participation inequality that emerges (issue 16 item 3): 90-9-1 shares from heterogeneous rates, tiers as labels."""

from __future__ import annotations

import numpy as np
import pytest

from sim.base.stats import mean_interval
from sim.model.members.participation import BANDS, gini, labels, shares
from sim.run.engine import run_scenario
from sim.spec.scenario import Scenario


def test_shares_and_labels_by_hand() -> None:
    posts = np.array([50, 30, 10, 5, 5] + [0] * 95)  # 100 members: the top 1 is one member, the top 10 ten
    s = shares(posts)
    assert s["top1_share"] == pytest.approx(0.5) and s["next9_share"] == pytest.approx(0.5) and s["rest90_share"] == 0.0
    lab = labels(posts)
    assert lab[0] == "superuser" and set(lab[1:5]) == {"contributor"} and set(lab[5:]) == {"lurker"}
    assert gini(np.ones(10)) == 0.0 and gini(np.r_[np.zeros(9), 1.0]) == pytest.approx(0.9)
    assert np.isnan(shares(np.zeros(5))["top1_share"])


def _default_group(seed: int, post_rate: object = None) -> dict[str, float]:
    params = {} if post_rate is None else {"post_rate": post_rate}
    return run_scenario(Scenario.model_validate({
        "name": "participation", "duration_days": 30, "group": {"initial_members": 300},
        "population": [{"role": "member", "share": 1.0, "params": params}, {"role": "operator", "count": 1}],
        "outcomes": {"stop_on_outcome": False},
    }), seed).summary


@pytest.mark.slow
def test_default_members_fall_in_the_90_9_1_bands_and_equal_rates_do_not() -> None:
    """30 seeds of 300 default members for 30 days: each share's mean in its band, Gini's interval too.

    Ablation: the same mean rate for everyone (no heterogeneity) leaves the top 1% near 1/100 of the posts.
    """
    runs = [_default_group(s) for s in range(30)]
    for key, (lo, hi) in BANDS.items():
        m, ci_lo, ci_hi = mean_interval([r[key] for r in runs])
        assert lo <= m <= hi, (key, m, ci_lo, ci_hi)
    g, g_lo, _ = mean_interval([r["posts_gini"] for r in runs])
    assert g_lo >= BANDS["posts_gini"][0], (g, g_lo)
    flat = [_default_group(s, 0.225) for s in range(10)]
    assert max(r["top1_share"] for r in flat) < BANDS["top1_share"][0] / 5
    assert max(r["posts_gini"] for r in flat) < 0.5
