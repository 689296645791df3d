"""The read-only view of a group that rules judge against."""

from __future__ import annotations

from typing import Protocol

from rules.events import VisibleRole


class GroupView(Protocol):
    """What a moderator can look up about the group at the moment of an event.

    Times are minutes since the group was created.
    """

    @property
    def now(self) -> float: ...

    def member_count(self) -> int: ...

    def is_member(self, member: int) -> bool: ...

    def visible_role(self, member: int) -> VisibleRole: ...

    def tenure(self, member: int) -> float:
        """Minutes since ``member`` joined."""
        ...

    def warnings(self, member: int) -> int:
        """Warnings ``member`` has received in this group so far."""
        ...
