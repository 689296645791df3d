"""The results store of an experiment: Hive-partitioned Parquet plus a manifest.

Layout of an experiment folder::

    manifest.json                                  what the experiment is, and whether every run is stored
    runs/scenario=<hash>/seed=00000103.parquet     one row: point, run id, seed, varied parameters,
                                                   status, error, outcome, lifetime, metrics
    days/scenario=<hash>/seed=00000103.parquet     the run's per-day series, same tags

A run is keyed by what it is: the hash of its resolved scenario
(:meth:`~sim.spec.scenario.Scenario.content_hash`, 16 hex digits here) and its
seed; never by a point or trial number. So a resumed search whose trial 7 now
asks for other parameters than the trial 7 of an earlier, interrupted session
finds no stored run for them and runs them, instead of reusing the other
parameters' results. Two points with the same scenario share their runs (they
are the same runs); :meth:`ResultStore.rows_for` tags each stored row with the
point, run id and parameters of the task that asks for it.

Each file is written to a temporary name and moved into place with
:func:`os.replace`, and a run's ``runs`` file is written last: a run is stored
exactly when its ``runs`` file exists. Killing the process at any moment loses
at most the runs in flight. A stored failure is not a stored run: the same
command run again retries it. The manifest's ``status`` is ``complete`` only
when every run of the experiment is stored and succeeded; otherwise it is
``incomplete`` and lists the failed and the missing runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from sim.base.files import atomic_write, package_versions

MANIFEST = "manifest.json"
KEY_DIGITS = 16
"""Hex digits of the scenario hash in folder names (64 bits: no collision among any experiment's points)."""
LISTED = 50
"""Failed or missing runs listed by name in the manifest (the counts are always complete)."""


class Keyed(Protocol):
    """What the store needs of a task: the scenario hash, seed, point, run id and tags."""

    @property
    def key(self) -> str: ...

    @property
    def run_id(self) -> str: ...

    point: int
    seed: int
    tags: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredRun:
    """What one run left: its summary row (or the error) and its per-day series."""

    key: str
    point: int
    seed: int
    row: dict[str, Any]
    days: pa.Table | None

    @property
    def failed(self) -> bool:
        return self.row.get("status") == "failed"


class ResultStore:
    """One experiment folder: which runs are stored, writing new ones, the manifest."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _name(self, table: str, key: str, seed: int) -> Path:
        return self.root / table / f"scenario={key[:KEY_DIGITS]}" / f"seed={seed:08d}.parquet"

    def _row(self, key: str, seed: int) -> dict[str, Any] | None:
        path = self._name("runs", key, seed)
        if not path.exists():
            return None
        rows = pq.read_table(path).to_pylist()
        return rows[0] if rows else None

    def has(self, key: str, seed: int) -> bool:
        """Whether the run of scenario ``key`` with ``seed`` is stored and succeeded (a failure is retried)."""
        path = self._name("runs", key, seed)
        if not path.exists():
            return False
        return pq.read_table(path, columns=["status"]).column("status")[0].as_py() != "failed"

    def write(self, record: StoredRun) -> None:
        """Store one run atomically: the per-day file first, the run row last (the commit)."""
        days_path = self._name("days", record.key, record.seed)
        if record.days is not None and record.days.num_rows:
            atomic_write(days_path, lambda p: pq.write_table(record.days, p))
        elif days_path.exists():
            days_path.unlink()  # a retried failure: no series from the failed attempt
        row = pa.Table.from_pylist([{"point": record.point, **record.row}])
        atomic_write(self._name("runs", record.key, record.seed), lambda p: pq.write_table(row, p))

    def run_files(self) -> list[Path]:
        return sorted((self.root / "runs").glob("scenario=*/seed=*.parquet"))

    def day_files(self) -> list[Path]:
        return sorted((self.root / "days").glob("scenario=*/seed=*.parquet"))

    def read_runs(self) -> list[dict[str, Any]]:
        """Every stored run row (with ``point``), in (point, seed) order."""
        rows = [row for path in self.run_files() for row in pq.read_table(path).to_pylist()]
        return sorted(rows, key=lambda r: (r.get("point", 0), r.get("seed", 0)))

    def rows_for(self, tasks: Iterable[Keyed]) -> list[dict[str, Any]]:
        """The stored row of each task that has one, tagged with that task's point, run id and parameters."""
        out = []
        for t in tasks:
            row = self._row(t.key, t.seed)
            if row is not None:
                out.append({**row, **t.tags, "point": t.point, "run_id": t.run_id})
        return out

    # -- manifest ---------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any] | None:
        path = self.root / MANIFEST
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def open(self, manifest: dict[str, Any], *, key: str) -> None:
        """Start or resume the experiment described by ``manifest``.

        ``key`` identifies what is run (designs, points, seeds); a folder holding a
        different experiment is refused rather than mixed.
        """
        old = self.manifest()
        if old is not None and old.get("key") != key:
            raise ValueError(
                f"{self.root} holds a different experiment ({old.get('kind')} {old.get('name')!r}); "
                "choose another --out or delete the folder"
            )
        if old is None and self.root.exists() and any(self.root.iterdir()):
            raise ValueError(f"{self.root} exists and is not an experiment folder; choose another --out")
        for stale in self.root.glob("*/scenario=*/.*.tmp-*"):
            stale.unlink(missing_ok=True)  # left by a killed process; the run was never committed
        self.write_manifest({**manifest, "key": key, "versions": package_versions(), "status": "running"})

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n"
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write(self.root / MANIFEST, lambda p: p.write_text(text, encoding="utf-8"))

    def finish(self, tasks: Sequence[Keyed], extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Record in the manifest whether every one of ``tasks`` is stored and succeeded.

        ``status`` is ``complete`` only then; otherwise ``incomplete``, with the
        failed runs (run id, point, seed, error) and the missing ones listed.
        """
        manifest = self.manifest() or {}
        failed: list[dict[str, Any]] = []
        missing: list[dict[str, Any]] = []
        stored = 0
        for t in tasks:
            row = self._row(t.key, t.seed)
            if row is None:
                missing.append({"run_id": t.run_id, "point": t.point, "seed": t.seed})
            elif row.get("status") == "failed":
                failed.append({"run_id": t.run_id, "point": t.point, "seed": t.seed, "error": row.get("error", "")})
            else:
                stored += 1
        manifest.update(
            status="complete" if not failed and not missing else "incomplete",
            expected_runs=len(tasks), stored_runs=stored + len(failed), ok_runs=stored,
            failed_runs=len(failed), missing_runs=len(missing),
            failed=failed[:LISTED], missing=missing[:LISTED],
            **(extra or {}),
        )
        self.write_manifest(manifest)
        return manifest


def pending(store: ResultStore, tasks: Iterable[Keyed]) -> list[Keyed]:
    """The tasks whose run is not stored as a success (never run, or failed: retried)."""
    return [t for t in tasks if not store.has(t.key, t.seed)]


__all__ = ["KEY_DIGITS", "MANIFEST", "Keyed", "ResultStore", "StoredRun", "pending"]
