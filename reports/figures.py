"""Figures from result files. Each function draws on a matplotlib ``ax`` it is given.

Drawing on a given axis lets a caller lay figures out as it likes (one per
file for the report, several per page elsewhere) and lets tests inspect what
was drawn. All text that came from user files (scenario, rule and group
names) is drawn as plain text (no mathtext), so ``$`` and ``_`` show as typed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, NullFormatter, SymmetricalLogLocator

from reports.differences import metric_difference
from reports.results import DesignResults
from sim.base.metrics import find, metric
from sim.base.metrics import label as metric_label
from sim.base.stats import km_band

OUTCOME_COLOURS = {"alive": "#4caf50", "dissolved": "#9e9e9e", "dead": "#607d8b", "ad_group": "#ff9800", "blown_up": "#e53935"}
OUTCOMES = tuple((key, metric(key).label, col) for key, col in OUTCOME_COLOURS.items())
"""(outcome, label from the metrics catalogue, colour), in the order the bars stack."""
KIND_COLOURS = {
    "chat": "#90caf9", "question": "#ce93d8", "answer": "#80cbc4", "content": "#a5d6a7", "ad": "#ffb74d",
    "complaint": "#e57373", "announcement": "#b0bec5", "activity": "#fff176",
}
_PALETTE = ("#1e88e5", "#d81b60", "#43a047", "#fb8c00", "#8e24aa", "#00897b", "#6d4c41", "#546e7a")


def colour(k: int) -> str:
    return _PALETTE[k % len(_PALETTE)]


def _text(s: str) -> str:
    """User text for matplotlib: no mathtext interpretation of ``$``."""
    return s.replace("$", r"\$")


def _relative(x: float, _pos: int = 0) -> str:
    """A relative difference for an axis tick: a signed percentage within +-100%, a multiple beyond."""
    if abs(x) < 1e-12:
        return "0"
    if abs(x) <= 1.0:
        return f"{x:+.0%}"
    return f"{x:+.3g}x"


def quantity(name: str, direction: str | None = None) -> str:
    """An axis label for metric ``name`` from the catalogue: its label, unit and which way is better.

    ``direction`` (``maximize``/``minimize``, a search's) overrides the
    catalogue's; a column the catalogue does not declare is named as it is,
    with "(value)" where its unit is unknown.
    """
    m = find(name)
    way = {"maximize": "higher is better", "minimize": "lower is better"}.get(direction or "")
    if m is None:
        return _text(f"{name.replace('_', ' ')} (value{'; ' + way if way else ''})")
    way = way or {"higher": "higher is better", "lower": "lower is better"}.get(m.better)
    return _text(f"{m.label} ({m.unit}{'; ' + way if way else ''})")


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#666666", wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def timeline(ax: Axes, designs: Sequence[DesignResults], metric: str, label: str, unit: str = "") -> None:
    """Mean of a per-day ``metric`` across runs, with a band from the 10th to the 90th percentile."""
    drawn = False
    for k, d in enumerate(designs):
        days, values = d.series(metric)
        if values.size == 0 or np.isnan(values).all():
            continue
        alive = ~np.isnan(values)
        keep = alive.sum(axis=0) > 0
        days, values = days[keep], values[:, keep]
        with np.errstate(all="ignore"):
            mean = np.nanmean(values, axis=0)
            lo, hi = np.nanpercentile(values, [10, 90], axis=0)
        ax.plot(days, mean, color=colour(k), label=_text(d.name), lw=1.8)
        ax.fill_between(days, lo, hi, color=colour(k), alpha=0.18, lw=0)
        drawn = True
    if not drawn:
        _empty(ax, f"no per-day data for {label}")
        return
    if not unit:
        from sim.base.metrics import DAILY

        unit = DAILY[metric].unit if metric in DAILY else "value"
    ax.set_xlabel("day of the run (days)")
    ax.set_ylabel(_text(f"{label} ({unit})"))
    ax.set_title(f"{label} per day (mean, 10-90% band across runs)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")


def messages_by_kind(ax: Axes, design: DesignResults) -> None:
    """Mean messages a day by kind (stacked), for one design."""
    series = []
    for kind, col in KIND_COLOURS.items():
        days, values = design.series(f"msgs_{kind}")
        if values.size and np.nansum(values) > 0:
            with np.errstate(all="ignore"):
                series.append((kind, col, np.nan_to_num(np.nanmean(values, axis=0))))
    if not series:
        _empty(ax, "no messages")
        return
    ax.stackplot(days, *[s[2] for s in series], labels=[s[0] for s in series], colors=[s[1] for s in series])
    ax.set_xlabel("day of the run (days)")
    ax.set_ylabel("messages a day, mean over runs (messages/day)")
    ax.set_title(_text(f"messages by kind — {design.name}"))
    ax.legend(fontsize="x-small", ncol=4, loc="upper right")
    ax.grid(alpha=0.3)


def duration_of(d: DesignResults) -> float | None:
    """The scenario's duration in days, from the manifest (a compare design's entry, or a run's scenario)."""
    for entry in d.manifest.get("designs", []):
        if str(entry.get("label") or entry.get("scenario")) == d.name and entry.get("duration_days") is not None:
            return float(entry["duration_days"])
    value = d.manifest.get("duration_days")
    return float(value) if isinstance(value, (int, float)) else None


def survival(ax: Axes, designs: Sequence[DesignResults]) -> None:
    """Kaplan-Meier survival of each design with Greenwood 95% bands (ends as planned are not deaths).

    Each curve runs to the scenario's duration (or, when the manifest does not
    say it, the longest simulated time of its runs), so runs alive at the end
    show as a level line to the end, not a curve cut at the last event. "+"
    marks a censored run; the numbers under the axis are the runs still at risk
    (not yet ended) at each tick, per design.
    """
    horizon = 0.0
    lifetimes = []
    for k, d in enumerate(designs):
        t = d.column("lifetime_days")
        died = np.asarray([r["outcome"] not in ("alive", "dissolved") for r in d.runs])
        simulated = d.column("days_simulated")
        until = max(float(np.nanmax(simulated)) if np.isfinite(simulated).any() else 0.0, duration_of(d) or 0.0) or None
        steps_t, s, lo, hi = km_band(t, died, until=until)
        ax.step(steps_t, s, where="post", color=colour(k), label=_text(f"{d.name} (n={len(t)})"), lw=1.8)
        ax.fill_between(steps_t, lo, hi, step="post", color=colour(k), alpha=0.15, lw=0)
        censored = t[~died & np.isfinite(t)]
        if len(censored):  # "+" where a run ended without dying (still alive, or dissolved as planned)
            at = np.searchsorted(steps_t, censored, side="right") - 1
            ax.plot(censored, s[at], "+", color=colour(k), ms=9, mew=1.5)
        horizon = max(horizon, float(steps_t[-1]))
        lifetimes.append(t[np.isfinite(t)])
    end = max(horizon, 1.0)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, end * 1.02)  # room for the censoring marks at the end
    ticks = np.linspace(0.0, end, 5)
    ax.set_xticks(ticks, [f"{x:g}" for x in np.round(ticks, 1)])
    for k, t in enumerate(lifetimes):  # at risk: runs whose group had not ended before the tick
        y = -0.16 - 0.07 * k
        ax.annotate("at risk", (0, y), xycoords=("axes fraction", "axes fraction"), ha="right", va="top", fontsize="x-small",
                    color=colour(k), xytext=(-8, 0), textcoords="offset points", annotation_clip=False)
        for x in ticks:
            n = int(np.sum(t >= x - 1e-9))
            ax.annotate(str(n), (x, y), xycoords=("data", "axes fraction"), ha="center", va="top", fontsize="x-small",
                        color=colour(k), annotation_clip=False)
    ax.set_xlabel("day of the run (days)")
    ax.xaxis.set_label_coords(0.5, -0.2 - 0.07 * len(lifetimes))  # below the at-risk rows
    ax.set_ylabel("groups still alive (share of runs)")
    ax.set_title("survival (Kaplan-Meier, 95% band; + censored; numbers: runs at risk)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="lower left")


def outcome_breakdown(ax: Axes, designs: Sequence[DesignResults]) -> None:
    """How the runs of each design ended, as stacked shares."""
    names = [_text(d.name) for d in designs]
    left = np.zeros(len(designs))
    for key, label, col in OUTCOMES:
        share = np.asarray([sum(r["outcome"] == key for r in d.runs) / len(d.runs) for d in designs])
        if share.any():
            ax.barh(names, share, left=left, color=col, label=label)
            for y, (x0, w) in enumerate(zip(left, share)):
                if w >= 0.08:
                    ax.text(x0 + w / 2, y, f"{w:.0%}", ha="center", va="center", fontsize="small")
        left += share
    ax.set_xlim(0, 1)
    ax.set_xlabel("runs that ended so (share of runs, 0 to 1)")
    ax.set_ylabel("design")
    ax.set_title("how the groups ended")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.25 - 0.1 / max(len(designs), 1)), ncol=5)
    ax.invert_yaxis()


