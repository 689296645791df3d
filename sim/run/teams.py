"""A portfolio's operator teams run apart: in this process, in the warm pool, or on a Dask cluster.

Teams share no state (sim/run/portfolio.py), so a portfolio of many teams is
as many independent runs: each team's task carries the portfolio and the
designs its groups use, as JSON (it may cross to another machine), runs
there as :class:`~sim.run.portfolio.PortfolioRun` with ``team=`` set, and
the parts are merged into the portfolio's summary
(:func:`~sim.run.portfolio.merge_parts`). Each group's event log is the one
the whole portfolio run together gives it (tests/test_portfolio_teams.py
compares the digests).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, Protocol

from sim.run.portfolio import Portfolio, PortfolioRun, merge_parts
from sim.spec.scenario import Scenario

TeamTask = tuple[str, str, int, str]
"""What one team's run needs, as text (it crosses to a worker or a Dask cluster): the portfolio's JSON, its
designs' JSON (file -> scenario), the seed, the team."""


class Executor(Protocol):
    """Where team runs go: anything with ``map(fn, tasks)`` yielding ``(task, result or exception)``
    (sim/run/pool.py's pool, sim/experiments/executors.py's Dask cluster)."""

    def map(self, fn: Callable[[TeamTask], dict[str, Any]], tasks: Iterable[TeamTask]) -> Iterator[tuple[TeamTask, Any]]:
        """Run ``fn`` on every task."""
        ...


def team_tasks(portfolio: Portfolio, scenarios: list[Scenario], seed: int) -> list[TeamTask]:
    """One task per team of ``portfolio`` at ``seed`` (each carries only the designs its team uses)."""
    blob = portfolio.model_dump_json(by_alias=True)
    tasks = []
    for team in portfolio.teams():
        designs = {g.scenario: sc.model_dump(mode="json", by_alias=True)
                   for g, sc in zip(portfolio.groups, scenarios) if g.team == team}
        tasks.append((blob, json.dumps(designs, sort_keys=True, ensure_ascii=False), seed, team))
    return tasks


@lru_cache(maxsize=4)
def _rebuild(blob: str, designs: str) -> tuple[Portfolio, dict[str, Scenario]]:
    data = json.loads(designs)
    return Portfolio.model_validate_json(blob), {f: Scenario.model_validate(d) for f, d in data.items()}


def run_team(task: TeamTask) -> dict[str, Any]:
    """Run one team of a portfolio (a worker's task); the part :func:`merge_parts` takes."""
    blob, designs, seed, team = task
    portfolio, by_file = _rebuild(blob, designs)
    scenarios = [by_file.get(g.scenario) for g in portfolio.groups]
    return PortfolioRun(portfolio, scenarios, seed, team).run_part()  # type: ignore[arg-type]


def run_teams(portfolio: Portfolio, scenarios: list[Scenario], seeds: Iterable[int], *,
              executor: Executor | None = None) -> Iterator[tuple[int, dict[str, Any] | BaseException]]:
    """Each seed's portfolio run, its teams run apart (here, in a pool or on Dask) and merged, in seed order.

    Teams share no state, so each group's event log is the one the whole
    portfolio run together gives it. Yields ``(seed, summary)`` as soon as all
    the seed's teams are done, or ``(seed, exception)`` when one of them failed
    (a failed run is data: the other seeds go on).
    """
    seeds = list(seeds)
    tasks = [t for s in seeds for t in team_tasks(portfolio, scenarios, s)]
    per_seed = len(portfolio.teams())
    parts: dict[int, list[dict[str, Any]]] = {s: [] for s in seeds}
    failed: dict[int, BaseException] = {}
    results = _here(tasks) if executor is None else executor.map(run_team, tasks)
    ready: dict[int, dict[str, Any] | BaseException] = {}
    nxt = 0
    finished = dict.fromkeys(seeds, 0)
    for task, part in results:
        seed = task[2]
        finished[seed] += 1
        if isinstance(part, BaseException):
            failed.setdefault(seed, part)
        else:
            parts[seed].append(part)
        if finished[seed] == per_seed:
            ready[seed] = failed[seed] if seed in failed else merge_parts(portfolio, parts.pop(seed))
        while nxt < len(seeds) and seeds[nxt] in ready:
            yield seeds[nxt], ready.pop(seeds[nxt])
            nxt += 1


def _here(tasks: list[TeamTask]) -> Iterator[tuple[TeamTask, Any]]:
    for task in tasks:
        try:
            yield task, run_team(task)
        except Exception as exc:  # noqa: BLE001 - a failed run is data
            yield task, exc


__all__ = ["Executor", "TeamTask", "run_team", "run_teams", "team_tasks"]
