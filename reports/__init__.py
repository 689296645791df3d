"""groupsim's reports: tables and figures built from result files, never from a live run."""

from __future__ import annotations

__all__: list[str] = []
