"""Adaptation by imitation: agents copy the traits of better-off agents, with mutation.

One update rule for every adaptive population of the model (docs/MODEL.md,
"Norms and metanorms"): members' boldness and vengefulness
(sim/model/members/norms.py), and any agent that can say what its traits and
its payoff are (:class:`Adaptive`, e.g. an adversary; :func:`imitation_round`).

A round, for a population of ``n`` agents with traits ``x_i`` (each in
``[low, high]``) and payoffs ``pi_i``:

1. each agent ``i`` draws one model ``m(i)``: another agent uniformly at random,
   or a random one of its neighbours (friends); an agent with no model keeps
   its traits;
2. ``i`` copies all of ``x_m(i)`` with probability
   ``p_i = max(0, pi_m(i) - pi_i) / (pi_max - pi_min)`` -- proportional
   imitation (Schlag 1998, "Why imitate, and if so, how?", J. Econ. Theory 78:
   130-156): only better-off agents are imitated, and the more so the larger
   the gap; with the normalisation by the range, ``p_i`` is at most 1;
3. each trait of each agent is then redrawn uniformly on ``[low, high]`` with
   probability ``mutation_rate`` (Axelrod 1986, "An evolutionary approach to
   norms", APSR 80(4): 1095-1111, mutated each of his 3-bit genes with
   probability 0.01).

The round is synchronous: everyone imitates the traits held before the
round. All draws come from the ``rng`` the caller passes (a keyed stream).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


def draw_models(n: int, rng: np.random.Generator, neighbours: Sequence[Sequence[int]] | None = None) -> np.ndarray:
    """Each agent's model: another agent uniformly (``neighbours`` None), or a random neighbour; -1 if none.

    Args:
        n: Agents, indexed 0..n-1.
        rng: The round's stream.
        neighbours: Per agent, the indices (0..n-1) of its neighbours.
    """
    if neighbours is None:
        if n < 2:
            return np.full(n, -1, dtype=np.int64)
        j = rng.integers(0, n - 1, size=n)
        return j + (j >= np.arange(n))  # uniform over the others
    u = rng.random(n)
    return np.array([nb[int(x * len(nb))] if len(nb) else -1 for nb, x in zip(neighbours, u.tolist())], dtype=np.int64)


def imitate(
    traits: np.ndarray, payoff: np.ndarray, models: np.ndarray, rng: np.random.Generator, mutation_rate: float,
    low: float = 0.0, high: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """One round of proportional imitation with mutation (see the module docstring).

    Args:
        traits: ``(n, k)`` traits before the round.
        payoff: ``(n,)`` payoffs.
        models: ``(n,)`` each agent's model (-1: none), from :func:`draw_models`.
        rng: The round's stream.
        mutation_rate: Chance each trait is redrawn uniformly on ``[low, high]``.

    Returns:
        The traits after the round, and which agents copied their model.
    """
    traits = np.asarray(traits, dtype=float)
    payoff = np.asarray(payoff, dtype=float)
    n = len(payoff)
    out = traits.copy()
    copied = np.zeros(n, dtype=bool)
    u_copy = rng.random(n)
    u_mut = rng.random(traits.shape)
    fresh = rng.uniform(low, high, traits.shape)
    has = models >= 0
    span = float(payoff.max() - payoff.min()) if n else 0.0
    if span > 0 and has.any():
        m = np.where(has, models, 0)
        p = np.clip((payoff[m] - payoff) / span, 0.0, 1.0) * has
        copied = u_copy < p
        out[copied] = traits[m[copied]]
    mutate = u_mut < mutation_rate
    out[mutate] = fresh[mutate]
    return out, copied


@runtime_checkable
class Adaptive(Protocol):
    """An agent that can adapt by imitation: its traits, its payoff, and taking on new traits."""

    def adaptive_traits(self) -> Sequence[float]:
        """The traits others may copy (each in [0, 1])."""
        ...

    def adaptive_payoff(self) -> float:
        """How well the agent has done (the higher the better)."""
        ...

    def adopt(self, traits: Sequence[float]) -> None:
        """Take on ``traits`` (after imitation and mutation)."""
        ...


def imitation_round(agents: Sequence[Adaptive], rng: np.random.Generator, mutation_rate: float) -> int:
    """One round of :func:`imitate` over ``agents`` (models drawn uniformly); returns how many copied."""
    if len(agents) < 2:
        return 0
    traits = np.array([list(a.adaptive_traits()) for a in agents], dtype=float)
    payoff = np.array([a.adaptive_payoff() for a in agents], dtype=float)
    new, copied = imitate(traits, payoff, draw_models(len(agents), rng), rng, mutation_rate)
    for a, row in zip(agents, new.tolist()):
        a.adopt(row)
    return int(copied.sum())


__all__ = ["Adaptive", "draw_models", "imitate", "imitation_round"]
