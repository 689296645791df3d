"""Tiny scenarios and sweep files shared by the experiment tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def small_scenario(folder: Path, name: str = "small.yaml", days: int = 3, members: int = 50) -> Path:
    """The bundled well-run group, shrunk to a few days and members (runs in ~20 ms)."""
    text = (ROOT / "scenarios" / "new_customer_well_run.yaml").read_text(encoding="utf-8")
    text = text.replace("duration_days: 30", f"duration_days: {days}").replace("initial_members: 300", f"initial_members: {members}")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def sweep_file(folder: Path, design: str = "{method: grid}", seeds: int = 2, factors: str | None = None, extra: str = "") -> Path:
    """A sweep file over the small scenario."""
    small_scenario(folder)
    factors = factors or (
        "  - {name: ad_rate, path: population.2.params.ad_rate, values: [2, 30]}\n"
        "  - {name: kick_after, path: ruleset.rules.0.params.kick_after, low: 1, high: 3, integer: true, levels: 2}\n"
    )
    text = f"name: tiny sweep\nbase: small.yaml\nfactors:\n{factors}design: {design}\nseeds: {seeds}\nseed: 5\n{extra}"
    path = folder / "sweep.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def nap(seconds: float) -> float:
    """A task for worker-pool tests: sleep, then return the time slept (importable by spawned workers)."""
    import time

    time.sleep(seconds)
    return seconds


def die_on_negative(x: float) -> float:
    """A task for worker-pool tests: a negative value kills its worker process outright (no exception)."""
    import os

    if x < 0:
        os._exit(3)
    return x