def comparison(ax: Axes, designs: Sequence[DesignResults], metrics: Sequence[str]) -> None:
    """Each design's difference from the first on several metrics, relative to the first's mean, with 95% CIs.

    Labels come from the metrics catalogue; a difference the catalogue counts as
    better is drawn filled, a worse one hollow.
    """
    if len(designs) < 2:
        _empty(ax, "one design: nothing to compare")
        return
    base = designs[0]
    y = 0
    labels = []
    for key in metrics:
        m = find(key)
        for k, d in enumerate(designs[1:], start=1):
            res = metric_difference(base, d, key)
            if res is None or not (math.isfinite(res["lo"]) and math.isfinite(res["hi"])):
                continue
            scale = abs(res["base_mean"]) or 1.0
            diff, lo, hi = res["diff"] / scale, res["lo"] / scale, res["hi"] / scale
            worse = m is not None and m.direction(res["diff"]) == "worse"
            ax.errorbar(diff, y, xerr=[[max(diff - lo, 0.0)], [max(hi - diff, 0.0)]], fmt="o", color=colour(k), capsize=3,
                        mfc="white" if worse else colour(k))
            if res["p"] < 0.05:
                ax.text(hi, y, " *", va="center", color=colour(k))
            labels.append(_text(f"{metric_label(key)}: {d.name}"))
            y += 1
    if not labels:
        _empty(ax, "no comparable metrics")
        return
    ax.axvline(0, color="#444444", lw=1)
    ax.set_xscale("symlog", linthresh=1.0)  # small and huge relative changes on one axis
    ax.xaxis.set_major_locator(SymmetricalLogLocator(base=10, linthresh=1.0, subs=[1.0]))
    ax.xaxis.set_major_formatter(FuncFormatter(_relative))  # "+50%", "-2x": never "-1.71429x10^-2"
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(range(len(labels)), labels, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlabel("difference from the baseline (relative to the baseline's mean: +50% = 1.5 times)\n"
                  "(95% CI; * p < 0.05; hollow: worse by the metric's direction)")
    ax.set_ylabel("metric: design")
    ax.set_title(_text(f"design comparison against {base.name}"))
    ax.grid(alpha=0.3, axis="x")


def rule_effectiveness(ax: Axes, design: DesignResults) -> None:
    """Per rule: actions on adversaries (true positives) and on legitimate members (false positives)."""
    stats = design.rule_stats()
    if not stats:
        _empty(ax, "no rule acted in these runs")
        return
    rules = sorted(stats)
    n = len(design.runs)
    tp = np.asarray([stats[r].get("true_positives", stats[r].get("on_adversaries", 0.0)) for r in rules]) / n
    fp = np.asarray([stats[r].get("false_positives", stats[r].get("on_legitimate", 0.0)) for r in rules]) / n
    y = np.arange(len(rules))
    ax.barh(y - 0.2, tp, height=0.4, color="#43a047", label="on adversaries (true positives)")
    ax.barh(y + 0.2, fp, height=0.4, color="#e53935", label="on legitimate members (false positives)")
    extra = [k for k in ("exposure", "moderator_minutes") if any(k in stats[r] for r in rules)]
    for r_i, r in enumerate(rules):
        notes = ", ".join(f"{k.replace('_', ' ')} {stats[r].get(k, 0.0) / n:,.0f}" for k in extra)
        if notes:
            ax.text(max(tp[r_i], fp[r_i]), r_i, "  " + notes, va="center", fontsize="x-small")
    ax.set_yticks(y, [_text(r) for r in rules])
    ax.invert_yaxis()
    ax.set_xlabel("actions per run, mean over runs (actions/run)")
    ax.set_ylabel("rule")
    ax.set_title(_text(f"rule effectiveness — {design.name}"))
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3, axis="x")


