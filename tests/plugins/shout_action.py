"""An example rule-action plugin: ``shout`` -- a bot calls a member out in front of the group, loudly.

The whole plugin is this one module. A third-party package would ship it and
declare the action in its own ``pyproject.toml`` (the second and last file)::

    [project.entry-points."groupsim.actions"]
    shout = "my_package.shout_action:SHOUT"

Tests register it the same way, by patching ``importlib.metadata.entry_points``
(see tests/test_action_plugin.py). No groupsim file changes: the parser, lint,
explain, replay, the executor check and ``groupsim rules actions`` read the
action table, and the simulator calls :func:`shout_effect` to apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules import ActionDef, params_of


@dataclass(frozen=True, slots=True)
class Shout:
    """Call a member out in front of the group, in capitals (a plugin action)."""

    rule: str
    member: int
    text: str = "READ THE GROUP RULES"
    volume: float = 1.0


def shout_effect(world: Any, action: Shout, t: float) -> None:
    """The shout's effect on the simulated world: an event in the log (what a narrow world lets a plugin do)."""
    world.log_event(t, "shout", target=action.member, rule=action.rule)


SHOUT = ActionDef(
    name="shout",
    action=Shout,
    executors=frozenset({"bot"}),  # only a bot shouts at once; an operator or admin would talk in private
    punitive=True,  # a public sanction: never aimed at an owner or admin
    summary="Call a member out in front of the group, in capitals.",
    params=params_of(Shout, scalar="text", minimum={"volume": 0.0}),
    effect=shout_effect,
)
