"""``groupsim init-tests``: write a small test suite for a folder of the user's scenarios."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer

TEMPLATE = '''"""Property tests of our group designs, written by `groupsim init-tests` (edit freely).

Run with `pytest {tests_rel}`; `--groupsim-seeds 50` trades certainty for speed.
A failing property writes the smallest failing scenario it found to
counterexamples/, which `groupsim run counterexamples/<file> --seeds 1` replays.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from sim.run.runner import replicate
from sim.spec.scenario import load_scenario
from sim.testing import (
    assert_survival,
    banned_never_post_again,
    check,
    counterexample_file,
    membership_consistent,
    record,
    scenarios_around,
    staff_never_sanctioned,
)

SCENARIOS = Path(__file__).resolve().parent / {scenarios_rel!r}
COUNTEREXAMPLES = Path(__file__).resolve().parent / "counterexamples"
NAMES = {names!r}


@pytest.mark.parametrize("name", NAMES)
def test_invariants_hold(name: str) -> None:
    """No staff sanctioned, nobody posts after a ban, membership adds up: on one run of each design."""
    scenario = load_scenario(SCENARIOS / f"{{name}}.yaml")
    check(record(scenario), staff_never_sanctioned, banned_never_post_again, membership_consistent,
          source=str(SCENARIOS / f"{{name}}.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_rules_spare_legitimate_members(name: str) -> None:
    """Collateral damage: on 5 runs, the rules kick at most {max_collateral:.0%} of the legitimate members
    and delete at most {max_collateral:.0%} of their messages (a ruleset that kicks everyone fails here)."""
    scenario = load_scenario(SCENARIOS / f"{{name}}.yaml")
    for result in replicate(scenario, [scenario.seed + k for k in range(5)], workers=1):
        s = result.summary
        kicked = s["legitimate_kicked"] / max(s["legit_joined"], 1)
        deleted = s["legit_messages_deleted"] / max(s["member_messages"], 1)
        assert kicked <= {max_collateral} and deleted <= {max_collateral}, (
            f"seed {{s['seed']}}: the rules kicked {{kicked:.0%}} of legitimate members "
            f"and deleted {{deleted:.0%}} of their messages"
        )


@pytest.mark.parametrize("name", NAMES)
def test_most_groups_survive(name: str) -> None:
    """Edit `at_least` to what you promise for each design (the figures print either way)."""
    assert_survival(SCENARIOS / f"{{name}}.yaml", at_least={at_least}, seeds=30, workers=1)
{properties}'''

PROPERTY = '''

@settings(max_examples=15, deadline=None)
@given(scenarios_around(load_scenario(SCENARIOS / "{name}.yaml"), {{"population.{index}.count": (0, 20)}}))
@counterexample_file(COUNTEREXAMPLES / "{name}_spammers.yaml")
def test_{ident}_rules_never_hit_staff_whatever_the_spam(scenario) -> None:
    """{name}, with 0-20 {role}s: the rules never sanction the owner or admins."""
    check(record(scenario), staff_never_sanctioned)
'''

_ADVERSARIES = ("ad_spammer",)


def _properties(folder: Path, names: list[str]) -> str:
    from sim.spec.scenario import load_scenario

    out = []
    for name in names:
        scenario = load_scenario(folder / f"{name}.yaml")
        for index, entry in enumerate(scenario.population):
            if entry.role in _ADVERSARIES and entry.count is not None:
                ident = "".join(c if c.isalnum() else "_" for c in name).strip("_") or "design"
                out.append(PROPERTY.format(name=name, index=index, ident=ident, role=entry.role))
                break
    return "".join(out)


def init_tests(
    directory: Annotated[Path, typer.Argument(help="Where to write the tests (e.g. tests/).", show_default=False)],
    scenarios: Annotated[Path, typer.Option("--scenarios", "-s", help="Folder of your scenario files.")] = Path("scenarios"),
    at_least: Annotated[float, typer.Option("--at-least", min=0.0, max=1.0, help="Survival share to assert.")] = 0.5,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing test file.")] = False,
    max_collateral: Annotated[float, typer.Option(
        "--max-collateral", min=0.0, max=1.0,
        help="Largest share of legitimate members the rules may kick (and of their messages they may delete).",
    )] = 0.05,
) -> None:
    """Write an example test suite (invariants, survival, a property under spam) for your scenarios.

    The suite also asserts collateral damage: the share of legitimate members the rules kick, and of their
    messages they delete, stays under --max-collateral.

    Example:

        groupsim init-tests tests/ --scenarios scenarios/ && pytest tests/test_group_designs.py
    """
    from rules import InputError
    from sim.cli.console import err_console, fail, out_console

    if not scenarios.is_dir():
        raise fail(f"--scenarios {scenarios}: not a folder of scenario files")
    names = sorted(p.stem for p in scenarios.glob("*.yaml"))
    if not names:
        raise fail(f"--scenarios {scenarios}: holds no *.yaml scenario files")
    try:
        properties = _properties(scenarios, names)
    except InputError as exc:
        raise fail(exc) from None
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "test_group_designs.py"
    if target.exists() and not force:
        raise fail(f"{target} exists; use --force to overwrite it")
    rel = Path(*([".."] * len(directory.resolve().relative_to(Path.cwd().resolve()).parts))) / scenarios \
        if directory.resolve().is_relative_to(Path.cwd().resolve()) and not scenarios.is_absolute() else scenarios.resolve()
    text = TEMPLATE.format(tests_rel=target, scenarios_rel=str(rel), names=names, at_least=at_least,
                           max_collateral=max_collateral, properties=properties)
    target.write_text(text, encoding="utf-8")
    out_console.print(f"wrote {target} ({len(names)} designs); run: pytest {target}", highlight=False, markup=False)
    missing = [name for name in ("pytest", "hypothesis") if importlib.util.find_spec(name) is None]
    if missing:
        err_console.print(f"note: the tests need {' and '.join(missing)}, not installed here: pip install 'groupsim[test]'",
                          highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add ``init-tests`` to the ``groupsim`` command."""
    app.command("init-tests")(init_tests)


__all__ = ["init_tests", "register"]
