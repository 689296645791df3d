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


class MemberDirectory(Protocol):
    """Optional extras of a view: who is present, paid status, inviters.

    Rules read them through ``getattr`` so that a plain :class:`GroupView`
    still works: without them, ``sender.paid`` is false unless a payment was
    observed, and per-member sweeps see nobody.
    """

    def members(self) -> list[int]:
        """Members present now, in a stable order."""
        ...

    def paid(self, member: int) -> bool:
        """Whether ``member`` has paid (a fee, a red packet)."""
        ...

    def invited_by(self, member: int) -> int | None:
        """Who invited ``member``, if anyone."""
        ...
