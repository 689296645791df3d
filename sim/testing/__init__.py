"""Testing group designs in a team's own CI: strategies, invariants, statistical assertions.

The pytest plugin (``sim.testing.plugin``) is registered through the
``pytest11`` entry point, so installing groupsim is enough. See README.md,
"Testing group designs in CI".

Each name is imported from its module on first use, so importing this package
(or loading the plugin) needs neither hypothesis nor scipy. The hypothesis
strategies need the ``test`` extra (``pip install 'groupsim[test]'``); asking
for one without hypothesis installed raises an ImportError that says so.
"""

from __future__ import annotations

import importlib
from typing import Any

_ASSERTIONS = ("RESULTS", "StatisticalAssertionError", "assert_better", "assert_survival")
_INVARIANTS = (
    "DEFAULT_INVARIANTS", "InvariantViolation", "ads_gone_within", "banned_never_post_again", "check", "check_all",
    "dissolved_by", "membership_consistent", "paid_never_kicked_by_ad_rule", "staff_never_sanctioned",
)
_RECORDS = ("RunRecord", "record", "records_from_results")
_STRATEGIES = (
    "counterexample_file", "events", "members", "messages", "rulesets", "scenario_yaml", "scenarios",
    "scenarios_around", "write_counterexample",
)
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(_ASSERTIONS, "sim.testing.assertions"),
    **dict.fromkeys(_INVARIANTS, "sim.testing.invariants"),
    **dict.fromkeys(_RECORDS, "sim.testing.records"),
    **dict.fromkeys(_STRATEGIES, "sim.testing.strategies"),
}
EXTRA_HINT = "pip install 'groupsim[test]'"


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.testing' has no attribute {name!r}")
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing in ("hypothesis", "pytest"):
            raise ImportError(f"sim.testing.{name} needs {missing}, which is not installed: {EXTRA_HINT}",
                              name=missing) from exc
        raise
    return getattr(loaded, name)


__all__ = sorted(_EXPORTS)
