"""A pool of warm worker processes that survives the death of a worker, and dies with its parent.

Workers are warm: started once, each imports the engine once, and takes task
after task (any function, by reference) until the pool closes. On Linux and
macOS they are forked from a ``forkserver`` that imported the engine and its
heavy libraries once (:mod:`sim.run.warm`), so a worker starts in milliseconds
instead of paying the imports again; elsewhere they are spawned. Either way a
worker shares no state with the process that owns the pool.
:func:`shared_pool` keeps one pool per worker count alive for the process, so
repeated calls (a run after a run, the points of a sweep) pay no start-up.

``concurrent.futures.ProcessPoolExecutor`` marks the whole pool broken when one
worker dies (killed, out of memory, a segfault in a native library): every
pending run then fails. Here each worker has its own pipe and runs one task at
a time, so the parent always knows which task a dead worker held. That task
alone is retried, on a fresh worker, up to ``retries`` times; after that it is
reported as a :class:`WorkerDied` error and the other tasks go on.

Workers never outlive the parent: on Linux each asks the kernel for SIGKILL
when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and on every platform a
watchdog thread exits the worker once its parent's pid changes (the worker
was re-parented) or its pipe closes.
"""

from __future__ import annotations

import atexit
import ctypes
import multiprocessing as mp
import os
from os import _exit as exit_now  # os._exit (documented): end a worker at once, no clean-up
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")

PR_SET_PDEATHSIG = 1
WATCHDOG_SECONDS = 0.5
PRELOAD = ["sim.run.warm"]  # what the forkserver imports once, for every worker it forks


class WorkerDied(RuntimeError):
    """A task's worker process died (every attempt at it)."""


class TaskError(RuntimeError):
    """A task raised in its worker; the message is the worker's ``Type: message`` line."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _die_with_parent(parent: int) -> None:
    """Exit this worker when ``parent`` (the pool's owner) dies.

    The kernel's death signal on Linux fires when the worker's own parent
    dies: the owner for a spawned worker, the forkserver (which exits with the
    owner) for a forked one. A watchdog everywhere also exits once the owner is
    gone or the worker was re-parented.
    """
    direct = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still works
    if os.getppid() != direct or not _alive(parent):  # a parent died before prctl took effect
        exit_now(1)

    def watch() -> None:
        while True:
            if os.getppid() != direct or not _alive(parent):
                exit_now(1)
            time.sleep(WATCHDOG_SECONDS)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _work(conn: Connection, parent: int) -> None:
    """A worker's loop: receive (fn, task), send back ("ok", fn(task)) or ("error", text); None ends it."""
    _die_with_parent(parent)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if item is None:
            return
        fn, task = item
        try:
            out: tuple[str, Any] = ("ok", fn(task))
        except Exception as exc:  # noqa: BLE001 - reported to the parent as data
            out = ("error", f"{type(exc).__name__}: {exc}")
        conn.send(out)


def context() -> Any:
    """The start method workers get: ``forkserver`` (engine preloaded) where the platform has it, else ``spawn``."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")


def prestart() -> None:
    """Start the forkserver now, in the background: it imports the engine on the other core while this
    process reads and validates its files, so the first workers fork at once (a no-op without forkserver)."""
    ctx = context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_work, args=(child, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.task: Any = None

    def stop(self, timeout: float = 5.0) -> None:
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1.0)
        self.conn.close()


class WorkerPool(Generic[T]):
    """``workers`` warm processes (they share nothing) running functions on tasks, one task each at a time.

    Workers start at the first :meth:`map` and stay for the next ones (any
    function) until :meth:`close`.

    Args:
        workers: Number of worker processes.
        retries: How many times a task whose worker died is tried again on a fresh worker.
    """

    def __init__(self, workers: int, *, retries: int = 2) -> None:
        self.workers = max(1, workers)
        self.retries = retries
        self._ctx = context()
        self._pool: list[_Worker] = []
        self._fn: Callable[[T], Any] | None = None  # the function of the map running now
        self.deaths: dict[int, int] = {}
        """Per task index of the last :meth:`map`: how many times its worker died."""
        self.started = 0
        """Worker processes started so far (more than ``workers`` once one was replaced)."""

    def running(self) -> dict[int, Any]:
        """Worker pid -> the task it is running now (idle workers are left out)."""
        return {w.process.pid: w.task[1] for w in self._pool if w.task is not None and w.process.pid is not None}

    def _spawn(self, fn: Callable[[T], Any]) -> _Worker:
        self.started += 1
        return _Worker(self._ctx)

    def map(self, fn: Callable[[T], Any], tasks: Iterable[T]) -> Iterator[tuple[T, Any]]:
        """Yield ``(task, result)`` or ``(task, exception)`` as tasks finish, in any order."""
        self._fn = fn
        for stale in [w for w in self._pool if w.task is not None]:  # a map left unfinished: its results are lost
            self._pool.remove(stale)
            stale.process.kill()
            stale.process.join(1.0)
            stale.conn.close()
        queue: deque[tuple[int, T]] = deque(enumerate(tasks))
        self.deaths = {}
        while len(self._pool) < min(self.workers, len(queue)):
            self._pool.append(self._spawn(fn))
        busy = 0
        for w in self._pool:
            if queue:
                self._give(w, queue.popleft())
                busy += 1
        while busy:
            ready = wait([w.conn for w in self._pool if w.task is not None]
                         + [w.process.sentinel for w in self._pool if w.task is not None])
            for w in list(self._pool):
                if w.task is None or (w.conn not in ready and w.process.sentinel not in ready):
                    continue
                index, task = w.task
                try:
                    kind, value = w.conn.recv()  # a result sent just before a death is still read
                except (EOFError, OSError):
                    kind, value = "died", None
                if kind == "died":
                    busy -= 1
                    self._pool.remove(w)
                    w.process.join(1.0)
                    code = w.process.exitcode
                    w.conn.close()
                    self.deaths[index] = self.deaths.get(index, 0) + 1
                    if self.deaths[index] <= self.retries:
                        queue.appendleft((index, task))
                    else:
                        yield task, WorkerDied(f"worker died {self.deaths[index]} times running it (exit code {code})")
                    if queue:
                        w = self._spawn(fn)
                        self._pool.append(w)
                        self._give(w, queue.popleft())
                        busy += 1
                    continue
                w.task = None
                busy -= 1
                yield task, (value if kind == "ok" else TaskError(value))
                if queue:
                    self._give(w, queue.popleft())
                    busy += 1

    def _give(self, w: _Worker, item: tuple[int, Any]) -> None:
        w.task = item
        try:
            w.conn.send((self._fn, item[1]))
        except OSError:
            pass  # the worker is dead: its sentinel says so at the next wait, and the task is retried

    def close(self) -> None:
        """Stop every worker."""
        for w in self._pool:
            w.stop()
        self._pool = []

    def __repr__(self) -> str:
        return f"WorkerPool(workers={self.workers}, retries={self.retries})"


_SHARED: dict[int, WorkerPool[Any]] = {}


def shared_pool(workers: int) -> WorkerPool[Any]:
    """This process's warm pool of ``workers`` workers (made at the first call, closed at exit)."""
    pool = _SHARED.get(workers)
    if pool is None:
        if not _SHARED:
            atexit.register(close_shared)
        pool = _SHARED[workers] = WorkerPool(workers)
    return pool


def close_shared() -> None:
    """Stop every shared pool's workers."""
    for pool in _SHARED.values():
        pool.close()
    _SHARED.clear()


__all__ = ["PRELOAD", "TaskError", "WorkerDied", "WorkerPool", "close_shared", "context", "prestart", "shared_pool"]
