"""The groupsim pytest plugin (entry point ``pytest11``): fixtures, options and a report of figures.

Options: ``--groupsim-seeds N`` (seeds for every statistical assertion that was
given a count), ``--groupsim-scenarios DIR`` (where the fixtures look; default
``scenarios``). Fixtures: ``groupsim_scenarios`` (every scenario in DIR by file
stem), ``groupsim_scenario`` (load one by stem or path), ``groupsim_ruleset``
(load a ruleset by name), ``groupsim_seeds``. At the end, a section lists each
statistical assertion with its figures, passed or failed (also under xdist).

The plugin loads in every pytest run of an environment where groupsim is
installed, so at import it needs pytest alone: groupsim's own modules load
only when a groupsim fixture or option is used.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

_KEY = "groupsim_assertion"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("groupsim", "groupsim group-design tests")
    group.addoption("--groupsim-seeds", type=int, default=None, help="seeds for statistical assertions given a count")
    group.addoption("--groupsim-scenarios", default="scenarios", help="folder of scenario files for the fixtures")


_ASSERTIONS = "sim.testing.assertions"


def pytest_configure(config: pytest.Config) -> None:
    seeds = config.getoption("--groupsim-seeds", default=None)
    if seeds is not None and seeds < 2:
        raise pytest.UsageError("--groupsim-seeds needs at least 2")
    # Import the assertions (scipy, the scenario schema) only when the option asks for them or they are loaded.
    if seeds is not None or _ASSERTIONS in sys.modules:
        from sim.testing import assertions

        assertions.SEEDS_OVERRIDE[0] = seeds
    _LINES.clear()


_LINES: list[tuple[str, str]] = []  # (test id, figures), gathered from reports (so xdist workers' count too)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    assertions = sys.modules.get(_ASSERTIONS)  # not loaded: no statistical assertion ran
    if assertions is not None and call.when in ("call", "teardown"):
        while assertions.RESULTS:
            r = assertions.RESULTS.pop(0)
            report.user_properties.append((_KEY, f"{'PASS' if r.passed else 'FAIL'} {r.claim}: {r.figures}"))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for key, text in report.user_properties:
        if key == _KEY:
            _LINES.append((report.nodeid, str(text)))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _LINES:
        return
    terminalreporter.section("groupsim statistical assertions")
    for nodeid, text in _LINES:
        terminalreporter.write_line(f"{text}  [{nodeid}]")


@pytest.fixture(scope="session")
def groupsim_seeds(request: pytest.FixtureRequest) -> int | None:
    """The --groupsim-seeds value (None: each assertion's own default)."""
    value: int | None = request.config.getoption("--groupsim-seeds")
    return value


def _folder(request: pytest.FixtureRequest) -> Path:
    folder = Path(request.config.getoption("--groupsim-scenarios"))
    return folder if folder.is_absolute() else Path(request.config.rootpath) / folder


@pytest.fixture(scope="session")
def groupsim_scenario(request: pytest.FixtureRequest) -> Callable[[str], Any]:
    """Load a scenario by file stem (in --groupsim-scenarios) or by path."""
    from sim.spec.scenario import load_scenario

    folder = _folder(request)

    def load(name: str) -> Any:
        path = Path(name)
        if not path.suffix:
            path = folder / f"{name}.yaml"
        return load_scenario(path)

    return load


@pytest.fixture(scope="session")
def groupsim_scenarios(request: pytest.FixtureRequest, groupsim_scenario: Callable[[str], Any]) -> dict[str, Any]:
    """Every scenario file in --groupsim-scenarios, by file stem."""
    return {p.stem: groupsim_scenario(str(p)) for p in sorted(_folder(request).glob("*.yaml"))}


@pytest.fixture(scope="session")
def groupsim_ruleset(request: pytest.FixtureRequest) -> Callable[[str], Any]:
    """Load a ruleset by name (from DIR/rulesets, DIR, or groupsim's bundled rulesets)."""
    from rules import RulesetSpec, find_ruleset, load_model
    from sim.spec.scenario import ruleset_search_path

    folder = _folder(request)

    def load(name: str) -> Any:
        path = find_ruleset(name, [folder / "rulesets", folder, *ruleset_search_path(None)])
        if path is None:
            raise FileNotFoundError(f"no ruleset named {name!r} under {folder}")
        return load_model(RulesetSpec, path)

    return load
