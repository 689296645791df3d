"""Text a person can act on: how the groups ended, why, and which design is better.

For one design the text names the main failure mode, when it happened and the
three per-day metrics that moved most in the days before it (compared with the
first days of the same runs). For several designs it names the winner on
survival, then every headline metric of the catalogue (:mod:`sim.base.metrics`)
that differs clearly, in its label and unit, with its 95% interval and whether
the difference is better or worse by the catalogue's direction; the metrics
that do not differ clearly are named in one sentence.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from reports.differences import metric_difference, survival_difference
from reports.results import DesignResults
from sim.base.metrics import daily, find, headline

OUTCOME_WORDS = {
    "alive": "alive",
    "dissolved": "dissolved as planned",
    "dead": "dead (死群)",
    "ad_group": "an ad group (广告群)",
    "blown_up": "blown up (暴雷)",
}
FAILURES = ("dead", "ad_group", "blown_up")
WATCHED = ("members", "active_members", "member_messages", "posters", "ad_share", "mean_satisfaction", "msgs_complaint",
           "leaves", "kicks")
"""Per-day series whose moves before a failure the text names (labels from the catalogue's daily series)."""


def _num(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _outcome_label(outcome: str) -> str:
    m = find(outcome)
    return m.label if m is not None else outcome


def outcome_counts(design: DesignResults) -> str:
    counts = Counter(r["outcome"] for r in design.runs)
    n = len(design.runs)
    parts = [f"{c} {_outcome_label(o)} ({c / n:.0%})" for o, c in counts.most_common()]
    return f"{n} runs: " + ", ".join(parts) + "."


def movers(design: DesignResults, outcome: str, top: int = 3) -> list[tuple[str, float, float]]:
    """The metrics that moved most before ``outcome``: (label, at the start, just before)."""
    failed = [k for k, r in enumerate(design.runs) if r["outcome"] == outcome]
    scored = []
    for key in WATCHED:
        label = daily(key).label
        _, values = design.series(key)
        if values.size == 0:
            continue
        starts, befores = [], []
        for k in failed:
            end = int(math.ceil(design.runs[k]["lifetime_days"])) - 1
            row = values[k]
            if end < 1 or np.isnan(row[: end + 1]).all():
                continue
            starts.append(np.nanmean(row[: min(2, end)]))
            befores.append(np.nanmean(row[max(end - 2, 0) : end + 1]))
        if not starts:
            continue
        a, b = float(np.mean(starts)), float(np.mean(befores))
        spread = float(np.nanstd(values)) if np.isfinite(values).any() else 0.0
        scale = max(abs(a), spread, 1e-9)
        scored.append((abs(b - a) / scale, label, a, b))
    scored.sort(key=lambda s: -s[0])
    return [(label, a, b) for score, label, a, b in scored[:top] if score > 0]


def design_text(design: DesignResults) -> list[str]:
    """Paragraphs about one design."""
    out = [outcome_counts(design)]
    counts = Counter(r["outcome"] for r in design.runs if r["outcome"] in FAILURES)
    if not counts:
        days = max((r["lifetime_days"] for r in design.runs), default=0)
        out.append(f"No group failed within {days:g} days.")
        return out
    mode, n_mode = counts.most_common(1)[0]
    days = np.asarray([r["lifetime_days"] for r in design.runs if r["outcome"] == mode])
    reasons = Counter(r.get("outcome_reason", "") for r in design.runs if r["outcome"] == mode)
    reason = reasons.most_common(1)[0][0]
    out.append(
        f"The main failure mode is becoming {OUTCOME_WORDS[mode]}: {n_mode} of {len(design.runs)} runs, "
        f"on day {np.median(days):g} typically (range {days.min():g} to {days.max():g})"
        + (f"; typical reason: {reason}." if reason else ".")
    )
    moved = movers(design, mode)
    if moved:
        words = []
        for label, a, b in moved:
            verb = "rose" if b > a else "fell"
            words.append(f"{label} {verb} from {_num(a)} to {_num(b)}")
        out.append("In the days before it, what moved most: " + "; ".join(words) + ".")
    return out


def comparison_text(designs: Sequence[DesignResults]) -> list[str]:
    """Paragraphs comparing each design with the first one."""
    if len(designs) < 2:
        return []
    base = designs[0]
    out = []
    for other in designs[1:]:
        res = survival_difference(base, other)
        a, b = res["base"], res["other"]
        how = f"exact McNemar test on {res['n']} paired seeds" if res["paired"] else "Fisher's exact test"
        if res["lo"] > 0 or res["hi"] < 0:
            winner, loser, wa, wl = (other, base, b, a) if res["diff"] > 0 else (base, other, a, b)
            lo, hi = sorted((abs(res["lo"]), abs(res["hi"])))
            out.append(
                f"On survival, {winner.name} wins: {wa:.0%} of its groups did not fail (alive at the end or dissolved as planned) against {wl:.0%} for "
                f"{loser.name}, a difference of {abs(res['diff']) * 100:.0f} percentage points "
                f"(95% CI {lo * 100:.0f} to {hi * 100:.0f}; {how}, p = {res['p']:.2g})."
            )
        else:
            out.append(
                f"On survival there is no clear winner between {base.name} ({a:.0%} not failed) and {other.name} "
                f"({b:.0%}): the 95% CI of the difference, {res['lo'] * 100:+.0f} to {res['hi'] * 100:+.0f} points, "
                f"includes zero ({how})."
            )
        out += metric_sentences(base, other)
    return out


def metric_sentences(base: DesignResults, other: DesignResults) -> list[str]:
    """One sentence per headline (or asked-for) metric that differs clearly, then one naming the rest."""
    asked = [str(m) for m in base.manifest.get("metrics", [])]  # `groupsim compare --metric`
    names = list(dict.fromkeys([m.name for m in headline()] + asked))
    out, unclear = [], []
    for key in names:
        r2 = metric_difference(base, other, key)
        if r2 is None or not math.isfinite(r2["diff"]):
            continue
        m = find(key)
        label = m.label if m is not None else key
        ci = f"95% CI of the difference {_num(r2['lo'])} to {_num(r2['hi'])}"
        if not (r2["lo"] > 0 or r2["hi"] < 0):
            unclear.append(label)
            continue
        verdict = f", {m.direction(r2['diff'])}" if m is not None and m.better != "neither" else ""
        unit = f" {m.unit}" if m is not None and m.unit != label else ""
        if r2["base_mean"] == 0:  # no relative size: say it in the measure's own units
            out.append(f"{other.name} had {_num(r2['diff'])} {label} against none for {base.name} ({ci}{verdict}).")
            continue
        rel = r2["diff"] / abs(r2["base_mean"])
        more = "higher" if rel > 0 else "lower"
        size = f"{abs(rel):.0%}" if abs(rel) >= 0.01 else f"{abs(rel):.2%}"  # never a significant "0% higher"
        out.append(
            f"{other.name} had {size} {more} {label} than {base.name} "
            f"({_num(r2['base_mean'] + r2['diff'])} against {_num(r2['base_mean'])}{unit}; {ci}{verdict})."
        )
    if unclear:
        out.append(f"No clear difference between {other.name} and {base.name} on: " + ", ".join(unclear) + ".")
    return out


__all__ = ["comparison_text", "design_text", "metric_sentences", "movers", "outcome_counts"]
