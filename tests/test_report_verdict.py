"""The report's opening verdict, honest figures (survival to the duration, at-risk counts, units) and CJK glyphs."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from reports import figures as F  # noqa: E402
from reports.build import build_report  # noqa: E402
from reports.fonts import setup_fonts  # noqa: E402
from reports.results import DesignResults  # noqa: E402
from reports.verdict import key_numbers  # noqa: E402
from sim.base.metrics import catalogue  # noqa: E402


def _bitmap(font: FT2Font, text: str) -> np.ndarray:
    font.set_size(32, 72)
    font.set_text(text, 0.0)
    font.draw_glyphs_to_bitmap()
    return np.asarray(font.get_image()).copy()


def test_chinese_labels_render_as_glyphs_not_the_missing_glyph_box() -> None:
    name = setup_fonts()
    assert name is not None, "no CJK font: noto-cjk-sans-otc is a dependency"
    path = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    chars = sorted({c for m in catalogue() for c in m.label if ord(c) > 0x2E80} | set("新用户群禁止广告"))
    assert len(chars) > 10
    font = FT2Font(path)
    missing = _bitmap(font, "\U000e01ef")  # a code point no font draws: the .notdef box
    for c in chars:
        assert font.get_char_index(ord(c)) != 0, f"{c!r} has no glyph in {name}"
        drawn = _bitmap(font, c)
        assert drawn.sum() > 0 and (drawn.shape != missing.shape or not np.array_equal(drawn, missing)), c


def _design(name: str, lifetimes: list[float], outcomes: list[str], duration: float) -> DesignResults:
    runs = [{"run_id": f"{name}{k}", "seed": k, "outcome": o, "lifetime_days": t, "days_simulated": t,
             "censored": o == "alive"} for k, (t, o) in enumerate(zip(lifetimes, outcomes))]
    manifest = {"designs": [{"label": name, "duration_days": duration}]}
    return DesignResults(name, Path("."), manifest, runs, [])


def test_survival_runs_to_the_duration_when_every_group_blew_up_early() -> None:
    d = _design("storm", [3.0, 4.0, 4.5, 5.0], ["blown_up"] * 4, duration=30.0)
    fig, ax = plt.subplots()
    F.survival(ax, [d])
    xs = ax.lines[0].get_xdata()
    ys = ax.lines[0].get_ydata()
    assert xs[-1] == pytest.approx(30.0) and ys[-1] == 0.0  # the curve falls to 0 and runs on to day 30
    at_risk = [t.get_text() for t in ax.texts if t.get_text().isdigit()]
    assert at_risk == ["4", "0", "0", "0", "0"]  # ticks at 0, 7.5, 15, 22.5, 30
    assert "days" in ax.get_xlabel() and "share" in ax.get_ylabel()
    plt.close(fig)


def test_break_even_line_sits_where_roi_breaks_even() -> None:
    runs = [{"run_id": f"r{k}", "seed": k, "outcome": "alive", "lifetime_days": 8.0, "days_simulated": 8.0,
             "spammer_roi": v} for k, v in enumerate([-0.5, 0.2, 1.5, -0.9])]
    fig, ax = plt.subplots()
    F.adversary_roi(ax, [DesignResults("d", Path("."), {}, runs, [])])
    levels = {round(float(line.get_ydata()[0]), 6) for line in ax.lines if line.get_linestyle() == "--"}
    assert levels == {0.0}  # ROI = (payoff - spent) / spent breaks even at 0, not at 1
    plt.close(fig)


VERDICT = {
    "winner": "kick", "summary": "kick wins: ad views 0 against 181.5 member-views for window <b>x</b>.",
    "deciding": {"metric": "ad_exposure", "label": "ad views", "unit": "member-views", "design": "kick", "baseline": "window",
                 "a": 181.5, "b": 0.0, "difference": -181.5, "low": -318.9, "high": -99.4, "p_holm": 0.011,
                 "test": "sign-flip", "pairs": 40, "verdict": "better"},
    "designs": [], "moved": [], "objective": {"order": ["survival", "final_members", "ad_exposure"], "guards": [],
                                              "declared": False},
    "alpha": 0.05, "correction": "Holm across all 17 tests (every metric and design)", "tests": 17, "power": [],
    "criteria": [], "looks": [],
}


def test_a_report_opens_with_the_verdict_three_numbers_and_one_figure(tmp_path: Path) -> None:
    folder = tmp_path / "exp"
    folder.mkdir()
    (folder / "verdict.json").write_text(json.dumps(VERDICT), encoding="utf-8")
    designs = [DesignResults(n, folder, {"designs": [{"label": n, "duration_days": 8}]},
                             [{"run_id": f"{n}{k}", "seed": k, "outcome": "alive", "lifetime_days": 8.0, "days_simulated": 8.0,
                               "censored": True, "messages_per_day": 3.0 + k, "final_members": 10.0, "mean_satisfaction": 1.0,
                               "ad_exposure": a} for k in range(4)], []) for n, a in (("window", 180.0), ("kick", 0.0))]
    rep = build_report(designs, tmp_path / "rep")
    page = rep.html.read_text(encoding="utf-8")
    summary = page[page.index('<section class="summary"'):page.index("</section>")]
    assert page.index('id="verdict"') < page.index("<table")  # the verdict comes first
    assert "kick wins: ad views" in summary and "&lt;b&gt;x&lt;/b&gt;" in summary  # user text escaped
    assert summary.count("<li>") == 3 and summary.count("<img") == 1
    assert "Holm" in page
    md = rep.markdown.read_text(encoding="utf-8")
    assert md.index("## Verdict") < md.index("| design |")
    assert key_numbers(VERDICT)[1].startswith("difference -181.5 member-views")


def test_a_report_without_a_verdict_opens_with_a_plain_summary() -> None:
    from reports.verdict import unjudged_summary

    runs = [{"run_id": f"r{k}", "seed": k, "outcome": "alive" if k < 3 else "dead", "final_members": 10.0 + k,
             "ad_exposure": 0.0} for k in range(4)]
    one = DesignResults("solo", Path("."), {}, runs, [])
    head, numbers = unjudged_summary([one])
    assert head.startswith("solo: 75% of 4 runs survived") and "no verdict" in head
    assert len(numbers) == 3 and numbers[0].startswith("survived (share of runs, 95% interval): solo 75% (")
    assert "final members (members, 95% interval): solo 11.5 (" in numbers[1]
    head, numbers = unjudged_summary([one, DesignResults("other", Path("."), {}, runs, [])])
    assert head.startswith("No verdict") and "groupsim compare" in head and "other" in numbers[2]
