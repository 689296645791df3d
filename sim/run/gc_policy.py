"""The garbage collector during a run: the model built before the run is frozen, collections are rare.

A run allocates millions of small objects (events, messages, facts) and keeps
most of what it builds, so CPython's default thresholds (a collection every
700 allocations, full collections as the heap grows) walk the same live
objects again and again: measured at 1.6x the run's time on 250k messages
(issue 18). During :func:`quiet_gc`, everything alive at the start (the built
model, the imported modules) is moved out of the collector's sight
(``gc.freeze()``), and collections come every :data:`THRESHOLDS` allocations.
Reference cycles are still collected (nothing is disabled), and the old
settings come back at the end. Results never depend on it: the collector
frees only unreachable objects.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLDS = (200_000, 100, 1_000)
"""Allocations between young collections, then young collections between older ones."""

_depth = [0]


def enabled() -> bool:
    """Whether runs tune the collector (``GROUPSIM_GC=default`` turns it off, to compare)."""
    return os.environ.get("GROUPSIM_GC", "") != "default"


@contextmanager
def quiet_gc() -> Iterator[None]:
    """Freeze what is alive now and collect rarely until the block ends (nested blocks do nothing more)."""
    if _depth[0] or not enabled() or not gc.isenabled():
        _depth[0] += 1
        try:
            yield
        finally:
            _depth[0] -= 1
        return
    old = gc.get_threshold()
    _depth[0] += 1
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()
        _depth[0] -= 1


__all__ = ["THRESHOLDS", "enabled", "quiet_gc"]