def adversary_roi(ax: Axes, designs: Sequence[DesignResults]) -> None:
    """Adversaries' return on investment per design, where the runs report it, with each metric's break-even line."""
    keys = sorted({k for d in designs for r in d.runs for k in r if k.endswith("_roi") or k == "spammer_roi"})
    if not keys:
        _empty(ax, "these runs report no adversary return on investment")
        return
    width = 0.8 / len(designs)
    for k, d in enumerate(designs):
        means = []
        for key in keys:
            col = d.column(key)
            means.append(float(np.nanmean(col)) if np.isfinite(col).any() else 0.0)
        ax.bar(np.arange(len(keys)) + k * width, means, width=width, color=colour(k), label=_text(d.name))
    ax.set_xticks(np.arange(len(keys)) + width * (len(designs) - 1) / 2, [_text(metric_label(k)) for k in keys])
    evens = {m.break_even for k in keys if (m := find(k)) is not None and m.break_even is not None}
    for even in sorted(evens):
        ax.axhline(even, color="#444444", lw=1, ls="--")
    units = sorted({m.unit for k in keys if (m := find(k)) is not None})
    ax.set_ylabel(f"return ({', '.join(units) or 'ratio'}; dashed = break even)")
    ax.set_xlabel("adversary")
    ax.set_title("adversary return on investment")
    ax.legend(fontsize="small")


