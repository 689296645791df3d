"""Assemble a report: figures as PNG and SVG, one self-contained HTML file, a Markdown summary.

The HTML file embeds its figures (PNG as data URIs) and its style, loads
nothing from the network and runs no script, so it can be mailed or opened
offline. Every string that came from a user file (scenario and rule names,
outcome reasons, chat text) is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from reports import figures as F
from reports.fonts import MISSING_FONT_WARNING, setup_fonts
from reports.narrative import comparison_text, design_text
from reports.results import DesignResults, Experiment
from reports.verdict import detail_lines, key_numbers, load_verdict, unjudged_summary
from sim.base.files import atomic_write
from sim.base.metrics import HEADLINE, daily, metric
from sim.base.stats import mean_interval, wilson

COMPARED = HEADLINE
"""The comparison figure shows the catalogue's headline metrics."""
TABLE = ("messages_per_day", "final_members", "mean_satisfaction", "ad_exposure")
"""Summary columns of the report's first table (after runs and survival), labelled by the catalogue."""
TIMELINES = ("members", "active_members", "ad_share", "mean_satisfaction")
"""Per-day series drawn as timelines (labels and units from the catalogue's daily series)."""


@dataclass
class Figure:
    """One figure of the report: a file stem, a caption, and the files written."""

    stem: str
    caption: str
    files: dict[str, Path] = field(default_factory=dict)


@dataclass
class Report:
    """What :func:`build_report` wrote."""

    html: Path
    markdown: Path
    figures: list[Figure]
    warnings: list[str]


def _save(out: Path, stem: str, caption: str, draw: Callable[[Axes], None], size: tuple[float, float]) -> Figure:
    fig, ax = plt.subplots(figsize=size, layout="constrained")
    try:
        draw(ax)
        fig_files = {}
        for ext in ("png", "svg"):
            path = out / f"{stem}.{ext}"
            atomic_write(path, lambda p, ext=ext: fig.savefig(p, format=ext, dpi=110))
            fig_files[ext] = path
    finally:
        plt.close(fig)
    return Figure(stem, caption, fig_files)


def render_figures(
    designs: Sequence[DesignResults], out: Path, extra: Sequence[tuple[str, str, Callable[[Axes], None]]] = (),
    graph_days: Sequence[float] | None = None,
) -> list[Figure]:
    """Draw every figure that the results support into ``out`` (PNG and SVG).

    The social graph is drawn for the first run of each design on ``graph_days``
    (default: the first day, the middle and the last day of that run).
    """
    out.mkdir(parents=True, exist_ok=True)
    figs = [
        _save(out, "outcomes", "How the groups ended, per design.", lambda ax: F.outcome_breakdown(ax, designs),
              (8, 1.8 + 0.6 * len(designs))),
        _save(out, "survival", "Share of groups still alive by day (Kaplan-Meier with 95% band).",
              lambda ax: F.survival(ax, designs), (8, 5.2)),
    ]
    for key in TIMELINES:
        day = daily(key)
        figs.append(_save(out, f"timeline_{key}", f"{day.label.capitalize()} per day.",
                          lambda ax, key=key, day=day: F.timeline(ax, designs, key, day.label, day.unit), (8, 4)))
    if len(designs) > 1:
        figs.append(_save(out, "comparison", "Each design against the first, with 95% intervals.",
                          lambda ax: F.comparison(ax, designs, COMPARED), (8, 1.5 + 0.45 * len(COMPARED) * (len(designs) - 1))))
    for k, d in enumerate(designs):
        figs.append(_save(out, f"messages_{k}", f"Messages by kind: {d.name}.", lambda ax, d=d: F.messages_by_kind(ax, d), (8, 4)))
        n_rules = max(len(d.rule_stats()), 1)
        figs.append(_save(out, f"rules_{k}", f"Rule effectiveness: {d.name}.", lambda ax, d=d: F.rule_effectiveness(ax, d),
                          (8, 1.6 + 0.5 * n_rules)))
        if d.agents:
            last = max(r["lifetime_days"] for r in d.runs if r["run_id"] == d.runs[0]["run_id"])
            days = graph_days if graph_days is not None else (0.0, round(last / 2, 1), float(last))
            for day in sorted(set(days)):
                figs.append(_save(out, f"graph_{k}_day{day:g}", f"Social graph on day {day:g}: {d.name}.",
                                  lambda ax, d=d, day=day: F.social_graph(ax, d, day), (6.5, 6)))
    figs.append(_save(out, "adversary_roi", "Adversaries' return on investment.", lambda ax: F.adversary_roi(ax, designs), (8, 4)))
    for stem, caption, draw in extra:
        figs.append(_save(out, stem, caption, draw, (8, 4.5)))
    return figs


