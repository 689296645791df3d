"""Packaging: our `sim`, `rules` and `reports` are the ones imported, and exports are curated."""

from __future__ import annotations

import importlib
import importlib.metadata as md
from pathlib import Path

import pytest

PACKAGES = ("sim", "rules", "reports")
INSTALLED = (*PACKAGES, "scenarios")  # scenarios: the bundled YAML files, as package data


@pytest.mark.parametrize("name", INSTALLED)
def test_no_other_distribution_provides_our_packages(name: str) -> None:
    providers = md.packages_distributions().get(name, [])
    others = sorted(set(providers) - {"groupsim"})
    assert not others, f"distribution(s) {others} also install a top-level package {name!r}: it would shadow ours"


@pytest.mark.parametrize("name", PACKAGES)
def test_imported_package_is_ours(name: str) -> None:
    module = importlib.import_module(name)
    here = Path(module.__file__).resolve().parent
    dist = md.distribution("groupsim")
    owned = {Path(str(dist.locate_file(f))).resolve().parent for f in dist.files or []}
    repo = Path(__file__).resolve().parent.parent
    assert here.parent == repo or here in owned, f"{name} was imported from {here}, not from groupsim"
    assert (here / "py.typed").exists()


@pytest.mark.parametrize("name", ["rules", "sim", "reports"])
def test_all_is_curated(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert sorted(exported) == sorted(set(exported)), "duplicates in __all__"
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ names {item!r}, which does not exist"
    public = {k for k, v in vars(module).items() if not k.startswith("_") and not isinstance(v, type(importlib))}
    public -= {"annotations"}
    assert public <= set(exported), f"{name} exposes names missing from __all__: {sorted(public - set(exported))}"


def test_console_command_is_declared() -> None:
    eps = md.entry_points(group="console_scripts")
    assert any(ep.name == "groupsim" and ep.value == "sim.cli:main" for ep in eps)
