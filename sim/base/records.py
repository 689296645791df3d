"""Observation, kept apart from behaviour: the event log and the per-day series.

The event log is columnar (one Python list per column, appended on the hot
path, turned into Arrow once at the end). Its digest is a SHA-256 over the
columns in a fixed order and a fixed binary form, so one scenario and seed
give the same digest on any executor.
"""

from __future__ import annotations

import hashlib
import itertools
import sys
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np
import pyarrow as pa

EVENT_COLUMNS = ("seq", "time", "event", "actor", "target", "kind", "rule")


class EventLog:
    """Append-only log of everything that happened in one run.

    Posts are not appended here on the hot path: the run's message list already
    holds them, each with its ``seq`` in the log, and :meth:`attach_messages`
    merges them in when the run ends. Every other event takes the next ``seq``.
    """

    __slots__ = ("seq", "time", "event", "actor", "target", "kind", "rule", "counter", "_messages")

    def __init__(self) -> None:
        self.counter = itertools.count()
        self._messages: list[Any] | None = None
        self.seq: list[int] = []
        self.time: list[float] = []
        self.event: list[str] = []
        self.actor: list[int] = []
        self.target: list[int] = []
        self.kind: list[str] = []
        self.rule: list[str] = []

    def add(self, time: float, event: str, actor: int = -1, target: int = -1, kind: str = "", rule: str = "") -> None:
        self.seq.append(next(self.counter))
        self.time.append(time)
        self.event.append(event)
        self.actor.append(actor)
        self.target.append(target)
        self.kind.append(kind)
        self.rule.append(rule)

    def attach_messages(self, messages: list[Any], kind_names: tuple[str, ...]) -> None:
        """Merge the run's posts (each a message with ``seq``) into the log, in seq order."""
        if not messages:
            return
        n = len(messages)
        m_seq = list(map(attrgetter("seq"), messages))
        seq = np.asarray(self.seq + m_seq, dtype=np.int64)
        order = np.argsort(seq, kind="stable")
        pick = itemgetter(*order.tolist()) if len(order) > 1 else (lambda both: (both[0],))

        def merged(old: list[Any], new: list[Any]) -> list[Any]:
            return list(pick(old + new))

        self.seq = seq[order].tolist()
        self.time = np.asarray(self.time + list(map(attrgetter("time"), messages)), dtype=np.float64)[order].tolist()
        self.event = merged(self.event, ["post"] * n)
        self.actor = np.asarray(self.actor + list(map(attrgetter("sender"), messages)), dtype=np.int64)[order].tolist()
        self.target = merged(self.target, list(map(attrgetter("id"), messages)))
        self.kind = merged(self.kind, list(map(kind_names.__getitem__, map(attrgetter("kind"), messages))))
        self.rule = merged(self.rule, [""] * n)

    def __len__(self) -> int:
        return len(self.time)

    def table(self) -> pa.Table:
        return pa.table(
            {
                "seq": pa.array(np.asarray(self.seq, dtype=np.int64)),
                "time": pa.array(np.asarray(self.time, dtype=np.float64)),
                "event": pa.array(self.event, pa.string()).dictionary_encode(),
                "actor": pa.array(np.asarray(self.actor, dtype=np.int64)),
                "target": pa.array(np.asarray(self.target, dtype=np.int64)),
                "kind": pa.array(self.kind, pa.string()).dictionary_encode(),
                "rule": pa.array(self.rule, pa.string()).dictionary_encode(),
            }
        )

    def digest(self) -> str:
        """SHA-256 of the log's content in a canonical binary form."""
        h = hashlib.sha256()
        h.update(np.asarray(self.seq, dtype="<i8").tobytes())
        h.update(np.asarray(self.time, dtype="<f8").tobytes())
        h.update(np.asarray(self.actor, dtype="<i8").tobytes())
        h.update(np.asarray(self.target, dtype="<i8").tobytes())
        for col in (self.event, self.kind, self.rule):
            h.update("\x1f".join(col).encode("utf-8"))
            h.update(b"\x1e")
        return h.hexdigest()


def skip_pandas_probe() -> None:
    """Stop pyarrow importing pandas (about 0.9 s) just to ask whether a list is a pandas array.

    The first ``pa.array(list)`` of a process imports pandas, if installed, for
    that question alone; groupsim never passes pandas objects. This makes the
    one-time probe find no pandas, so it is never imported on the run path.
    pyarrow still imports pandas when asked for it (``to_pandas``,
    ``from_pandas``). Called by groupsim's own processes only (the ``run``
    command, pool workers), never on import: a program that imports groupsim
    and hands pandas frames to ``pa.table`` keeps pyarrow's usual behaviour.
    """
    if "pandas" in sys.modules:
        return
    blocker = _NoPandas()
    sys.meta_path.insert(0, blocker)  # `import pandas` raises ImportError while the probe runs
    try:
        pa.array([0])  # pyarrow's probe runs now, once, and remembers "no pandas"
    finally:
        sys.meta_path.remove(blocker)


class _NoPandas:
    """An import finder that refuses pandas (only while :func:`skip_pandas_probe` runs)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not used by groupsim's run path")
        return None


def days_table(rows: list[dict[str, Any]]) -> pa.Table:
    """The per-day series as Arrow (columns in a fixed order)."""
    if not rows:
        return pa.table({"day": pa.array([], pa.int64())})
    return pa.Table.from_pylist(rows)
