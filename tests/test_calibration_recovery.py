"""Calibration recovers the parameters that made a log (issue 19 item 5), and writes a scenario that runs.

A bundled scenario is simulated, its event log exported as a chat export (each
seed in one of the five formats in turn), imported like a real one, and
calibrated; the fitted 95% intervals should hold the true values in at least
90% of seeds. Figures (seeds 100-119, new_customer_well_run, direct fits): join
rate 19/20, posting-rate median 19/20, its sigma 19/20, hourly shares 93.5% of
seed-hours, weekday shares 97.9% of seed-weekdays (docs/MODEL.md, "Calibration",
says why the first version covered the median in only 17/20).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import chatlog_exports as ex
from sim.base.chatlog import read_events
from sim.base.clock import CHAT_PROFILE
from sim.calibration import calibrate, from_run_log
from sim.cli.app import app
from sim.run.runner import run_one
from sim.spec.scenario import Scenario, load_scenario, resolve_ruleset

ROOT = Path(__file__).resolve().parent.parent
# new_customer_well_run's arrivals (4 a day), with the members' posting rate set to this truth (the method is
# tested on known parameters; the model's default, lognormal sigma 3.5 since issue 16 item 3, leaves four in
# five members silent for a month and the median then rests on very few posters).
TRUTH = {"rate_per_day": 4.0, "median": 0.02, "sigma": 2.2}


@pytest.fixture(scope="module")
def salt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("salt") / "salt"
    path.write_text("ab" * 32, encoding="ascii")
    return path


# The claim here is about posting, so the keyword rule keeps to words only spammers use: with the
# bundled `basic` list, members' own coupon questions and shop links (scenarios/texts/) get them warned,
# deleted and kicked, the heavy posters' record is cut short, and the sigma is recovered in only 8/20
# seeds (issue 15 item 3; reported, not tuned away).
_SPAMMER_WORDS = ["加微信", "代购", "兼职", "招代理", "返利", "加v"]


def _simulated(seed: int) -> list:
    scenario = load_scenario(ROOT / "scenarios" / "new_customer_well_run.yaml")
    data = scenario.model_dump(mode="json", by_alias=True)
    for entry in data["population"]:
        if entry["role"] == "member":
            entry.setdefault("params", {})["post_rate"] = {"dist": "lognormal", "median": TRUTH["median"],
                                                           "sigma": TRUTH["sigma"]}
    data["ruleset"] = {"name": "basic, spammers' words", "rules": [
        {"use": "ban_ads_and_links", "params": {"kick_after": 2, "links": False, "keywords": _SPAMMER_WORDS},
         "executor": "operator"},
        {"use": "flood_limit", "params": {"max_messages": 5, "window_seconds": 60, "mute_minutes": 60}, "executor": "bot"},
    ]}
    tables = run_one(resolve_ruleset(Scenario.model_validate(data)), seed)
    return from_run_log(tables.events, tables.agents)


FORMATS = ("csv", "jsonl", "telegram", "whatsapp", "discord")


def recovery(seeds: range, folder: Path, salt: Path) -> dict[str, float]:
    """Share of seeds (of seed-hours, seed-weekdays) whose 95% interval holds the true value, per parameter.

    Seed ``s`` is exported in ``FORMATS[s % 5]``, so every import format is part of the recovery.
    """
    truth_hours = np.array(CHAT_PROFILE) / sum(CHAT_PROFILE)
    hits: dict[str, list[bool]] = {"join_rate": [], "post_median": [], "post_sigma": [], "hourly": [], "weekly": []}
    for seed in seeds:
        fmt = FORMATS[seed % len(FORMATS)]
        path = ex.export(_simulated(seed), folder / f"{seed}.{fmt}", fmt)
        cal = calibrate(read_events(path, salt_file=salt), members=300)
        hits["join_rate"].append(cal.join_rate.low <= TRUTH["rate_per_day"] <= cal.join_rate.high)
        hits["post_median"].append(cal.post_median.low <= TRUTH["median"] <= cal.post_median.high)
        hits["post_sigma"].append(cal.post_sigma.low <= TRUTH["sigma"] <= cal.post_sigma.high)
        hits["hourly"] += [h.low <= v <= h.high for h, v in zip(cal.hourly, truth_hours)]
        hits["weekly"] += [w.low <= 1 / 7 <= w.high for w in cal.weekly]  # the model has no weekly cycle
    return {k: float(np.mean(v)) for k, v in hits.items()}


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "since this round's member mechanisms (attention caps and satisfaction-driven engagement, issue 15 item 5; "
    "issue 16 items 2-3) the posts a member writes are no longer the nominal post_rate: seed 100 fits median "
    "0.086 [0.076, 0.098] and sigma 1.21 [1.09, 1.35] against a nominal 0.02 and 2.2, with or without bursty "
    "timing. The fit reads the effective rate; recovering the nominal one needs --correct-rounds (indirect "
    "inference) in the test. Recorded in docs/MODEL.md, not tuned; strict, so it fails once recovery is back."))
def test_parameters_are_recovered_from_an_exported_log(tmp_path: Path, salt: Path) -> None:
    coverage = recovery(range(100, 120), tmp_path, salt)
    assert all(c >= 0.9 for c in coverage.values()), coverage


@pytest.mark.parametrize("fmt", ["jsonl", "telegram", "whatsapp", "discord"])
def test_every_export_format_carries_the_same_log(fmt: str, tmp_path: Path, salt: Path) -> None:
    events = _simulated(7)
    baseline = [(e.time, e.event) for e in read_events(ex.export(events, tmp_path / "a.csv", "csv"), salt_file=salt)]
    other = [(e.time, e.event) for e in read_events(ex.export(events, tmp_path / f"b.{fmt}", fmt), salt_file=salt)
             if e.time < 1_800_000_000]
    if fmt == "whatsapp":  # minutes only, plus the line that shows the date order
        baseline = [(t // 60 * 60, k) for t, k in baseline]
        other = other[: len(baseline)]
    if fmt == "telegram":
        baseline = [(t, "kick" if k == "leave" else k) for t, k in baseline]
    if fmt == "discord":
        baseline = [(t, "leave" if k == "kick" else k) for t, k in baseline]
    assert other == baseline


def test_calibrate_writes_a_scenario_that_validates_and_runs(tmp_path: Path, salt: Path) -> None:
    log = ex.export(_simulated(3), tmp_path / "log.csv", "csv")
    out = tmp_path / "my_group.yaml"
    result = CliRunner().invoke(app, ["calibrate", str(log), "--members", "300", "--out", str(out), "--salt-file", str(salt),
                                      "--report", str(tmp_path / "fit")])
    assert result.exit_code == 0, result.output
    import json

    fit = json.loads((tmp_path / "fit" / "fit.json").read_text(encoding="utf-8"))
    assert 0 <= fit["inter_message_times"]["ks_statistic"] <= 1 and fit["hourly_profile"]["largest_share_difference"] < 0.05
    assert all((tmp_path / "fit" / f).stat().st_size > 1000 for f in ("hourly.png", "lorenz.png", "gaps.png", "size.png"))
    assert {"burstiness", "reply_share", "forms", "group_size", "leaves_per_day"} <= set(fit)
    assert 0 < fit["reply_share"]["simulated"] < 1 and fit["burstiness"]["observed"][1] <= fit["burstiness"]["observed"][0]
    assert "KS statistic" in (tmp_path / "fit" / "fit.md").read_text(encoding="utf-8")
    text = out.read_text(encoding="utf-8")
    assert "95% CI" in text and "members (messages a day)" in text and "joins" in text
    assert CliRunner().invoke(app, ["validate", str(out)]).exit_code == 0
    fitted = load_scenario(out)
    assert isinstance(fitted, Scenario) and fitted.group.initial_members == 300
    assert CliRunner().invoke(app, ["calibrate", str(log), "--out", str(out)]).exit_code == 2  # exists: --force
    run_one(fitted.with_values(duration_days=2.0), 1)


def test_too_little_to_calibrate_is_a_clean_error(tmp_path: Path, salt: Path) -> None:
    log = ex.groupsim_csv(tmp_path / "tiny.csv")
    result = CliRunner().invoke(app, ["calibrate", str(log), "--out", str(tmp_path / "x.yaml"), "--salt-file", str(salt)])
    assert result.exit_code == 2 and "too few" in result.output and "Traceback" not in result.output
