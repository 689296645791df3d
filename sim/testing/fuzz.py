"""Mutated scenario files, to check the contract: validate never tracebacks, and what it accepts, run runs.

:func:`mutate` takes a valid scenario (as the mapping a YAML file holds) and
applies a few random edits of the kinds users and tools make by mistake: a type
swapped, an extreme number, a key deleted, an unknown key, hostile unicode,
deep nesting. :func:`check_text` then validates the text as ``groupsim
validate`` does and, when it is accepted, runs one day of it with one seed.
Used by a hypothesis property (tests/test_contract_fuzz.py) and by
``python bench/bench_fuzz.py --count 10000``.
"""

from __future__ import annotations

import copy
import io
import math
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from ruamel.yaml import YAML

EXTREMES: tuple[Any, ...] = (0, -1, 1, 2**31, 2**63, 2**70, -(2**70), 1e308, -1e308, 1e-308, math.nan, math.inf, -math.inf,
                             0.5, 1e9, -1e9, True, None)
TEXTS: tuple[str, ...] = ("", "[/]", "[bold red]x[/]", "<script>alert(1)</script>", "\u202eevil", "群\u2028聊", "😀" * 5,
                          "a" * 300, "member", "operator", "ad_spammer", "lognormal", "none", "basic", "\x00", "{}", "[]")
KEYS: tuple[str, ...] = ("bogus", "count", "share", "params", "role", "dist", "ruleset", "limits", "capacity", "日")


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``node`` (mapping keys and list indexes)."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


def _swap_type(value: Any, rng: np.random.Generator) -> Any:
    if isinstance(value, dict):
        return list(value.values()) if rng.random() < 0.5 else str(value)
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)} if rng.random() < 0.5 else (value[0] if value else 0)
    if isinstance(value, str):
        return float(len(value)) if rng.random() < 0.5 else [value]
    if isinstance(value, (int, float)):
        return str(value) if rng.random() < 0.5 else {"value": value}
    return "x"


def mutate(data: dict[str, Any], rng: np.random.Generator, edits: int = 3) -> Any:
    """A copy of ``data`` with ``edits`` random edits (see the module docstring)."""
    root: Any = copy.deepcopy(data)
    for _ in range(edits):
        paths = _paths(root)
        path = paths[int(rng.integers(len(paths)))]
        value = _get(root, path)
        kind = int(rng.integers(6))
        if kind == 0:
            root = _set(root, path, _swap_type(value, rng))
        elif kind == 1:
            root = _set(root, path, EXTREMES[int(rng.integers(len(EXTREMES)))])
        elif kind == 2 and path:
            parent = _get(root, path[:-1])
            del parent[path[-1]]
        elif kind == 3 and isinstance(value, dict):
            value[KEYS[int(rng.integers(len(KEYS)))]] = EXTREMES[int(rng.integers(len(EXTREMES)))]
        elif kind == 4:
            root = _set(root, path, TEXTS[int(rng.integers(len(TEXTS)))])
        else:
            deep: Any = value
            for _ in range(int(rng.integers(5, 120))):
                deep = [deep] if rng.random() < 0.5 else {"x": deep}
            root = _set(root, path, deep)
    return root


def dump_yaml(data: Any) -> str:
    """YAML text of ``data`` (non-finite floats as .nan/.inf, as a person would write them)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


@dataclass
class Verdict:
    """What happened to one file: rejected cleanly, accepted and ran, or a traceback (where and what)."""

    accepted: bool
    ran: bool = False
    crash: str = ""  # "" when nothing crashed; else "validate: ..." or "run: ..."


def check_text(text: str, folder: Path | None = None) -> Verdict:
    """Validate ``text`` as a scenario file, as ``groupsim validate`` does; run one day of it when accepted."""
    from rules import InputError
    from sim.run.engine import run_scenario
    from sim.spec.scenario import load_scenario

    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / "fuzzed.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            scenario = load_scenario(path)
        except InputError:
            return Verdict(accepted=False)
        except Exception:  # noqa: BLE001 - exactly what the contract forbids
            return Verdict(accepted=False, crash="validate: " + traceback.format_exc(limit=-3))
    try:
        one_day = scenario.with_values(duration_days=1.0) if scenario.duration_days > 1 else scenario
    except ValueError:  # an event inside the file's horizon but past day 1: run the file as it is, if short
        if scenario.duration_days > 3:
            return Verdict(accepted=True)
        one_day = scenario
    try:
        run_scenario(one_day, 1)
    except Exception:  # noqa: BLE001
        return Verdict(accepted=True, crash="run: " + traceback.format_exc(limit=-3))
    return Verdict(accepted=True, ran=True)


def bundled_bases(root: Path) -> list[dict[str, Any]]:
    """The bundled scenarios and presets as mappings, the seeds of the fuzzing."""
    yaml = YAML(typ="safe", pure=True)
    files = sorted((root / "scenarios").glob("*.yaml")) + sorted((root / "scenarios" / "presets").glob("*.yaml"))
    return [yaml.load(f.read_text(encoding="utf-8")) for f in files]


__all__ = ["EXTREMES", "TEXTS", "Verdict", "bundled_bases", "check_text", "dump_yaml", "mutate"]