def social_graph(ax: Axes, design: DesignResults, day: float, run_id: str | None = None) -> None:
    """The friendship graph of one run on ``day``: members in the group, left, or kicked."""
    run_id = run_id or (design.runs[0]["run_id"] if design.runs else None)
    agents = [a for a in design.agents if a.get("run_id") == run_id]
    edges = [(e["a"], e["b"]) for e in design.edges if e.get("run_id") == run_id]
    if not agents:
        _empty(ax, "these results hold no agents table (re-run with a newer groupsim)")
        return
    minute = day * 1440.0
    g = nx.Graph()
    g.add_nodes_from(a["agent"] for a in agents if _joined_by(a, minute))
    g.add_edges_from((a, b) for a, b in edges if a in g and b in g)
    if g.number_of_nodes() == 0:
        _empty(ax, f"nobody had joined by day {day:g}")
        return
    pos = nx.spring_layout(g, seed=1, k=1.5 / math.sqrt(g.number_of_nodes()))
    by_id = {a["agent"]: a for a in agents}
    states = {"in the group": "#1e88e5", "left": "#bdbdbd", "kicked": "#e53935"}
    state_of = {n: _state(by_id[n], minute) for n in g}
    nx.draw_networkx_edges(g, pos, ax=ax, alpha=0.15, width=0.5)
    roles = sorted({str(by_id[n].get("role", "member")) for n in g})
    markers = "osD^v<>p*h"
    for r_i, role in enumerate(roles):
        for state, col in states.items():
            nodes = [n for n in g if state_of[n] == state and str(by_id[n].get("role", "member")) == role]
            if nodes:
                nx.draw_networkx_nodes(
                    g, pos, nodelist=nodes, ax=ax, node_size=18 if role == "member" else 60,
                    node_color=col, node_shape=markers[r_i % len(markers)], label=_text(f"{role}, {state}"),
                )
    ax.set_title(_text(f"social graph on day {day:g} — {design.name}"))
    ax.legend(fontsize="x-small", loc="lower left", markerscale=1.5)
    ax.set_axis_off()


