"""How well a calibrated scenario fits its log: goodness of fit for each part, with figures.

The fitted scenario is simulated on a few seeds and each part is held against
the log: inter-message times (two-sample Kolmogorov-Smirnov statistic and
p-value), the hourly profile (largest difference of shares, and a chi-square
test of the observed hours against the simulated profile), and participation
inequality (Gini and the Lorenz curve of messages per member). What no
parameter sets (leaving, group size, burstiness, replies, forms) is shown as
the log's estimate with its interval beside the simulated value. Writes
``fit.json`` (the figures), ``fit.md`` (for a person) and four PNG figures.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from sim.calibration.clustered import burstiness_estimate
from sim.calibration.observe import Observed, burstiness, from_run_log, gini, observe
from sim.calibration.scenario import Calibration


def _lorenz(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.sort(values)
    cum = np.concatenate([[0.0], np.cumsum(x)]) / max(x.sum(), 1e-12)
    return np.linspace(0, 1, len(cum)), cum


def _interval(e: object) -> list[float] | None:
    """[estimate, low, high] of an Estimate (None when absent)."""
    return None if e is None else [float(e.value), float(e.low), float(e.high)]  # type: ignore[attr-defined]


def _sizes(obs: Observed, initial: int) -> list[int]:
    """Group size at the end of each day of ``obs``: ``initial`` plus joins minus leaves and kicks."""
    size, out = initial, []
    for day in range(int(obs.start // 86_400), int(obs.end // 86_400) + 1):
        size += obs.day_joins.get(day, 0) - obs.day_leaves.get(day, 0)
        out.append(size)
    return out


def goodness(cal: Calibration, *, seeds: Iterable[int] = (1, 2, 3)) -> tuple[dict[str, Any], list[Observed]]:
    """The fit figures of ``cal`` against simulations of its scenario on ``seeds``."""
    from sim.run.runner import run_one
    from sim.spec.scenario import Scenario

    scenario = Scenario.model_validate(cal.scenario())
    sims = []
    for seed in seeds:
        tables = run_one(scenario, seed)
        sims.append(observe(from_run_log(tables.events, tables.agents)))
    obs = cal.observed
    sim_gaps = np.concatenate([np.asarray(s.gaps) for s in sims]) if sims else np.empty(0)
    ks = stats.ks_2samp(np.asarray(obs.gaps), sim_gaps) if len(obs.gaps) and len(sim_gaps) else None
    sim_hours = np.sum([s.hourly for s in sims], axis=0)
    expected = sim_hours / max(sim_hours.sum(), 1) * obs.hourly.sum()
    keep = expected > 0
    chi = stats.chisquare(obs.hourly[keep], expected[keep] * obs.hourly[keep].sum() / expected[keep].sum())
    members = cal.initial_members
    obs_counts = obs.exposure(members)[0]
    sim_counts = [s.exposure(members)[0] for s in sims]
    figures = {
        "inter_message_times": {"ks_statistic": float(ks.statistic) if ks else None, "ks_p": float(ks.pvalue) if ks else None,
                                "observed": len(obs.gaps), "simulated": int(len(sim_gaps))},
        "hourly_profile": {
            "largest_share_difference": float(np.max(np.abs(obs.hourly / max(obs.hourly.sum(), 1)
                                                            - sim_hours / max(sim_hours.sum(), 1)))),
            "chi_square": float(chi.statistic), "chi_square_p": float(chi.pvalue), "messages": int(obs.hourly.sum()),
        },
        "participation": {"gini_observed": gini(obs_counts), "gini_simulated": float(np.mean([gini(c) for c in sim_counts]))},
        "messages_per_day": {"observed": obs.messages / obs.days,
                             "simulated": float(np.mean([s.messages / s.days for s in sims]))},
        "leaves_per_day": {"observed": (obs.leaves + obs.kicks) / obs.days,
                           "simulated": float(np.mean([(s.leaves + s.kicks) / s.days for s in sims]))},
        "burstiness": {"observed": _interval(cal.burstiness),
                       "simulated": float(np.nanmean([burstiness_estimate(s.day_gaps).value for s in sims]))},
        "reply_share": {"observed": _interval(cal.reply_share),
                        "simulated": float(np.mean([s.replies / max(s.messages, 1) for s in sims]))},
        "forms": {f: {"observed": _interval(e), "simulated": float(np.mean([s.forms.get(f, 0) / max(s.messages, 1) for s in sims]))}
                  for f, e in cal.forms.items()},
        "group_size": {"observed_end": cal.sizes()[-1],
                       "simulated_end": float(np.mean([_sizes(s, members)[-1] for s in sims]))},
        "seeds": list(seeds),
    }
    return figures, sims


def _row(part: str, figure: str, pair: dict[str, Any]) -> str:
    """A table row: the log's estimate with its interval against the simulated value."""
    obs = pair["observed"]
    shown = "-" if obs is None else f"{obs[0]:.3f} [{obs[1]:.3f}, {obs[2]:.3f}]"
    return f"| {part} | {figure} | {shown} | {pair['simulated']:.3f} |"


