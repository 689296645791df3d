"""Write a variant of a calibrated scenario: add ad spammers, and optionally a ruleset (for walkthrough.sh)."""

from __future__ import annotations

import sys
from pathlib import Path

from ruamel.yaml import YAML


def main(src: Path, out: Path, name: str, ruleset: str, spammers: int) -> None:
    yaml = YAML()
    data = yaml.load(src.read_text(encoding="utf-8"))
    data["name"] = name
    data["ruleset"] = ruleset
    if spammers:
        data["population"].append({"role": "ad_spammer", "count": spammers,
                                   "params": {"join_day": {"dist": "uniform", "low": 1, "high": 20}}})
    with out.open("w", encoding="utf-8") as f:
        yaml.dump(data, f)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]))
