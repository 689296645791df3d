"""The results store of an experiment: Hive-partitioned Parquet plus a manifest.

Layout of an experiment folder::

    manifest.json                         what the experiment is (points, seeds, versions)
    runs/point=00012/seed=00000103.parquet one row: run id, seed, varied parameters,
                                          status, error, outcome, lifetime, metrics
    days/point=00012/seed=00000103.parquet the run's per-day series, same tags

The ``point`` column comes from the folder name (Hive partitioning), so it is
not repeated inside the files. Each file is written to a temporary name and
moved into place with :func:`os.replace`, and a run's ``runs`` file is written
last: a run is stored exactly when its ``runs`` file exists. Killing the
process at any moment therefore loses at most the runs in flight and never
leaves a half-written or duplicated row; running the same command again skips
every run already stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.base.files import atomic_write, package_versions

MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class StoredRun:
    """What one run left: its summary row (or the error) and its per-day series."""

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

    def _name(self, table: str, point: int, seed: int) -> Path:
        return self.root / table / f"point={point:05d}" / f"seed={seed:08d}.parquet"

    def has(self, point: int, seed: int, *, retry_failed: bool = False) -> bool:
        """Whether the run is stored (a stored failure counts unless ``retry_failed``)."""
        path = self._name("runs", point, seed)
        if not path.exists():
            return False
        if not retry_failed:
            return True
        return pq.read_table(path, columns=["status"]).column("status")[0].as_py() != "failed"

    def write(self, record: StoredRun) -> None:
        """Store one run atomically: the per-day file first, the run row last (the commit)."""
        days_path = self._name("days", record.point, record.seed)
        if record.days is not None and record.days.num_rows:
            atomic_write(days_path, lambda p: pq.write_table(record.days, p))
        elif days_path.exists():
            days_path.unlink()  # a retried failure: no series from the failed attempt
        row = pa.Table.from_pylist([record.row])
        atomic_write(self._name("runs", record.point, record.seed), lambda p: pq.write_table(row, p))

    def run_files(self) -> list[Path]:
        return sorted((self.root / "runs").glob("point=*/seed=*.parquet"))

    def day_files(self) -> list[Path]:
        return sorted((self.root / "days").glob("point=*/seed=*.parquet"))

    def read_runs(self) -> list[dict[str, Any]]:
        """Every stored run row (with ``point``), in (point, seed) order."""
        rows = []
        for path in self.run_files():
            point = int(path.parent.name.split("=", 1)[1])
            for row in pq.read_table(path).to_pylist():
                rows.append({"point": point, **row})
        return rows

    def read_point(self, point: int) -> list[dict[str, Any]]:
        """The stored run rows of one point, in seed order."""
        rows = []
        for path in sorted((self.root / "runs" / f"point={point:05d}").glob("seed=*.parquet")):
            rows.extend({"point": point, **row} for row in pq.read_table(path).to_pylist())
        return rows

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
        for stale in self.root.glob("*/point=*/.*.tmp-*"):
            stale.unlink(missing_ok=True)  # left by a killed process; the run was never committed
        self.write_manifest({**manifest, "key": key, "versions": package_versions(), "status": "running"})

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n"
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write(self.root / MANIFEST, lambda p: p.write_text(text, encoding="utf-8"))

    def finish(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Record the counts of stored and failed runs in the manifest."""
        manifest = self.manifest() or {}
        rows = self.read_runs()
        manifest.update(
            status="complete",
            stored_runs=len(rows),
            failed_runs=sum(1 for r in rows if r.get("status") == "failed"),
            **(extra or {}),
        )
        self.write_manifest(manifest)
        return manifest


def pending(store: ResultStore, keys: Iterable[tuple[int, int]], *, retry_failed: bool = False) -> list[tuple[int, int]]:
    """The (point, seed) pairs not yet stored."""
    return [k for k in keys if not store.has(*k, retry_failed=retry_failed)]


__all__ = ["MANIFEST", "ResultStore", "StoredRun", "pending"]
