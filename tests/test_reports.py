"""Reports from result folders: figures, text, HTML safety, CJK fonts, and a real browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from reports import figures as F  # noqa: E402
from reports.build import build_report  # noqa: E402
from reports.fonts import setup_fonts  # noqa: E402
from reports.narrative import comparison_text, design_text  # noqa: E402
from reports.results import DesignResults, load_design, load_designs  # noqa: E402
from sim.cli.app import app  # noqa: E402
from sim.run.runner import replicate, write_results  # noqa: E402
from sim.spec.scenario import Scenario, load_scenario  # noqa: E402
from sim.testing import scenario_yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [1, 2, 3, 4]


def _shrunk(name: str, **group: object) -> Scenario:
    data = load_scenario(ROOT / "scenarios" / name).model_dump(mode="json", by_alias=True)
    data["duration_days"] = 8
    data["group"].update(group)
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("results")
    designs = {
        "good": _shrunk("new_customer_well_run.yaml", initial_members=80),
        "spam": _shrunk("unmoderated_spam.yaml", initial_members=60),
    }
    folders = {}
    for key, sc in designs.items():
        folders[key] = out / key
        write_results(folders[key], sc, replicate(sc, SEEDS, workers=1))
    return folders


def _png_has_content(path: Path) -> bool:
    img = mpimg.imread(path)
    return img.ndim == 3 and float(img[..., :3].std()) > 0.01


def test_report_renders_all_files(results: dict[str, Path], tmp_path: Path) -> None:
    rep = build_report(load_designs([results["good"], results["spam"]]), tmp_path / "rep")
    assert rep.html.exists() and rep.markdown.exists()
    stems = {f.stem for f in rep.figures}
    assert {"outcomes", "survival", "timeline_members", "comparison", "rules_0", "adversary_roi"} <= stems
    for f in rep.figures:
        assert f.files["png"].stat().st_size > 2000 and _png_has_content(f.files["png"]), f.stem
        assert f.files["svg"].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    page = rep.html.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == len(rep.figures) + 1  # every figure, and one in the opening summary
    summary = page[page.index('id="summary"'):page.index("</section>")]  # no paired comparison: no verdict, said plainly
    assert page.index('id="summary"') < page.index("<table>") and "No verdict" in summary and "<img" in summary
    assert all(m in summary for m in ("survived", "final members", "ad views"))
    assert "http://" not in page.replace("http://www.w3.org", "") and "src=\"http" not in page and "<script" not in page


def test_figures_differ_between_designs_that_differ(results: dict[str, Path]) -> None:
    good, spam = load_design(results["good"]), load_design(results["spam"])
    lines = []
    for d in (good, spam):
        fig, ax = plt.subplots()
        F.timeline(ax, [d], "ad_share", "ad share")
        lines.append(np.asarray(ax.lines[0].get_ydata(), dtype=float))
        plt.close(fig)
    n = min(len(lines[0]), len(lines[1]))
    assert not np.allclose(lines[0][:n], lines[1][:n])
    assert np.nanmax(lines[1]) > np.nanmax(lines[0])  # the unmoderated group shows more ads


def test_every_figure_function_draws_something(results: dict[str, Path]) -> None:
    designs = load_designs([results["good"], results["spam"]])
    draws = [
        lambda ax: F.survival(ax, designs),
        lambda ax: F.outcome_breakdown(ax, designs),
        lambda ax: F.comparison(ax, designs, [("messages_per_day", "messages/day")]),
        lambda ax: F.messages_by_kind(ax, designs[0]),
        lambda ax: F.rule_effectiveness(ax, designs[0]),
        lambda ax: F.sensitivity(ax, [{"factor": "ad_rate", "S1": 0.4, "S1_conf": 0.1, "ST": 0.5, "ST_conf": 0.1}], "alive"),
        lambda ax: F.pareto(ax, [{"a": 1.0, "b": 3.0}, {"a": 2.0, "b": 1.0}, {"a": 3.0, "b": 3.0}],
                            [{"a": 1.0, "b": 3.0}, {"a": 2.0, "b": 1.0}], "a", "b"),
    ]
    for draw in draws:
        fig, ax = plt.subplots()
        draw(ax)
        assert ax.has_data() or ax.texts, draw
        plt.close(fig)


def test_text_names_the_failure_mode_and_the_winner(results: dict[str, Path]) -> None:
    good, spam = load_design(results["good"]), load_design(results["spam"])
    spam_text = " ".join(design_text(spam))
    assert "ad group (广告群)" in spam_text and "on day" in spam_text
    assert "ad share rose" in spam_text
    compare = " ".join(comparison_text([spam, good]))
    assert f"On survival, {good.name} wins" in compare and "percentage points" in compare


def test_comparison_text_covers_the_metrics_a_comparison_asked_for(results: dict[str, Path]) -> None:
    """`groupsim compare --metric` stores its metrics in the manifest; the text then covers each one."""
    good, spam = load_design(results["good"]), load_design(results["spam"])
    # labels come from the metrics catalogue (msgs_ad is "ads posted 广告"), and its direction says better or worse
    assert "ads posted" not in " ".join(comparison_text([spam, good]))
    spam.manifest = {**spam.manifest, "metrics": ["msgs_ad"]}
    text = " ".join(comparison_text([spam, good]))
    assert "lower ads posted 广告 than" in text and "better)" in text


def test_comparison_text_states_a_difference_from_zero_in_the_measures_units() -> None:
    def design(name: str, talks: list[float]) -> DesignResults:
        runs = [{"seed": s, "run_id": f"{name}#{s}", "outcome": "alive", "lifetime_days": 5.0, "censored": True,
                 "messages_per_day": 10.0 + s, "mean_satisfaction": 1.0, "private_talks": t} for s, t in enumerate(talks)]
        return DesignResults(name, Path("."), {"metrics": ["private_talks"]}, runs, [])

    text = " ".join(comparison_text([design("token", [0, 0, 0, 0]), design("private", [80, 75, 90, 85])]))
    assert "private had 82.5 private talks 私聊 against none for token" in text  # the catalogue's label


def test_chinese_text_renders_with_a_cjk_font(tmp_path: Path) -> None:
    font = setup_fonts()
    assert font is not None, "no CJK font: install noto-cjk-sans-otc"
    fig, ax = plt.subplots()
    ax.set_title("新用户群 死群 广告群 暴雷 禁止广告")
    fig.savefig(tmp_path / "cjk.png")  # a missing glyph would warn, and warnings are errors here
    plt.close(fig)


def _renamed(folder: Path, dest: Path, name: str) -> Path:
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    shutil.copytree(folder, dest)
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    manifest["scenario"] = name
    (dest / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    table = pq.read_table(dest / "summary.parquet")
    table = table.set_column(table.schema.get_field_index("scenario"), "scenario", pa.array([name] * table.num_rows))
    table = table.set_column(
        table.schema.get_field_index("outcome_reason"), "outcome_reason", pa.array([name] * table.num_rows)
    )
    pq.write_table(table, dest / "summary.parquet")
    return dest


EVIL = "<script>alert(1)</script>"


def test_user_strings_are_escaped_in_html(results: dict[str, Path], tmp_path: Path) -> None:
    evil = _renamed(results["spam"], tmp_path / "evil", EVIL)
    rep = build_report(load_designs([results["good"], evil]), tmp_path / "rep")
    page = rep.html.read_text(encoding="utf-8")
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_report_opens_in_headless_chromium_without_errors(results: dict[str, Path], tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (Debian package `chromium`; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    evil = _renamed(results["spam"], tmp_path / "evil", EVIL)
    rep = build_report(load_designs([results["good"], evil]), tmp_path / "rep")
    problems: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-quic", "--no-first-run"],
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
            page.goto(rep.html.as_uri(), wait_until="load")
            assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
            assert page.evaluate("document.images.length") == len(rep.figures) + 1  # and the opening summary's figure
            assert EVIL in page.inner_text("body")  # shown as text, not run
        finally:
            browser.close()
    assert problems == []


def test_cli_report_and_errors(results: dict[str, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["report", str(results["good"]), "--out", str(tmp_path / "r")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r" / "report.html").exists()
    bad = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert bad.exit_code == 2 and "not a results folder" in bad.output
    assert "Example" in runner.invoke(app, ["report", "--help"]).output


def test_design_series_pads_ended_runs_with_nan(results: dict[str, Path]) -> None:
    d: DesignResults = load_design(results["spam"])
    days, values = d.series("members")
    assert values.shape == (len(SEEDS), len(days))
    ended = [k for k, r in enumerate(d.runs) if r["lifetime_days"] < len(days) - 1]
    for k in ended:
        assert np.isnan(values[k, -1])


def test_report_of_a_compare_experiment_and_of_a_sweep(tmp_path: Path) -> None:
    import json

    files = []
    for name, group in (("new_customer_well_run.yaml", {"initial_members": 60}), ("unmoderated_spam.yaml", {"initial_members": 60})):
        path = tmp_path / name
        path.write_text(scenario_yaml(_shrunk(name, **group)), encoding="utf-8")
        files.append(str(path))
    runner = CliRunner()
    exp = tmp_path / "cmp"
    res = runner.invoke(app, ["compare", *files, "--seeds", "3", "-j", "1", "-q", "--out", str(exp), "--report"])
    assert res.exit_code == 0, res.output
    page = (exp / "report" / "report.html").read_text(encoding="utf-8")
    assert "On survival" in page and "comparison" in {f.name.split(".")[0] for f in (exp / "report" / "figures").iterdir()}
    # the same runs read as a sweep with sensitivity indices
    sweep = tmp_path / "sweep"
    shutil.copytree(exp, sweep, ignore=shutil.ignore_patterns("report"))
    manifest = json.loads((sweep / "manifest.json").read_text(encoding="utf-8"))
    manifest["kind"] = "sweep"
    (sweep / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    indices = [{"outcome": "ad_share", "factor": "spammers", "S1": 0.7, "S1_conf": 0.1, "ST": 0.8, "ST_conf": 0.1},
               {"outcome": "ad_share", "factor": "kick_after", "S1": 0.1, "S1_conf": 0.05, "ST": 0.2, "ST_conf": 0.05}]
    (sweep / "sensitivity.json").write_text(json.dumps(indices), encoding="utf-8")
    res = runner.invoke(app, ["report", str(sweep), "--out", str(tmp_path / "rs")])
    assert res.exit_code == 0, res.output
    md = (tmp_path / "rs" / "summary.md").read_text(encoding="utf-8")
    assert "ad_share depends most on spammers" in md and (tmp_path / "rs" / "figures" / "sensitivity_0.png").exists()


def test_social_graph_on_chosen_days(results: dict[str, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["report", str(results["spam"]), "--out", str(tmp_path / "r"), "--graph-days", "0,3"])
    assert res.exit_code == 0, res.output
    graphs = sorted(p.name for p in (tmp_path / "r" / "figures").glob("graph_*.png"))
    assert graphs == ["graph_0_day0.png", "graph_0_day3.png"]
    assert _png_has_content(tmp_path / "r" / "figures" / "graph_0_day3.png")
    bad = runner.invoke(app, ["report", str(results["spam"]), "--graph-days", "soon"])
    assert bad.exit_code == 2 and "--graph-days" in bad.output
