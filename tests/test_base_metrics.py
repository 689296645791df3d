"""The metrics catalogue: every summary column is declared once, and everything reads it.

A new metric is added in at most 2 files: the summary that computes it and its
catalogue entry. ``test_every_summary_key_is_declared`` fails for a summary key
that has no entry (so a metric cannot be added silently), and
``test_a_new_metric_needs_only_its_catalogue_entry`` shows that with the entry
the run table, compare and the report pick it up with no other change.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path
from typing import Any

import pytest

from sim.base.metrics import (
    CATALOGUE, HEADLINE, NON_METRICS, Metric, catalogue, find, headline, label, metric, outcome_shares, portfolio_totals,
    undeclared,
)
from sim.run.engine import run_scenario
from sim.spec.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted((ROOT / "scenarios" / "presets").glob("*.yaml"))


@pytest.fixture(scope="module")
def summaries() -> dict[str, dict[str, Any]]:
    out = {}
    for path in BUNDLED:
        sc = load_scenario(path)
        out[path.name] = run_scenario(sc, sc.seed).summary
    return out


def test_every_summary_key_is_declared(summaries: dict[str, dict[str, Any]]) -> None:
    assert len(summaries) >= 18
    for name, summary in summaries.items():
        assert undeclared(summary) == [], f"{name}: declare these in sim/base/metrics.py (or as NON_METRICS)"


def test_portfolio_totals_are_declared() -> None:
    from sim.run.portfolio import PortfolioRun, load_portfolio

    spec, scenarios = load_portfolio(ROOT / "scenarios" / "portfolios" / "private_domain.yaml")
    totals = PortfolioRun(spec, scenarios, spec.seed).run()
    assert undeclared(totals) == []
    assert all(m.name in totals for m in portfolio_totals())


def test_declared_metrics_are_computed_somewhere(summaries: dict[str, dict[str, Any]]) -> None:
    """No stale entries: every non-derived, non-portfolio metric is a column of the run summary."""
    columns = set().union(*summaries.values())
    portfolio_only = {"funnel_moves", "adversary_moves", "blacklisted", "blacklist_refusals", "shared_members",
                      "attention_skipped_total"}
    stale = [m.name for m in catalogue() if not m.derived and m.name not in columns | portfolio_only]
    assert stale == []
    assert not (NON_METRICS & set(CATALOGUE))


def test_entries_are_well_formed() -> None:
    for m in catalogue():
        assert m.better in ("higher", "lower", "neither"), m
        assert m.label and m.unit and m.meaning and "\n" not in m.meaning, m
        lo, hi = m.range
        assert lo <= hi, m
        if m.kind == "share":
            assert 0.0 <= lo and hi <= 1.0, m
        if m.kind in ("count", "minutes", "days"):
            assert lo == 0.0 and hi == math.inf, m
        assert m.interval in ("wilson", "kaplan-meier", "bca", "t"), m


def test_headline_is_one_list(summaries: dict[str, dict[str, Any]]) -> None:
    from sim.cli.tables import KEY_METRICS
    from reports.build import COMPARED

    assert [m.name for m in headline()] == list(HEADLINE) == list(COMPARED) == [m.name for m in KEY_METRICS]
    some = next(iter(summaries.values()))
    assert all(name in some for name in HEADLINE)


def test_lookup_aliases_and_directions() -> None:
    assert metric("activity") is metric("messages_per_day")
    assert find("no_such_column") is None and label("no_such_column") == "no_such_column"
    with pytest.raises(KeyError, match="metrics catalogue"):
        metric("no_such_column")
    assert metric("dead").label == "dead 死群" and metric("dead").binary and metric("dead").interval == "wilson"
    assert metric("lifetime_days").interval == "kaplan-meier"
    assert metric("ad_exposure").direction(5.0) == "worse" and metric("final_members").direction(5.0) == "better"
    assert metric("kicks").direction(5.0) == "different"
    assert metric("adversary_roi").break_even == 0.0 and metric("return_on_effort").break_even == 1.0
    assert [m.name for m in outcome_shares()] == ["alive", "dead", "ad_group", "blown_up", "dissolved"]
    assert metric("ad_share").difference_range == (-1.0, 1.0)


def test_a_new_metric_needs_only_its_catalogue_entry(summaries: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    """File 1: the summary computes ``welcome_replies``; file 2: its catalogue entry. Nothing else changes."""
    from reports.narrative import comparison_text
    from reports.results import DesignResults
    from sim.cli.tables import results_table
    from sim.experiments.compare import CompareArm, paired_report

    base = summaries["new_customer_well_run.yaml"]
    runs = [{**base, "seed": s, "run_id": f"r{s}", "welcome_replies": float(s)} for s in range(6)]
    assert undeclared(runs[0]) == ["welcome_replies"]  # the completeness test fails until the entry exists
    monkeypatch.setitem(CATALOGUE, "welcome_replies", Metric(
        "welcome_replies", "messages", "count", "higher", "welcome replies 欢迎", "replies to a newcomer's welcome"))
    assert undeclared(runs[0]) == []

    table = results_table(runs, "t", metrics=(*headline(), metric("welcome_replies")))
    assert "mean welcome replies 欢迎" in [str(c) for c in table.columns[0]._cells]

    sc = load_scenario(ROOT / "scenarios" / "new_customer_well_run.yaml")
    arms = [CompareArm("a", sc), CompareArm("b", sc)]
    rows = [{**r, "point": p, "status": "ok", "welcome_replies": float(r["seed"]) + 5 * p} for p in (0, 1) for r in runs]
    row = next(r for r in paired_report(arms, rows, list(range(6)), ["welcome_replies"]) if r["measure"] == "welcome_replies")
    assert row["label"] == "welcome replies 欢迎" and row["verdict"] == "better" and row["difference"] == 5.0
    from sim.cli.tables import comparison_table

    shown = comparison_table([row], "t")
    assert [str(c) for c in shown.columns[0]._cells] == ["welcome replies 欢迎"] and list(shown.columns[6]._cells) == ["better"]

    a = DesignResults("a", Path("."), {"metrics": ["welcome_replies"]}, [r for r in rows if r["point"] == 0], [])
    b = DesignResults("b", Path("."), {}, [r for r in rows if r["point"] == 1], [])
    assert "higher welcome replies 欢迎 than a" in " ".join(comparison_text([a, b]))


def test_reports_import_only_the_base_layer() -> None:
    """reports/ reads result files and base types only: its `sim` imports are all sim.base."""
    bad = []
    for path in sorted((ROOT / "reports").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            bad += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "sim" and not n.startswith("sim.base")]
    assert bad == []


def test_daily_series_the_reports_draw_are_declared_columns() -> None:
    from reports.build import TIMELINES
    from reports.narrative import WATCHED
    from sim.base.metrics import DAILY, daily

    sc = load_scenario(ROOT / "scenarios" / "new_customer_well_run.yaml")
    days = run_scenario(sc, sc.seed).days
    assert set(DAILY) <= set(days[0])
    assert all(daily(k).label and daily(k).unit for k in (*TIMELINES, *WATCHED))


def test_search_objectives_take_their_direction_from_the_catalogue(tmp_path: Path) -> None:
    from rules import InputError
    from sim.experiments.optimize import load_search

    base = ROOT / "scenarios" / "new_customer_well_run.yaml"

    def search(objectives: str) -> Path:
        p = tmp_path / "s.yaml"
        p.write_text(f"name: s\nbase: {base}\nparams:\n  - {{path: ruleset.rules.0.params.kick_after, low: 1, high: 5, integer: true}}\n"
                     f"objectives: {objectives}\ntrials: 2\nseeds: 1\n", encoding="utf-8")
        return p

    spec = load_search(search("[{metric: ad_exposure}, {metric: survival}, {metric: kicks, direction: maximize}]")).spec
    assert [o.direction for o in spec.objectives] == ["minimize", "maximize", "maximize"]
    with pytest.raises(InputError, match="neither higher nor lower is better"):
        load_search(search("[{metric: kicks}]"))


def test_survival_figure_runs_to_the_simulated_time_and_breaks_even_where_the_metric_does() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from reports import figures as F
    from reports.results import DesignResults

    runs = [{"seed": s, "run_id": f"r{s}", "outcome": "blown_up", "lifetime_days": 2.0 + s, "censored": False,
             "days_simulated": 30.0, "adversary_roi": 3.0} for s in range(4)]
    d = DesignResults("all blew up", Path("."), {}, runs, [])
    fig, ax = plt.subplots()
    F.survival(ax, [d])
    assert ax.get_xlim()[1] >= 30.0  # not cut at the last event (day 5)
    plt.close(fig)
    fig, ax = plt.subplots()
    F.adversary_roi(ax, [d])
    evens = sorted(line.get_ydata()[0] for line in ax.lines)
    assert evens == [0.0]  # ROI = (payoff - spent) / spent breaks even at 0, not at 1
    plt.close(fig)