def write_fit_report(cal: Calibration, folder: Path, *, seeds: Iterable[int] = (1, 2, 3)) -> dict[str, Any]:
    """Write fit.json, fit.md and the figures (hourly.png, lorenz.png, gaps.png, size.png) into ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    figures, sims = goodness(cal, seeds=seeds)
    obs = cal.observed
    hours = np.arange(24)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.bar(hours - 0.2, obs.hourly / max(obs.hourly.sum(), 1), 0.4, label="log")
    sim_hours = np.sum([s.hourly for s in sims], axis=0)
    ax.bar(hours + 0.2, sim_hours / max(sim_hours.sum(), 1), 0.4, label="fitted scenario, simulated")
    ax.set_xlabel("hour of day (h, local time)")
    ax.set_ylabel("share of messages (0 to 1)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "hourly.png", dpi=120)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(4, 4))
    for label, counts in [("log", obs.exposure(cal.initial_members)[0])] + [
            (f"simulated, seed {s}", o.exposure(cal.initial_members)[0]) for s, o in zip(figures["seeds"], sims)]:
        x, y = _lorenz(counts)
        ax.plot(x, y, label=label, lw=2 if label == "log" else 1)
    ax.plot([0, 1], [0, 1], color="grey", lw=0.5)
    ax.set_xlabel("share of members, fewest messages first (0 to 1)")
    ax.set_ylabel("share of messages (0 to 1)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(folder / "lorenz.png", dpi=120)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for label, gaps in [("log", obs.gaps), ("simulated", np.concatenate([np.asarray(s.gaps) for s in sims]))]:
        g = np.sort(np.maximum(np.asarray(gaps, dtype=float), 1.0)) / 60.0
        if len(g):
            ax.step(g, np.arange(1, len(g) + 1) / len(g), where="post", label=label)
    ax.set_xscale("log")
    ax.set_xlabel("time between consecutive messages (minutes)")
    ax.set_ylabel("cumulative share of gaps (0 to 1)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "gaps.png", dpi=120)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(np.arange(1, len(cal.sizes()) + 1), cal.sizes(), label="log", lw=2)
    for seed, o in zip(figures["seeds"], sims):
        sizes = _sizes(o, cal.initial_members)
        ax.plot(np.arange(1, len(sizes) + 1), sizes, lw=1, label=f"simulated, seed {seed}")
    ax.set_xlabel("day of the log (days)")
    ax.set_ylabel("members (count)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(folder / "size.png", dpi=120)
    plt.close(fig)
    (folder / "fit.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    g, h, p = figures["inter_message_times"], figures["hourly_profile"], figures["participation"]
    lines = [
        f"# How well the calibrated scenario fits {html.escape(ascii(cal.name)[1:-1])}",  # a file name: user text
        "",
        f"Simulated on seeds {', '.join(map(str, figures['seeds']))} and held against the log.",
        "",
        "| part | figure | log | fitted scenario |",
        "|---|---|---|---|",
        f"| inter-message times | KS statistic {g['ks_statistic']:.3f} (p = {g['ks_p']:.2g}) | {g['observed']:,} gaps | {g['simulated']:,} gaps |"
        if g["ks_statistic"] is not None else "| inter-message times | too few messages | | |",
        f"| hourly profile | largest share difference {h['largest_share_difference']:.3f}; chi-square p = {h['chi_square_p']:.2g} | {h['messages']:,} messages | |",
        f"| participation | Gini | {p['gini_observed']:.3f} | {p['gini_simulated']:.3f} |",
        f"| activity | messages a day | {figures['messages_per_day']['observed']:.1f} | {figures['messages_per_day']['simulated']:.1f} |",
        f"| leaving | leaves and kicks a day (not fitted) | {figures['leaves_per_day']['observed']:.2f} | {figures['leaves_per_day']['simulated']:.2f} |",
        f"| group size | members after the last day | {figures['group_size']['observed_end']:,} | {figures['group_size']['simulated_end']:,.0f} |",
        _row("burstiness", "B of inter-message times (not fitted)", figures["burstiness"]),
        _row("replies", "share of messages that reply (not fitted)", figures["reply_share"]),
        *[_row("forms", f"share of {f} (not fitted)", v) for f, v in figures["forms"].items()],
        "",
        "Observed figures are `estimate [95% interval]`. "
        "![hourly profile](hourly.png) ![Lorenz curve](lorenz.png) ![gaps](gaps.png) ![group size](size.png)",
        "",
    ]
    (folder / "fit.md").write_text("\n".join(lines), encoding="utf-8")
    return figures


__all__ = ["goodness", "write_fit_report"]
