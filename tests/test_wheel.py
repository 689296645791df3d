"""The wheel: built from the tree, installed in a fresh venv outside it, it runs a bundled scenario by name.

This is what a user who runs `pip install groupsim` gets: no checkout, so the
bundled scenarios and rulesets must travel in the wheel as package data and be
found through importlib.resources. The new venv sees the test environment's
dependencies (a `.pth` line) but imports groupsim only from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SKIP = shutil.ignore_patterns(".git", ".venv", "results", "build", "dist", "__pycache__", "*.egg-info", ".hypothesis",
                               ".pytest_cache", ".mypy_cache", "out")

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert res.returncode == 0, f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the tree (so the build leaves nothing in the checkout)."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=_SKIP)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(base / "dist"), str(src)], cwd=base)
    (found,) = (base / "dist").glob("groupsim-*.whl")
    return found


def test_wheel_carries_the_bundled_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "scenarios").rglob("*.yaml"))
    assert bundled and not [b for b in bundled if b not in names], "bundled YAML files missing from the wheel"
    assert "sim/cli/commands.py" in names and "rules/py.typed" in names


def test_wheel_in_a_fresh_venv_runs_a_bundled_scenario_by_name(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    py = venv / "bin" / "python"
    target = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp_path).stdout.strip())
    # The dependencies come from this test environment; groupsim itself only from the wheel.
    (target / "zz_test_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    # `pip --python` installs into the new venv (its console script included) without pip of its own.
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", "--no-deps", "--force-reinstall",
          str(wheel)], cwd=tmp_path)
    where = json.loads(_run([str(py), "-c", "import json, sim, scenarios, rules.ruleset as r; "
                             "print(json.dumps([sim.__file__, scenarios.__file__, str(r.library_path())]))"],
                            cwd=tmp_path).stdout)
    assert all(Path(w).resolve().is_relative_to(target.resolve()) for w in where), where
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = work / "out"
    res = _run([str(venv / "bin" / "groupsim"), "run", "new_customer_well_run", "--seeds", "1", "-j", "1", "-q", "--out", str(out)],
               cwd=work)
    assert "alive" in res.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seeds"] == [1]
    assert Path(manifest["scenario_file"]).resolve().is_relative_to(target.resolve())
    bad = subprocess.run([str(venv / "bin" / "groupsim"), "run", "new_customer_wel_run"], cwd=work, capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and "did you mean 'new_customer_well_run'" in bad.stderr
