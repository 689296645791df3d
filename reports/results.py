"""Reading result folders: one folder of ``groupsim run`` output is one design.

An experiment folder (``groupsim compare``, ``sweep``, ``optimize``) is read
by :func:`load_experiment`: each compared design becomes a :class:`DesignResults`.

A result folder holds ``summary.parquet`` (one row per run), ``days.parquet``
(per-day series), ``events.parquet`` (event log), optional ``agents.parquet``
and ``graph.parquet`` (who was in the group, and the friendship graph), and
``manifest.json``. Reports only read these files; they never run a simulation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq


class ResultsError(Exception):
    """A results folder is missing or unreadable (a user-facing problem)."""


@dataclass
class DesignResults:
    """The runs of one design, as plain Python rows and per-day arrays."""

    name: str
    folder: Path
    manifest: dict[str, Any]
    runs: list[dict[str, Any]]
    days: list[dict[str, Any]]
    agents: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    events_file: Path | None = None

    @property
    def seeds(self) -> list[int]:
        return [int(r["seed"]) for r in self.runs]

    def series(self, metric: str) -> tuple[np.ndarray, np.ndarray]:
        """Days and a (runs x days) array of ``metric`` (NaN after a run ended)."""
        if not self.days or metric not in self.days[0]:
            return np.arange(0), np.empty((len(self.runs), 0))
        n_days = 1 + max(int(d["day"]) for d in self.days)
        index = {r["run_id"]: k for k, r in enumerate(self.runs)}
        out = np.full((len(self.runs), n_days), np.nan)
        for d in self.days:
            k = index.get(d["run_id"])
            v = d.get(metric)
            if k is not None and v is not None:
                out[k, int(d["day"])] = float(v)
        return np.arange(n_days), out

    def column(self, key: str) -> np.ndarray:
        """One summary column over runs as floats (NaN where missing or not numeric)."""
        vals = []
        for r in self.runs:
            v = r.get(key)
            vals.append(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan)
        return np.asarray(vals)

    def rule_stats(self) -> dict[str, dict[str, float]]:
        """Per-rule figures summed over runs (from each run's ``rules_json``)."""
        total: dict[str, dict[str, float]] = {}
        for r in self.runs:
            try:
                stats = json.loads(r.get("rules_json") or "{}")
            except (TypeError, ValueError):
                continue
            for rule, figures in stats.items():
                into = total.setdefault(rule, {})
                for key, value in figures.items():
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        into[key] = into.get(key, 0.0) + float(value)
        return total


def _rows(path: Path) -> list[dict[str, Any]]:
    try:
        return pq.read_table(path).to_pylist()
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path}: cannot read ({exc})") from None


@dataclass
class Experiment:
    """A folder written by ``groupsim compare``, ``sweep`` or ``optimize``."""

    kind: str
    name: str
    folder: Path
    manifest: dict[str, Any]
    designs: list[DesignResults]
    tables: dict[str, list[dict[str, Any]]]  # comparison / points / sensitivity / trials / pareto / best


def _dataset(path: Path) -> list[dict[str, Any]]:
    import pyarrow.dataset as ds

    if not path.is_dir():
        return []
    try:
        return ds.dataset(path, format="parquet", partitioning="hive").to_table().to_pylist()
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path}: cannot read ({exc})") from None


def load_experiment(folder: str | Path) -> Experiment:
    """Read an experiment folder: designs (one per compared design; one for all runs of a sweep or search)."""
    p = Path(folder)
    manifest = json.loads((p / "manifest.json").read_text(encoding="utf-8"))
    kind = str(manifest.get("kind"))
    runs = [r for r in _dataset(p / "runs") if r.get("status") != "failed"]
    days = _dataset(p / "days")
    tables = {}
    for name in ("comparison", "points", "sensitivity", "trials", "pareto", "best"):
        f = p / f"{name}.json"
        if f.exists():
            tables[name] = json.loads(f.read_text(encoding="utf-8"))
    designs: list[DesignResults] = []
    if kind == "compare":
        for d in manifest.get("designs", []):
            point = int(d["point"])
            d_runs = [r for r in runs if int(r.get("point", -1)) == point]
            ids = {r["run_id"] for r in d_runs}
            if d_runs:
                designs.append(DesignResults(str(d.get("label") or d.get("scenario")), p, manifest, d_runs,
                                      [x for x in days if x.get("run_id") in ids]))
    elif runs:
        designs.append(DesignResults(f"all runs of {manifest.get('name', p.name)}", p, manifest, runs, days))
    if not designs:
        raise ResultsError(f"{p}: the experiment has no stored runs yet")
    return Experiment(kind, str(manifest.get("name", p.name)), p, manifest, designs, tables)


def is_experiment(folder: str | Path) -> bool:
    m = Path(folder) / "manifest.json"
    if not m.exists():
        return False
    try:
        return json.loads(m.read_text(encoding="utf-8")).get("kind") in ("compare", "sweep", "optimize")
    except ValueError:
        return False


def load_design(folder: str | Path) -> DesignResults:
    """Read one result folder."""
    p = Path(folder)
    if not p.is_dir():
        raise ResultsError(f"{p}: not a results folder (run `groupsim run SCENARIO --out {p}` first)")
    summary = p / "summary.parquet"
    if not summary.exists():
        raise ResultsError(f"{p}: no summary.parquet here; is this a `groupsim run` results folder?")
    manifest: dict[str, Any] = {}
    if (p / "manifest.json").exists():
        try:
            manifest = json.loads((p / "manifest.json").read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ResultsError(f"{p / 'manifest.json'}: not valid JSON ({exc})") from None
    runs = _rows(summary)
    if not runs:
        raise ResultsError(f"{summary}: holds no runs")
    days = _rows(p / "days.parquet") if (p / "days.parquet").exists() else []
    agents = _rows(p / "agents.parquet") if (p / "agents.parquet").exists() else []
    edges = _rows(p / "graph.parquet") if (p / "graph.parquet").exists() else []
    name = str(manifest.get("scenario") or runs[0].get("scenario") or p.name)
    events = p / "events.parquet"
    return DesignResults(name, p, manifest, runs, days, agents, edges, events if events.exists() else None)


def load_designs(folders: Sequence[str | Path]) -> list[DesignResults]:
    """Read several result folders; designs with the same name get the folder name added."""
    designs = [load_design(f) for f in folders]
    names = [d.name for d in designs]
    for d in designs:
        if names.count(d.name) > 1:
            d.name = f"{d.name} ({d.folder.name})"
    return designs


__all__ = ["DesignResults", "Experiment", "ResultsError", "is_experiment", "load_design", "load_designs", "load_experiment"]
