"""Random streams, spawned per subsystem and per agent from one seed.

A stream is keyed by names, not by the order it was asked for, so adding an
agent (or a whole role) never changes the draws of any other agent or
subsystem. There is no global random state anywhere in groupsim.
"""

from __future__ import annotations

import zlib

import numpy as np


def _key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Factory of independent ``numpy.random.Generator`` objects for one run."""

    def __init__(self, seed: int) -> None:
        if seed < 0:
            raise ValueError("seed must be >= 0")
        self.seed = int(seed)

    def get(self, subsystem: str, *index: int) -> np.random.Generator:
        """The stream of ``subsystem`` (e.g. ``"arrivals"``), or of one agent in it."""
        ss = np.random.SeedSequence(entropy=self.seed, spawn_key=(_key(subsystem), *index))
        return np.random.Generator(np.random.PCG64(ss))

    def __repr__(self) -> str:
        return f"Streams(seed={self.seed})"


class GroupStreams(Streams):
    """The streams of one group of a portfolio: every subsystem name is prefixed by the group's."""

    def __init__(self, seed: int, prefix: str) -> None:
        super().__init__(seed)
        self.prefix = prefix

    def get(self, subsystem: str, *index: int) -> np.random.Generator:
        return super().get(f"{self.prefix}/{subsystem}", *index)

    def __repr__(self) -> str:
        return f"GroupStreams(seed={self.seed}, prefix={self.prefix!r})"
