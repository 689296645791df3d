"""Which code builds each role: a dict of built-ins, plus plugins from entry points.

A role builder is called once per population entry (and once per arrival) as
``build(world, entry_index, entry, first, n, t0, stream) -> list[int]``: it creates
``n`` agents numbered ``first..first+n-1`` within the entry, joining at ``t0``,
drawing from ``stream(purpose)``, and returns the ids of those that read the
group (members, for the social graph). Third-party roles register in the
entry-point group ``groupsim.roles``; the entry point names the role and loads
an object with ``params_model`` (a pydantic model of its ``params``) and
``build`` (as above, receiving the validated params as ``entry.params``).
"""

from __future__ import annotations

import importlib.metadata as md
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from pydantic import BaseModel

if TYPE_CHECKING:
    from sim.model.world import World

ENTRY_POINT_GROUP = "groupsim.roles"
Builder = Callable[..., list[int]]


class RolePlugin(Protocol):
    """What a plugin's entry point loads."""

    params_model: type[BaseModel]

    def build(
        self, world: World, entry_index: int, entry: Any, first: int, n: int, t0: float,
        stream: Callable[[str], np.random.Generator],
    ) -> list[int]: ...


def _builtins() -> dict[str, Builder]:
    from sim.model.adversaries.poachers import add_poachers
    from sim.model.adversaries.spammers import add_spammers
    from sim.model.members.build import add_members
    from sim.model.staff.operator import add_operators
    from sim.model.adversaries.attacks import add_brigade, add_incidents
    from sim.model.staff.crew import add_shills, add_staff

    return {
        "member": add_members,
        "operator": add_operators,
        "ad_spammer": add_spammers,
        "admin": add_staff,
        "kol": add_staff,
        "shill": add_shills,
        "poacher": add_poachers,
        "brigade": add_brigade,
        "incident": add_incidents,
    }


def plugins() -> dict[str, RolePlugin]:
    """Roles registered by installed distributions under ``groupsim.roles``."""
    return {ep.name: ep.load() for ep in md.entry_points(group=ENTRY_POINT_GROUP)}


class _WithParams:
    """A plugin entry with its params validated by the plugin's own model."""

    def __init__(self, entry: Any, params: BaseModel) -> None:
        self.entry, self.params = entry, params
        self.role, self.count, self.share, self.label = entry.role, entry.count, entry.share, entry.label


def builder_for(entry: Any) -> tuple[Builder, Any]:
    """The builder of ``entry``'s role, and the entry as that builder expects it."""
    table = _builtins()
    if entry.role in table:
        return table[entry.role], entry
    found = plugins().get(entry.role)
    if found is None:
        known = ", ".join(sorted(table))
        raise ValueError(f"unknown role {entry.role!r}: not built in ({known}) nor registered under {ENTRY_POINT_GROUP!r}")
    return found.build, _WithParams(entry, found.params_model.model_validate(entry.params))


__all__ = ["ENTRY_POINT_GROUP", "RolePlugin", "builder_for", "plugins"]
