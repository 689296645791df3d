"""Experiments: paired comparisons, sweeps, sensitivity analysis, strategy search.

Runs go through an executor (in this process, a local process pool, or a Dask
cluster) and are stored one by one in an experiment folder of Hive-partitioned
Parquet with a manifest, so an interrupted experiment resumes where it stopped
and DuckDB can answer questions over it. The ``groupsim compare``, ``sweep``,
``optimize`` and ``query`` commands live in :mod:`sim.cli.experiments`.
"""

from __future__ import annotations

from sim.experiments.compare import CompareArm, paired_report
from sim.experiments.design import Factor, Plan, SamplingDesign, SweepSpec, build_variant, plan_sweep, set_path
from sim.experiments.executors import DaskCluster, InProcess, LocalPool, RunExecutor, RunTask, execute, make_executor, run_tasks
from sim.experiments.optimize import Search, SearchSpec, load_search, run_search
from sim.experiments.query import connect, query
from sim.experiments.store import ResultStore, StoredRun
from sim.experiments.sweep import point_means, sensitivity, sweep_tasks

__all__ = [
    "CompareArm",
    "DaskCluster",
    "Factor",
    "InProcess",
    "LocalPool",
    "Plan",
    "ResultStore",
    "RunExecutor",
    "RunTask",
    "SamplingDesign",
    "Search",
    "SearchSpec",
    "StoredRun",
    "SweepSpec",
    "build_variant",
    "connect",
    "execute",
    "load_search",
    "make_executor",
    "paired_report",
    "plan_sweep",
    "point_means",
    "query",
    "run_search",
    "run_tasks",
    "sensitivity",
    "set_path",
    "sweep_tasks",
]
