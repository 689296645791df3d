"""Start-up: `groupsim --help` loads nothing heavy, and the pytest plugin never needs an extra."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from sim.cli.commands import EXTENSIONS, LazyGroup, load_extension

ROOT = Path(__file__).resolve().parent.parent
# Heavy or optional, plus `click`: typer carries its own copy, and a bare install has no `click`.
HEAVY = ("matplotlib", "hypothesis", "scipy", "pandas", "simpy", "pyarrow", "pytest", "sim.run.engine", "reports.build",
         "rich.console", "rich.progress", "rule_engine", "networkx", "pydantic",
         "click")

_HELP = """
import json, sys
from typer.testing import CliRunner
import sim.cli.app
res = CliRunner().invoke(sim.cli.app.app, ["--help"])
assert res.exit_code == 0, res.output
print(json.dumps({"help": res.output, "loaded": sorted(m for m in HEAVY if m in sys.modules)}))
"""


def _fresh(code: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_help_builds_every_command_without_heavy_modules() -> None:
    res = _fresh(f"HEAVY = {HEAVY!r}\n" + _HELP)
    assert res.returncode == 0, res.stderr
    found = json.loads(res.stdout)
    assert found["loaded"] == [], f"`groupsim --help` imported {found['loaded']}"
    for ext in EXTENSIONS:
        for name in ext.commands:
            assert name in found["help"], f"{name} missing from `groupsim --help`"


@pytest.mark.parametrize("extension", EXTENSIONS, ids=lambda e: e.module)
def test_command_table_matches_what_each_module_registers(extension: object) -> None:
    loaded = load_extension(extension)  # type: ignore[arg-type]
    assert sorted(loaded) == sorted(extension.commands)  # type: ignore[attr-defined]
    for name, command in loaded.items():
        first = (command.help or "").split("\n\n")[0].strip()
        assert first == extension.commands[name], f"{name}: help in the table differs from its docstring"  # type: ignore[attr-defined]


def test_extension_command_runs_and_has_its_own_help() -> None:
    from typer.testing import CliRunner

    from sim.cli.app import app

    res = CliRunner().invoke(app, ["rules", "--help"])
    assert res.exit_code == 0 and "lint" in res.output
    assert isinstance(typer.main.get_command(app), LazyGroup)
    res = CliRunner().invoke(app, ["no-such-command"])
    assert res.exit_code == 2 and "No such command" in res.output


_NO_HYPOTHESIS = """
import importlib.abc, sys

class NoHypothesis(importlib.abc.MetaPathFinder):  # as if the `test` extra were not installed
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] == "hypothesis":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoHypothesis())
import pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:xdist", *sys.argv[1:]]))
"""


def test_pytest_plugin_never_breaks_a_run_without_hypothesis(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_unrelated.py").write_text(
        "def test_sum():\n    assert 1 + 1 == 2\n\n\n"
        "def test_fixture_works(groupsim_scenario):\n"
        f"    assert groupsim_scenario({str(ROOT / 'scenarios' / 'no_value_dead.yaml')!r}).name\n\n\n"
        "def test_strategies_say_which_extra():\n"
        "    import pytest\n"
        "    with pytest.raises(ImportError, match=r\"pip install 'groupsim\\[test\\]'\"):\n"
        "        from sim.testing import scenarios_around\n",
        encoding="utf-8",
    )
    res = subprocess.run([sys.executable, "-c", _NO_HYPOTHESIS, "test_unrelated.py"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "3 passed" in res.stdout


def test_pytest_plugin_loads_nothing_of_groupsim_at_start(tmp_path: Path) -> None:
    code = ("import sys, sim.testing.plugin\n"
            f"print(sorted(m for m in {HEAVY + ('sim.spec.scenario', 'sim.testing.assertions')!r} "
            "if m in sys.modules and m != 'pytest'))")
    res = _fresh(code, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


def test_a_run_and_its_result_files_load_no_pandas_or_plotting(tmp_path: Path) -> None:
    """`groupsim run` (runs, Parquet files, the table) never imports pandas or matplotlib."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "import sim.cli.app\n"
        f"res = CliRunner().invoke(sim.cli.app.app, ['run', 'unmoderated_spam', '--seeds', '2', '-j', '1', '-q', "
        f"'--out', {str(tmp_path / 'r')!r}])\n"
        "assert res.exit_code == 0, res.output\n"
        "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))\n"
    )
    res = _fresh(code)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().splitlines()[-1] == "[]"
