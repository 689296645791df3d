"""SQL over an experiment's results, through DuckDB.

Two views are defined over the Parquet files of an experiment folder:

* ``runs`` -- one row per run: ``point`` (from the Hive folder name), run id,
  seed, the varied parameters, status and error, outcome, lifetime and every
  summary metric;
* ``days`` -- the per-day series of every successful run, with the same tags.

Files written by runs that failed (no summary columns) and by runs that
succeeded are read together by column name, so a failed run shows its
``error`` and NULL metrics.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from sim.experiments.store import MANIFEST, ResultStore


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def connect(root: str | Path) -> Any:
    """An in-memory DuckDB connection with the views ``runs`` and ``days`` of experiment ``root``."""
    import duckdb

    store = ResultStore(root)
    if not (store.root / MANIFEST).exists():
        raise FileNotFoundError(f"{store.root}: not an experiment folder (no {MANIFEST})")
    con = duckdb.connect(":memory:")
    for view, files in (("runs", store.run_files()), ("days", store.day_files())):
        if files:
            glob = _quote(store.root / view / "scenario=*" / "*.parquet")
            con.execute(
                f"CREATE VIEW {view} AS SELECT * FROM read_parquet({glob}, hive_partitioning = true, "
                "hive_types = {'scenario': VARCHAR}, union_by_name = true)"
            )
        else:
            con.execute(
                f"CREATE VIEW {view} AS SELECT NULL::INTEGER AS point, NULL::VARCHAR AS run_id, "
                "NULL::BIGINT AS seed WHERE false"
            )
    return con


def query(root: str | Path, sql: str) -> pa.Table:
    """Run ``sql`` over the experiment's ``runs`` and ``days`` views; the answer as an Arrow table."""
    con = connect(root)
    try:
        relation = con.sql(sql)
        if relation is None:  # a statement without an answer
            return pa.table({})
        return relation.to_arrow_table()
    finally:
        con.close()


def write_csv(table: pa.Table, path: str | Path) -> None:
    """Write ``table`` as CSV with a header row."""
    pacsv.write_csv(table, str(path))


__all__ = ["connect", "query", "write_csv"]