def _joined_by(agent: dict[str, Any], minute: float) -> bool:
    j = agent.get("joined_at")
    return j is not None and not (isinstance(j, float) and math.isnan(j)) and j <= minute


def _state(agent: dict[str, Any], minute: float) -> str:
    left = agent.get("left_at")
    if left is None or (isinstance(left, float) and math.isnan(left)) or left > minute:
        return "in the group"
    return "kicked" if agent.get("kicked") else "left"


def sensitivity(ax: Axes, indices: Sequence[dict[str, Any]], outcome: str) -> None:
    """First-order and total Sobol indices (or Morris mu*) per factor, with confidence bars."""
    if not indices:
        _empty(ax, "no sensitivity indices")
        return
    names = [_text(str(i["factor"])) for i in indices]
    y = np.arange(len(names))
    first = [i.get("S1", i.get("mu_star", 0.0)) for i in indices]
    first_ci = [i.get("S1_conf", i.get("mu_star_conf", 0.0)) for i in indices]
    ax.barh(y - 0.2, first, xerr=first_ci, height=0.4, color="#1e88e5", label="first order S1 (or Morris μ*)")
    if any("ST" in i for i in indices):
        ax.barh(y + 0.2, [i.get("ST", 0.0) for i in indices], xerr=[i.get("ST_conf", 0.0) for i in indices],
                height=0.4, color="#fb8c00", label="total order ST")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    m = find(outcome)
    what = _text(m.label if m is not None else outcome.replace("_", " "))
    if any("S1" in i or "ST" in i for i in indices):
        ax.set_xlabel(f"Sobol index (share of the variance of {what}, 0 to 1)")
    else:  # Morris: the mean absolute elementary effect, in the outcome's unit per factor range
        ax.set_xlabel(f"Morris μ* ({_text(m.unit) if m is not None else 'unit of the outcome'} of {what}, per whole factor range)")
    ax.set_ylabel("factor")
    ax.set_title(f"sensitivity of {what}")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3, axis="x")


def pareto(
    ax: Axes, points: Sequence[dict[str, float]], front: Sequence[dict[str, float]], x: str, y: str,
    directions: dict[str, str] | None = None,
) -> None:
    """All evaluated settings and the Pareto front of two objectives, each axis with its unit and direction.

    ``directions`` holds the search's ``maximize``/``minimize`` per objective
    (default: the metrics catalogue's better direction).
    """
    if not points:
        _empty(ax, "no search results")
        return
    ax.scatter([p[x] for p in points], [p[y] for p in points], s=14, color="#90a4ae", label="settings tried")
    f = sorted(front, key=lambda p: p[x])
    ax.plot([p[x] for p in f], [p[y] for p in f], "o-", color="#d81b60", label="Pareto front")
    ways = directions or {}
    ax.set_xlabel(quantity(x, ways.get(x)))
    ax.set_ylabel(quantity(y, ways.get(y)))
    ax.set_title("search: trade-off between objectives")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)


__all__ = [
    "OUTCOMES", "adversary_roi", "comparison", "messages_by_kind", "outcome_breakdown", "pareto", "quantity",
    "rule_effectiveness", "sensitivity", "social_graph", "survival", "timeline",
]