def _e(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _table_headers() -> list[str]:
    return ["design", "runs", metric("survival").label, *(metric(k).label for k in TABLE)]


def _table_rows(designs: Sequence[DesignResults]) -> list[list[str]]:
    """Per design: runs, survival share with its Wilson interval, means with the catalogue's intervals."""
    rows = []
    for d in designs:
        n = len(d.runs)
        alive = sum(r["outcome"] in ("alive", "dissolved") for r in d.runs)
        p, lo, hi = wilson(alive, n)
        cells = [d.name, str(n), f"{p:.0%} ({lo:.0%}–{hi:.0%})"]
        for key in TABLE:
            m = metric(key)
            mean, lo, hi = mean_interval(d.column(key), m)
            cells.append(m.fmt(mean) if lo != lo else f"{m.fmt(mean)} ({m.fmt(lo)}–{m.fmt(hi)})")
        rows.append(cells)
    return rows


_CSS = """body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;max-width:960px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.5}h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}td:first-child,th:first-child{text-align:left}
.warn{background:#fff3e0;border-left:4px solid #fb8c00;padding:.5em 1em}
.summary{background:#f5f8ff;border:1px solid #c5d3f0;padding:.2em 1em 1em}.summary img{max-width:100%;max-height:45vh}
.verdict{font-size:1.2em;font-weight:600}"""


def build_report(
    designs: Sequence[DesignResults], out: Path, *, title: str = "", extra_figures: Sequence[tuple[str, str, Callable[[Axes], None]]] = (),
    extra_text: Sequence[str] = (), graph_days: Sequence[float] | None = None,
) -> Report:
    """Write ``report.html``, ``summary.md`` and ``figures/`` into ``out``."""
    font = setup_fonts()
    warnings = [] if font else [MISSING_FONT_WARNING]
    out.mkdir(parents=True, exist_ok=True)
    figs = render_figures(designs, out / "figures", extra_figures, graph_days)
    title = title or ("groupsim report: " + " vs ".join(d.name for d in designs))
    texts = {d.name: design_text(d) for d in designs}
    compare = comparison_text(designs)
    headers = _table_headers()
    rows = _table_rows(designs)
    verdict = load_verdict(designs)
    lead = next((f for f in figs if f.stem == "comparison"), next(f for f in figs if f.stem == "survival"))

    md = [f"# {title}", ""]
    md += [f"> {w}" for w in warnings]
    if verdict is not None:
        md += ["## Verdict", "", f"**{verdict['summary']}**", "", *(f"- {k}" for k in key_numbers(verdict)), "",
               f"![{lead.caption}](figures/{lead.stem}.png)", "", *detail_lines(verdict), ""]
    else:  # no paired comparison: the opening says so, with the numbers a verdict would weigh
        head, numbers = unjudged_summary(designs)
        md += ["## Summary", "", f"**{head}**", "", *(f"- {k}" for k in numbers), "", f"![{lead.caption}](figures/{lead.stem}.png)", ""]
    md += ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    md += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    for name, paras in texts.items():
        md += ["", f"## {name}", "", *paras]
    if compare or extra_text:
        md += ["", "## Comparison" if compare else "## Findings", "", *compare, *extra_text]
    md += ["", "## Figures", ""] + [f"- {f.caption} (`figures/{f.stem}.png`, `figures/{f.stem}.svg`)" for f in figs]
    md_path = out / "summary.md"
    _write(md_path, "\n".join(md) + "\n")

    body = [f"<h1>{_e(title)}</h1>"]
    body += [f'<p class="warn">{_e(w)}</p>' for w in warnings]
    if verdict is not None:  # the one-screen summary: verdict, the three numbers that decide it, one figure
        body.append(f'<section class="summary" id="verdict"><h2>Verdict</h2><p class="verdict">{_e(verdict["summary"])}</p>')
        body.append("<ul>" + "".join(f"<li>{_e(k)}</li>" for k in key_numbers(verdict)) + "</ul>")
        body.append(f'<img alt="{_e(lead.caption)}" src="data:image/png;base64,{_b64(lead)}"></section>')
    else:
        head, numbers = unjudged_summary(designs)
        body.append(f'<section class="summary" id="summary"><h2>Summary</h2><p class="verdict">{_e(head)}</p>')
        body.append("<ul>" + "".join(f"<li>{_e(k)}</li>" for k in numbers) + "</ul>")
        body.append(f'<img alt="{_e(lead.caption)}" src="data:image/png;base64,{_b64(lead)}"></section>')
    body.append("<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr>")
    body += ["<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows]
    body.append("</table>")
    for name, paras in texts.items():
        body.append(f"<h2>{_e(name)}</h2>")
        body += [f"<p>{_e(p)}</p>" for p in paras]
    if compare or extra_text:
        body.append("<h2>Comparison</h2>" if compare else "<h2>Findings</h2>")
        body += [f"<p>{_e(p)}</p>" for p in (*compare, *extra_text)]
    if verdict is not None:
        body.append("<h2>Verdict in detail</h2>")
        body += [f"<p>{_e(p)}</p>" for p in detail_lines(verdict)]
    body.append("<h2>Figures</h2>")
    for f in figs:
        body.append(f'<figure><img alt="{_e(f.caption)}" src="data:image/png;base64,{_b64(f)}">'
                    f"<figcaption>{_e(f.caption)}</figcaption></figure>")
    sources = [{"design": d.name, "folder": str(d.folder), "seeds": d.seeds} for d in designs]
    body.append(f"<h2>Sources</h2><pre>{_e(json.dumps(sources, ensure_ascii=False, indent=1))}</pre>")
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
    html_path = out / "report.html"
    _write(html_path, page)
    return Report(html_path, md_path, figs, warnings)


def _b64(f: Figure) -> str:
    return base64.b64encode(f.files["png"].read_bytes()).decode("ascii")


def _write(path: Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def experiment_extras(exp: Experiment) -> tuple[list[tuple[str, str, Callable[[Axes], None]]], list[str]]:
    """Figures and sentences particular to a sweep (sensitivity) or a search (Pareto front)."""
    figs: list[tuple[str, str, Callable[[Axes], None]]] = []
    text: list[str] = []
    indices = exp.tables.get("sensitivity", [])
    for k, outcome in enumerate(sorted({str(i["outcome"]) for i in indices})):
        rows = [i for i in indices if i["outcome"] == outcome]
        figs.append((f"sensitivity_{k}", f"Sensitivity of {outcome} to each factor.",
                     lambda ax, rows=rows, outcome=outcome: F.sensitivity(ax, rows, outcome)))
        key = "ST" if any("ST" in r for r in rows) else "mu_star"
        top = max(rows, key=lambda r: float(r.get(key, 0.0) or 0.0))
        if float(top.get(key, 0.0) or 0.0) > 0:
            text.append(f"{outcome} depends most on {top['factor']} ({key} = {float(top.get(key, 0.0)):.2f}).")
        else:
            text.append(f"{outcome} did not vary with any factor in this sweep.")
    trials = exp.tables.get("trials", [])
    front = exp.tables.get("pareto", [])
    if trials and front:
        params = set(exp.manifest.get("spec", {}).get("params", []) and [p.get("name") for p in exp.manifest["spec"]["params"]])
        numeric = [k for k, v in front[0].items() if isinstance(v, (int, float)) and k != "trial" and k not in params]
        if len(numeric) >= 2:
            x, y = numeric[-2], numeric[-1]
            pts = [t for t in trials if isinstance(t.get(x), (int, float)) and isinstance(t.get(y), (int, float))]
            ways = {str(o.get("metric")): str(o.get("direction")) for o in exp.manifest.get("spec", {}).get("objectives", [])
                    if isinstance(o, dict) and o.get("direction")}
            figs.append(("pareto", f"Pareto front: {x} against {y}.", lambda ax: F.pareto(ax, pts, front, x, y, ways)))
            text.append(f"The search found {len(front)} settings on the Pareto front of {x} and {y}.")
    best = exp.tables.get("best", [])
    if best:
        text.append("Best setting found: " + ", ".join(f"{k} = {v}" for k, v in best[0].items()) + ".")
    return figs, text


__all__ = ["Figure", "Report", "build_report", "experiment_extras", "render_figures"]
