"""Arms of ``groupsim compare`` with another ruleset: the same group, judged by different rules.

``groupsim compare my_group.yaml my_group.yaml --ruleset-b stricter.yaml``
tests a stricter ruleset against a calibrated group: both arms are the same
scenario (the same members, arrivals and rates), only the rules differ, and
the comparison runs them on common seeds. Each ruleset is read like
``validate`` reads one: a missing file or name, a bad field, or rules that need
an operator the population lacks is an :class:`rules.InputError` naming the
file and the problem, never a traceback.

A command-line option was chosen over a ``variants:`` section in the scenario:
``groupsim calibrate`` rewrites the scenario whenever the log is fitted again,
and would drop a section written into it, while the rulesets stay in files of
their own that ``rules lint`` and ``rules replay`` already read.
"""

from __future__ import annotations

from pathlib import Path

from rules import InputError, RulesetSpec, find_ruleset, load_ruleset
from sim.experiments.compare import CompareArm
from sim.spec.scenario import Scenario, ruleset_search_path


def find(ref: str, scenario_file: Path | None = None) -> Path:
    """The file of ruleset ``ref``: a path, or a name looked up beside the scenario, here, then in the bundled rulesets."""
    path = Path(ref)
    try:
        if path.is_file():
            return path
    except (OSError, ValueError):  # a name too long for a file name, or with a NUL
        pass
    found = find_ruleset(ref, [Path.cwd(), *ruleset_search_path(scenario_file)])
    if found is None:
        raise InputError.single(ref, None, "ruleset", "no such ruleset file, nor a ruleset of that name in scenarios/rulesets/")
    return found


def with_ruleset(arm: CompareArm, ref: str, scenario_file: Path | None = None) -> CompareArm:
    """``arm`` with its ruleset replaced by ``ref`` (validated, compiled), labelled ``<label>+<ruleset>``."""
    path = find(ref, scenario_file)
    spec: RulesetSpec = load_ruleset(path)
    if spec.extends is not None:
        spec = spec.model_copy(update={"extends": None})  # merged in by load_ruleset
    changed = arm.scenario.model_copy(update={"ruleset": spec})
    try:
        Scenario._population(changed)  # rules with executor: operator need an operator in this population
    except ValueError as exc:
        raise InputError.single(str(path), None, "ruleset", f"{exc} (in {arm.label})") from None
    spec.compile()
    return CompareArm(f"{arm.label}+{path.stem}", changed)


def apply(arms: list[CompareArm], files: list[Path], ruleset_a: str | None, ruleset_b: str | None) -> list[CompareArm]:
    """The first arm with ``ruleset_a``, every other arm with ``ruleset_b`` (each when given)."""
    out = list(arms)
    if ruleset_a is not None:
        out[0] = with_ruleset(out[0], ruleset_a, files[0])
    if ruleset_b is not None:
        out[1:] = [with_ruleset(a, ruleset_b, f) for a, f in zip(out[1:], files[1:])]
    return out


__all__ = ["apply", "find", "with_ruleset"]
