"""Every axis of every figure says its unit, from the metrics catalogue (and which way is better, where it decides)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from reports import figures as F  # noqa: E402
from reports.build import COMPARED, TIMELINES  # noqa: E402
from reports.fonts import setup_fonts  # noqa: E402
from reports.results import DesignResults, load_designs  # noqa: E402
from sim.base.metrics import daily, metric  # noqa: E402
from sim.run.runner import replicate, write_results  # noqa: E402
from sim.spec.scenario import Scenario, load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_NUMBER = re.compile(r"^[+\-−]?[\d.,]+(e[+\-−]?\d+)?[%x×]?$")
_UNIT = re.compile(r"\(([^()]*\w[^()]*)\)")


def _shrunk(name: str, ruleset: str | None = None) -> Scenario:
    data = load_scenario(ROOT / "scenarios" / name).model_dump(mode="json", by_alias=True)
    data.update(duration_days=6)
    data["group"]["initial_members"] = 50
    if ruleset is not None:
        data["ruleset"] = ruleset
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def designs(tmp_path_factory: pytest.TempPathFactory) -> list[DesignResults]:
    setup_fonts()  # labels hold Chinese (死群), drawn with the bundled CJK font as in a report
    out = tmp_path_factory.mktemp("units")
    folders = []
    for key, sc in (("spam", _shrunk("unmoderated_spam.yaml")), ("kick", _shrunk("unmoderated_spam.yaml", "no_ads_kick"))):
        write_results(out / key, sc, replicate(sc, [1, 2, 3], workers=1))
        folders.append(out / key)
    return load_designs(folders)


def _numeric(labels: list[str]) -> bool:
    shown = [t.replace("\u2212", "-").strip() for t in labels if t.strip()]
    return bool(shown) and all(_NUMBER.match(t) for t in shown)


def _axes_problems(ax: Axes) -> list[str]:
    """What is missing: a label on an axis with ticks, a unit "(...)" on a numeric one."""
    if not ax.axison:
        return []  # a drawing without axes (the social graph)
    problems = []
    for name, axis, label in (("x", ax.xaxis, ax.get_xlabel()), ("y", ax.yaxis, ax.get_ylabel())):
        ticks = [t.get_text() for t in axis.get_ticklabels() if t.get_visible()]
        if not any(t.strip() for t in ticks):
            continue  # no ticks: nothing on this axis to read (an empty figure's message)
        if not label.strip():
            problems.append(f"{name} axis has ticks {ticks[:3]} but no label")
        elif _numeric(ticks) and not _UNIT.search(label):
            problems.append(f"{name} axis {label!r} has no unit in parentheses")
    return problems


def _kinds(designs: list[DesignResults]) -> dict[str, Callable[[Axes], None]]:
    kinds: dict[str, Callable[[Axes], None]] = {
        "outcomes": lambda ax: F.outcome_breakdown(ax, designs),
        "survival": lambda ax: F.survival(ax, designs),
        "comparison": lambda ax: F.comparison(ax, designs, COMPARED),
        "messages_by_kind": lambda ax: F.messages_by_kind(ax, designs[0]),
        "rule_effectiveness": lambda ax: F.rule_effectiveness(ax, designs[1]),
        "adversary_roi": lambda ax: F.adversary_roi(ax, designs),
        "social_graph": lambda ax: F.social_graph(ax, designs[0], 1.0),
        "sensitivity_sobol": lambda ax: F.sensitivity(
            ax, [{"factor": "ad_rate", "S1": 0.4, "S1_conf": 0.1, "ST": 0.5, "ST_conf": 0.1},
                 {"factor": "kick_after", "S1": 0.1, "S1_conf": 0.05, "ST": 0.2, "ST_conf": 0.05}], "ad_share"),
        "sensitivity_morris": lambda ax: F.sensitivity(
            ax, [{"factor": "ad_rate", "mu_star": 3.0, "mu_star_conf": 0.5, "sigma": 1.0}], "messages_per_day"),
        "pareto": lambda ax: F.pareto(ax, [{"ad_exposure": 1.0, "survival": 0.6}, {"ad_exposure": 3.0, "survival": 0.9},
                                           {"ad_exposure": 2.0, "survival": 0.5}],
                                      [{"ad_exposure": 1.0, "survival": 0.6}, {"ad_exposure": 3.0, "survival": 0.9}],
                                      "ad_exposure", "survival", {"ad_exposure": "minimize", "survival": "maximize"}),
    }
    for key in TIMELINES:
        day = daily(key)
        kinds[f"timeline_{key}"] = lambda ax, key=key, day=day: F.timeline(ax, designs, key, day.label, day.unit)
    return kinds


def test_every_axis_of_every_figure_kind_carries_a_unit(designs: list[DesignResults]) -> None:
    problems = {}
    drawn = 0
    for kind, draw in _kinds(designs).items():
        fig, ax = plt.subplots()
        try:
            draw(ax)
            fig.canvas.draw()  # tick labels are set when drawn
            drawn += bool(ax.has_data() or ax.collections or ax.patches)
            if found := _axes_problems(ax):
                problems[kind] = found
        finally:
            plt.close(fig)
    assert problems == {}
    assert drawn >= 12  # the figures drew data, not empty-figure messages


def test_the_check_catches_an_axis_without_a_unit() -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 2])
    ax.set_xlabel("day of the run (days)")
    ax.set_ylabel("messages")
    fig.canvas.draw()
    assert _axes_problems(ax) == ["y axis 'messages' has no unit in parentheses"]
    plt.close(fig)


def test_sensitivity_and_pareto_units_come_from_the_catalogue() -> None:
    fig, ax = plt.subplots()
    F.sensitivity(ax, [{"factor": "f", "mu_star": 2.0, "mu_star_conf": 0.1}], "messages_per_day")
    assert metric("messages_per_day").unit in ax.get_xlabel() and "Morris" in ax.get_xlabel()
    ax.clear()
    F.sensitivity(ax, [{"factor": "f", "S1": 0.2, "S1_conf": 0.1}], "ad_share")
    assert "Sobol" in ax.get_xlabel() and metric("ad_share").label in ax.get_xlabel() and "0 to 1" in ax.get_xlabel()
    ax.clear()
    F.pareto(ax, [{"ad_exposure": 1.0, "final_members": 2.0}], [{"ad_exposure": 1.0, "final_members": 2.0}],
             "ad_exposure", "final_members")
    assert ax.get_xlabel() == f"{metric('ad_exposure').label} ({metric('ad_exposure').unit}; lower is better)"
    assert ax.get_ylabel() == f"{metric('final_members').label} ({metric('final_members').unit}; higher is better)"
    ax.clear()
    F.pareto(ax, [{"ad_exposure": 1.0, "b": 2.0}], [{"ad_exposure": 1.0, "b": 2.0}], "ad_exposure", "b",
             {"ad_exposure": "maximize"})  # a search's declared direction wins; an undeclared column says so
    assert "higher is better" in ax.get_xlabel() and ax.get_ylabel() == "b (value)"
    plt.close(fig)
