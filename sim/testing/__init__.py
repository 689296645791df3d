"""Testing group designs in a team's own CI: strategies, invariants, statistical assertions.

Built on hypothesis and pytest; the pytest plugin (``sim.testing.plugin``) is
registered through the ``pytest11`` entry point, so installing groupsim is
enough. See README.md, "Testing group designs in CI".
"""

from __future__ import annotations

from sim.testing.assertions import RESULTS, StatisticalAssertionError, assert_better, assert_survival
from sim.testing.invariants import (
    DEFAULT_INVARIANTS,
    InvariantViolation,
    ads_gone_within,
    banned_never_post_again,
    check,
    check_all,
    dissolved_by,
    membership_consistent,
    paid_never_kicked_by_ad_rule,
    staff_never_sanctioned,
)
from sim.testing.records import RunRecord, record, records_from_results
from sim.testing.strategies import (
    counterexample_file,
    events,
    members,
    messages,
    rulesets,
    scenario_yaml,
    scenarios,
    scenarios_around,
    write_counterexample,
)

__all__ = [
    "DEFAULT_INVARIANTS",
    "RESULTS",
    "InvariantViolation",
    "RunRecord",
    "StatisticalAssertionError",
    "ads_gone_within",
    "assert_better",
    "assert_survival",
    "banned_never_post_again",
    "check",
    "check_all",
    "counterexample_file",
    "dissolved_by",
    "events",
    "members",
    "membership_consistent",
    "messages",
    "paid_never_kicked_by_ad_rule",
    "record",
    "records_from_results",
    "rulesets",
    "scenario_yaml",
    "scenarios",
    "scenarios_around",
    "staff_never_sanctioned",
    "write_counterexample",
]
