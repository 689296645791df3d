"""examples/own_group/walkthrough.sh, run as a user runs it, on a synthetic WhatsApp export the test writes (issue 19 item 6).

Import, calibrate (with its fit report), validate, and compare the calibrated
group with itself under a stricter ruleset on common seeds, with reports.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import chatlog_exports as ex
from sim.calibration import from_run_log
from sim.run.runner import run_one
from sim.spec.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "own_group"


@pytest.mark.slow
def test_the_walkthrough_runs_on_a_synthetic_export(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "scenarios" / "new_customer_well_run.yaml").with_values(duration_days=5.0)
    tables = run_one(scenario, 21)
    work = tmp_path / "work"
    work.mkdir()
    ex.export(from_run_log(tables.events, tables.agents), work / "_chat.txt", "whatsapp")
    bin_dir = Path(sys.executable).parent
    assert shutil.which("groupsim", path=str(bin_dir)), "groupsim is not installed next to this python"
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "SEEDS": "2"}
    done = subprocess.run(["bash", str(EXAMPLE / "walkthrough.sh"), str(work)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert (work / "imported" / "events.parquet").stat().st_size > 0
    text = (work / "my_group.yaml").read_text(encoding="utf-8")
    assert "95% CI" in text and "burstiness" in text and "Gini" in text
    assert "KS statistic" in (work / "fit" / "fit.md").read_text(encoding="utf-8")
    for name in ("compare", "compare_spam"):
        manifest = json.loads((work / name / "manifest.json").read_text(encoding="utf-8"))
        assert [d["ruleset"] for d in manifest["designs"]] == ["none", "stricter"]
        stem = "my_group" if name == "compare" else "spam"
        assert [d["label"] for d in manifest["designs"]] == [stem, f"{stem}+stricter"]
        assert (work / name / "report" / "report.html").stat().st_size > 1000
    rows = json.loads((work / "compare_spam" / "comparison.json").read_text(encoding="utf-8"))
    kicks = next(r for r in rows if r["metric"] == "kicks")
    assert kicks["b"] > kicks["a"] == 0  # the spammers are kicked only under the stricter ruleset
