"""The verdict part of ``groupsim compare``: the objective from options, the decision, and its printout.

Kept beside :mod:`sim.cli.experiments` so the compare command only parses its
options and calls :func:`objective_of`, :func:`decide_runs` and :func:`show`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sim.base.files import atomic_write
from sim.experiments.compare import CompareArm, paired_report
from sim.experiments.power import until_decided as _until
from sim.experiments.verdict import (
    DEFAULT_OBJECTIVE,
    Objective,
    Verdict,
    decide,
    objective_from,
    scenario_objective,
    verdict_text,
)
from sim.spec.objective import ObjectiveSpec


def objective_of(
    file: Path | None, primary: Sequence[str], guards: Sequence[str], seeds_for_power: float | None,
    declared: Sequence[tuple[str, ObjectiveSpec | None]] = (),
) -> Objective:
    """The objective that applies: an objective file, else the scenarios' ``objective:``, else the default.

    ``--primary`` and ``--guard`` replace their parts on top of a file's or
    scenario's objective (or make one on their own). ``declared`` is (file,
    objective section) of each compared scenario, the baseline first; it is read
    only when ``--objective`` is not given. The verdict says which applied.

    Raises:
        InputError: The objective file is unreadable or wrong (file, line and field named).
        ValueError: An unknown metric in an option, a guard not written ``METRIC:TOLERANCE``,
            scenarios that declare different objectives.
    """
    data: dict[str, Any] = {}
    source = ""
    if file is not None:
        from rules import read_mapping, validate_document

        doc = read_mapping(file, "an objective file", "objective: {primary: survival, guards: [...]}")
        at = ("objective",) if "objective" in doc.data else ()
        data = validate_document(ObjectiveSpec, doc, at=at).model_dump(exclude_defaults=True)
        source = f"--objective {file}"
    else:
        from_scenarios = scenario_objective(declared)
        if from_scenarios is not None:
            data = _as_data(from_scenarios)
            source = from_scenarios.source
    options = []
    if primary:
        data["order"] = list(primary)
        data.pop("primary", None)
        data.pop("direction", None)
        options.append("--primary")
    if guards:
        parsed = []
        for g in guards:
            name, sep, tol = g.partition(":")
            try:
                parsed.append({"metric": name, "tolerance": float(tol)})
            except ValueError:
                raise ValueError(f"--guard {g!r}: write METRIC:TOLERANCE, e.g. alive:0.05") from None
            if not sep:
                raise ValueError(f"--guard {g!r}: write METRIC:TOLERANCE, e.g. alive:0.05")
        data["guards"] = parsed
        options.append("--guard")
    if options:
        source = f"{source}, with {' and '.join(options)} on top" if source else " and ".join(options)
    objective = objective_from(data, source) if data else DEFAULT_OBJECTIVE
    if seeds_for_power is not None:
        first = objective.order[0] if objective.order else objective.weights[0][0]
        detect = ((first, float(seeds_for_power)), *((k, v) for k, v in objective.detect if k != first))
        objective = replace(objective, detect=detect)
    return objective


def _as_data(o: Objective) -> dict[str, Any]:
    """An objective back as the mapping of an ``objective:`` section."""
    return {"order": list(o.order), "guards": [{"metric": g.metric, "tolerance": g.tolerance} for g in o.guards],
            "weights": dict(o.weights), "alpha": o.alpha, "detect": dict(o.detect)}


def decide_runs(
    loaded: Sequence[CompareArm], read_rows: Callable[[], list[dict[str, Any]]], run_seeds: Callable[[list[int]], None],
    seeds: list[int], extra: Sequence[str], objective: Objective, cap: int | None,
) -> tuple[list[dict[str, Any]], Verdict, list[int]]:
    """Run and decide; with ``cap``, add batches of ``len(seeds)`` seeds until decided (alpha spending).

    Returns:
        The comparison rows (with Holm p), the verdict, and the seeds used.
    """
    metrics = list(dict.fromkeys([*(m for m in objective.metrics if m not in extra), *extra]))  # asked-for columns last
    last: dict[str, Any] = {}

    def at(used: list[int], alpha: float | None) -> Verdict:
        run_seeds(used)
        rows = read_rows()
        report = paired_report(loaded, rows, used, metrics)
        last.update(report=report, seeds=used)
        return decide(loaded, rows, used, report, objective, alpha)

    if cap is None:
        verdict = at(seeds, None)
    else:
        verdict = _until(lambda used, a: at(used, a), seeds[0], len(seeds), cap, objective.alpha)
    return last["report"], verdict, last["seeds"]


def write(out: Path, verdict: Verdict) -> None:
    """verdict.json in the experiment folder (reports read it)."""
    import json

    text = json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
    atomic_write(out / "verdict.json", lambda p: p.write_text(text, encoding="utf-8"))


def show(console: Any, verdict: Verdict) -> None:
    """Print the verdict (user text stays plain: no Rich markup)."""
    for i, line in enumerate(verdict_text(verdict)):
        console.print(line, markup=False, highlight=False, style="bold" if i == 0 else None)
    for look in verdict.looks:
        console.print(f"  look at {look['seeds']} seeds (alpha {look['alpha']:.2g}): {look['summary']}", markup=False, highlight=False)


__all__ = ["decide_runs", "objective_of", "show", "write"]
