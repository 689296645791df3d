"""What a worker imports once, before its first task: the engine and the libraries a run loads lazily.

The pool's forkserver (sim/run/pool.py) imports this module once; every worker
forked from it starts with all of it loaded. The parent process of
``groupsim run -j N`` never needs to import it: it only validates the
scenario and writes the results.
"""

from __future__ import annotations

import gc

import scipy.special  # noqa: F401 - truncated normals draw through ndtri (sim/base/params.py)

import sim.run.engine  # noqa: F401 - the model and the rule engine (its parser tables, rules/parser_tables.py)
import sim.run.runner  # noqa: F401 - run_one and the Arrow tables
from sim.base.records import skip_pandas_probe

skip_pandas_probe()  # a worker never imports pandas (sim/base/records.py)
gc.freeze()  # the imported modules are never collected: forked workers keep sharing their pages

__all__: list[str] = []
