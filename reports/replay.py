"""The dry-run report of a ruleset on a real chat log: what it would have done, to whom, and at what cost.

Built from the firings of ``groupsim rules replay`` (one row per action a rule
asked for): actions per rule and per day, who would have been kicked or banned
(as the log names them: salted hashes when the log came through ``groupsim
import``), a sample of messages per rule for a person to review (masked), and
the workload a human executor would carry (cases a day times minutes a case).
With a second ruleset, the two side by side and the messages only one of them
acts on. Writes ``replay.json``, ``replay.md`` and ``replay.html``; every user
string is escaped (HTML) or fenced (Markdown).
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

MINUTES_PER_DAY = 1440.0
REMOVING = frozenset({"kick", "ban"})


def summarise(firings: Sequence[Any], *, minutes_per_case: float, samples: int = 5,
              mask: Callable[[str], str] = lambda s: s) -> dict[str, Any]:
    """Tables of one ruleset's firings (objects with line, time, rule, action, member, text)."""
    per_rule: Counter[str] = Counter()
    per_action: Counter[str] = Counter()
    per_day: dict[int, Counter[str]] = defaultdict(Counter)
    cases_per_day: dict[int, set[tuple[int, str]]] = defaultdict(set)
    removed: dict[str, dict[str, Any]] = {}
    sample: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in firings:
        day = int(f.time // MINUTES_PER_DAY)
        per_rule[f.rule] += 1
        per_action[f.action.split(":")[0]] += 1
        per_day[day][f.rule] += 1
        cases_per_day[day].add((f.line, f.rule))  # one message's actions by one rule are one case
        if f.action.split(":")[0] in REMOVING and f.member and f.member not in removed:
            removed[f.member] = {"member": f.member, "rule": f.rule, "action": f.action, "line": f.line, "day": day}
        if f.text and len(sample[f.rule]) < samples and all(s["line"] != f.line for s in sample[f.rule]):
            sample[f.rule].append({"line": f.line, "action": f.action, "text": mask(f.text)[:200]})
    days = sorted(set(per_day) | set(cases_per_day))
    workload = {d: len(cases_per_day[d]) * minutes_per_case for d in days}
    return {
        "actions": sum(per_rule.values()), "per_rule": dict(per_rule.most_common()), "per_action": dict(per_action.most_common()),
        "per_day": {str(d): dict(per_day[d]) for d in days}, "removed": list(removed.values()),
        "samples": {rule: sample[rule] for rule in per_rule}, "minutes_per_case": minutes_per_case,
        "workload_minutes_per_day": {str(d): m for d, m in workload.items()},
        "workload_mean_minutes_per_day": sum(workload.values()) / max(len(workload), 1),
        "lines": sorted({f.line for f in firings}),
    }


def compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Which lines only one of two rulesets acts on."""
    la, lb = set(a["lines"]), set(b["lines"])
    return {"only_first": sorted(la - lb), "only_second": sorted(lb - la), "both": len(la & lb)}


def _md(text: str) -> str:
    """A user string safe in Markdown: no HTML, no table breaks, no emphasis."""
    return html.escape(text).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_").replace("`", "'").replace("\n", " ")


def _markdown(title: str, runs: list[tuple[str, dict[str, Any]]], diff: dict[str, Any] | None) -> str:
    lines = [f"# {_md(title)}", ""]
    for name, s in runs:
        lines += [f"## {_md(name)}: {s['actions']:,} actions, {len(s['removed']):,} members removed", "",
                  f"Workload for a human executor: {s['workload_mean_minutes_per_day']:.0f} minutes a day on average "
                  f"({s['minutes_per_case']:g} minutes a case).", "", "| rule | actions |", "|---|---|"]
        lines += [f"| {_md(r)} | {n:,} |" for r, n in s["per_rule"].items()]
        lines += ["", "| day | " + " | ".join(_md(r) for r in s["per_rule"]) + " | minutes |",
                  "|---|" + "---|" * (len(s["per_rule"]) + 1)]
        for day, counts in s["per_day"].items():
            lines.append(f"| {day} | " + " | ".join(str(counts.get(r, 0)) for r in s["per_rule"])
                         + f" | {s['workload_minutes_per_day'][day]:.0f} |")
        if s["removed"]:
            lines += ["", "Would have been removed: " + ", ".join(_md(m["member"]) for m in s["removed"][:50])
                      + (" ..." if len(s["removed"]) > 50 else "")]
        lines += ["", "Messages to review, by rule:", ""]
        for rule, items in s["samples"].items():
            lines += [f"- **{_md(rule)}**"] + [f"  - line {x['line']} ({_md(x['action'])}): {_md(x['text'])}" for x in items]
        lines.append("")
    if diff is not None:
        lines += ["## Differences", "", f"Acted on by both: {diff['both']:,} lines; only by {_md(runs[0][0])}: "
                  f"{len(diff['only_first']):,}; only by {_md(runs[1][0])}: {len(diff['only_second']):,}.", ""]
    return "\n".join(lines) + "\n"


def _html(markdown_title: str, runs: list[tuple[str, dict[str, Any]]], diff: dict[str, Any] | None) -> str:
    e = html.escape
    parts = [f"<!doctype html><meta charset='utf-8'><title>{e(markdown_title)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:2px 8px;border-bottom:1px solid #ddd}"
             "</style>", f"<h1>{e(markdown_title)}</h1>"]
    for name, s in runs:
        parts.append(f"<h2>{e(name)}: {s['actions']:,} actions, {len(s['removed']):,} members removed</h2>")
        parts.append(f"<p>Workload for a human executor: {s['workload_mean_minutes_per_day']:.0f} minutes a day on average.</p>")
        parts.append("<table><tr><th>rule</th><th>actions</th></tr>"
                     + "".join(f"<tr><td>{e(r)}</td><td>{n:,}</td></tr>" for r, n in s["per_rule"].items()) + "</table>")
        parts.append("<h3>Messages to review</h3><ul>" + "".join(
            f"<li><b>{e(rule)}</b><ul>" + "".join(f"<li>line {x['line']} ({e(x['action'])}): {e(x['text'])}</li>" for x in items)
            + "</ul></li>" for rule, items in s["samples"].items()) + "</ul>")
    if diff is not None:
        parts.append(f"<h2>Differences</h2><p>both: {diff['both']:,}; only {e(runs[0][0])}: {len(diff['only_first']):,}; "
                     f"only {e(runs[1][0])}: {len(diff['only_second']):,}</p>")
    return "\n".join(parts) + "\n"


def write_replay_report(folder: Path, title: str, runs: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Write replay.json, replay.md and replay.html for one ruleset, or two side by side."""
    folder.mkdir(parents=True, exist_ok=True)
    diff = compare(runs[0][1], runs[1][1]) if len(runs) == 2 else None
    data = {"title": title, "rulesets": [{"name": n, **s} for n, s in runs], "differences": diff}
    (folder / "replay.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "replay.md").write_text(_markdown(title, runs, diff), encoding="utf-8")
    (folder / "replay.html").write_text(_html(title, runs, diff), encoding="utf-8")
    return data


__all__ = ["compare", "summarise", "write_replay_report"]
