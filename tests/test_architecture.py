"""The layers hold: `lint-imports` checks the contracts in pyproject.toml (layers, reports, the CLI, rules, cycles).

Imports that break a contract and are being removed on another branch are
listed in PENDING, each with where it is fixed; any other broken import fails
this test. When PENDING is empty, every contract must be kept outright.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (importer, imported) pairs that import-linter may report while a fix is pending; none are.
PENDING: frozenset[tuple[str, str]] = frozenset()  # every contract is kept outright

_VIOLATION = re.compile(r"^- (\S+) -> (\S+) \((?:l\.\d+|\d+ imports?)\)", re.MULTILINE)


def _lint_imports() -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed (it is in the `test` extra: pip install -e '.[test]')")
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1"}
    return subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)


def test_import_contracts_are_kept_but_for_pending_fixes() -> None:
    res = _lint_imports()
    output = res.stdout + res.stderr
    assert "Contracts:" in output, f"lint-imports did not check the contracts:\n{output}"
    found = set(_VIOLATION.findall(output))
    unexpected = sorted(found - PENDING)
    assert not unexpected, f"imports break the layer contracts: {unexpected}\n{output}"
    if res.returncode != 0:
        assert found, f"lint-imports failed without naming an import:\n{output}"
    if not PENDING:
        assert res.returncode == 0, output


def test_contracts_name_every_layer() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert config["exclude_type_checking_imports"] is False, "type-only imports must count"
    (layers,) = [c["layers"] for c in config["contracts"] if c["type"] == "layers"]
    assert layers == ["sim.cli", "reports | sim.testing", "sim.experiments | sim.calibration", "sim.run", "sim.model",
                      "sim.spec", "rules", "sim.base"]
