"""What a portfolio's groups share, and the null version for a group that runs alone.

A portfolio (sim/run/portfolio.py) runs several groups in one environment.
Each group is built with a :class:`PortfolioTies`: the timelines on the
environment (so a scheduled event in one group stops inline posting in all),
the operator's shared attention, the shared blacklist, the QR-code joins per
person and day, the hook called when a member is kicked, and who each member
is across the groups. A lone group gets :class:`NoPortfolio`: unlimited
attention, no blacklist, a do-nothing hook, every member their own person, so
no part of the model checks for ``None``. (A group is typed ``Any`` here: the
world, sim/model/world.py, refers to these ties, so they do not refer back.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sim.model.timeline import Timeline


class Attention(Protocol):
    """An operator's minutes, spent by the groups they run."""

    skipped: dict[str, int]

    def spend(self, world: Any, t: float, minutes: float) -> bool:
        """Whether ``minutes`` of work at ``t`` fit in the day; False means it is skipped."""
        ...


class UnlimitedAttention:
    """A lone group's operator: every task fits."""

    def __init__(self) -> None:
        self.skipped: dict[str, int] = {}

    def spend(self, world: Any, t: float, minutes: float) -> bool:  # noqa: D102
        return True


class NoBlacklist:
    """No shared blacklist: nobody is refused, a kick blacklists nobody."""

    def __contains__(self, person: object) -> bool:
        return False

    def __len__(self) -> int:
        return 0

    def add(self, person: object) -> None:  # noqa: D102
        return None


def _no_hook(world: Any, member: int, t: float) -> None:
    return None


def _no_forward(world: Any, member: int, message: Any, t: float, probability: float) -> int:
    return 0


class PortfolioTies:
    """One group's ties to the other groups of its portfolio.

    Args:
        timelines: Every group's timeline on the shared environment (each adds its own).
        attention: The operator's minutes shared by the groups.
        blacklist: Persons refused at every door (a set, or :class:`NoBlacklist`).
        account_joins: (person, day) -> groups joined that day by QR code (shared).
        on_kick: Called as ``on_kick(world, member, t)`` after each kick.
        person_of: Member id -> person across the groups (``.get(i, i)`` for others).
        on_forward: Called as ``on_forward(world, member, message, t, probability)`` when a member
            forwards a tracked message; returns how many other groups it went into (sim/model/members/forwarding.py).
    """

    def __init__(
        self, *, timelines: list[Timeline], attention: Attention, blacklist: Any,
        account_joins: dict[tuple[Any, int], int], on_kick: Callable[[Any, int, float], None],
        person_of: dict[int, Any], on_forward: Callable[[Any, int, Any, float, float], int] = _no_forward,
    ) -> None:
        self.timelines = timelines
        self.attention = attention
        self.blacklist = blacklist
        self.account_joins = account_joins
        self.on_kick = on_kick
        self.person_of = person_of
        self.on_forward = on_forward


class NoPortfolio(PortfolioTies):
    """A group that runs alone (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(timelines=[], attention=UnlimitedAttention(), blacklist=NoBlacklist(), account_joins={},
                         on_kick=_no_hook, person_of={})


__all__ = ["Attention", "NoBlacklist", "NoPortfolio", "PortfolioTies", "UnlimitedAttention"]
