"""Text pools: what members and adversaries write, as data a scenario chooses and extends.

The pools ship in ``scenarios/texts/<language>.yaml`` (Chinese ``zh``, the
default, and English ``en``), found through :mod:`importlib.resources` like
the bundled scenarios. A scenario picks a language and adds its own texts::

    texts:
      language: zh
      extend: {member_question: ["团购什么时候截止？"]}
      files: [our_group_texts.yaml]      # same shape as scenarios/texts/zh.yaml, next to the scenario

A text never decides what a message *is* (its true kind comes from who sends it
and why, sim/model/messages.py); it decides what rules can *observe*. Files are
read once, when the scenario is validated, and folded into ``extend`` (their
names kept in ``sources``), so the validated scenario carries its texts and
re-validates anywhere. A problem in a texts file is reported at its own
``file:line``.
"""

from __future__ import annotations

import difflib
import functools
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator

from rules import FieldError, InputError, read_mapping, validate_document
from rules.ruleset import bundled_package_root
from sim.base.params import data_path
from sim.base.schema import SpecModel

LANGUAGES = ("zh", "en")
POOLS: dict[str, str] = {
    "member_chat": "a member's chat line",
    "member_question": "a member's question",
    "member_answer": "a member's answer to an open question",
    "member_complaint": "a member's complaint (unhappy, leaving, cascades)",
    "member_callout": "a member calling out a shill who was seen through",
    "member_grievance": "a customer's complaint after an incident (complaint wave 群诉)",
    "ad_plain": "an ad spammer's plain ad",
    "ad_link": "an ad spammer's ad with a link",
    "ad_evasive": "an ad written to evade keyword lists (spacing, emoji, look-alikes, pinyin, ...)",
    "ad_image": "the caption of an image or QR-code ad (empty: no text)",
    "ad_card": "the caption of a contact-card ad (empty: no text)",
    "ad_mini_program": "the caption of a mini-program ad",
    "brigade_chat": "a competitor brigade account's chat before the attack",
    "brigade_rumour": "a brigade's rumour or complaint",
    "brigade_second": "a brigade teammate seconding it",
    "poacher_chat": "a poacher's chat in the group",
}
"""Every pool, with what it holds."""
_MAY_BE_EMPTY = frozenset({"ad_image", "ad_card"})  # an image or a QR code needs no words


def _check_pools(pools: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    for name, texts in pools.items():
        if name not in POOLS:
            close = difflib.get_close_matches(name, POOLS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; pools: {', '.join(POOLS)}"
            raise FieldError([name], f"unknown text pool {name!r}{hint}")
        if name not in _MAY_BE_EMPTY:
            for k, t in enumerate(texts):
                if not t.strip():
                    raise FieldError([name, k], f"an empty text (only {', '.join(sorted(_MAY_BE_EMPTY))} may have one)")
    return pools


class TextFile(SpecModel):
    """A texts file: ``scenarios/texts/zh.yaml`` or a scenario's own (``pools:`` of lists of texts)."""

    language: str = ""
    pools: dict[str, tuple[str, ...]]

    @field_validator("pools")
    @classmethod
    def _known(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        return _check_pools(v)


def read_text_file(path: Path) -> TextFile:
    """Read and validate a texts file; every problem is an InputError at its own file:line."""
    return validate_document(TextFile, read_mapping(path, "a texts file", "language:, pools: {member_chat: [...], ...}"))


class TextsSpec(SpecModel):
    """Which texts members and adversaries write: a bundled language, extended by the scenario."""

    language: str = Field(default="zh", description=f"Bundled pools: {', '.join(LANGUAGES)} (scenarios/texts/).")
    extend: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description=f"Texts added to pools, by pool name: {', '.join(POOLS)}.",
    )
    files: tuple[str, ...] = Field(default=(), description="Texts files (like scenarios/texts/zh.yaml) whose pools are added.")
    sources: tuple[str, ...] = Field(default=(), description="Texts files already read into `extend` (set on validation).")

    @model_validator(mode="before")
    @classmethod
    def _read_files(cls, data: Any) -> Any:
        """Fold each file's pools into ``extend`` (file pools first), so the spec carries them."""
        if not isinstance(data, dict) or not data.get("files"):
            return data
        files = data["files"]
        if isinstance(files, str):
            files = [files]
        extend: dict[str, list[str]] = {}
        for name in files:
            loaded = read_text_file(data_path(str(name), "texts"))  # InputError: the file's own line
            for pool, texts in loaded.pools.items():
                extend.setdefault(pool, []).extend(texts)
        for pool, texts in (data.get("extend") or {}).items():
            extend.setdefault(pool, []).extend(texts if isinstance(texts, (list, tuple)) else [texts])
        return {**data, "extend": extend, "files": [], "sources": [*data.get("sources", ()), *map(str, files)]}

    @field_validator("language")
    @classmethod
    def _language(cls, v: str) -> str:
        if v not in LANGUAGES:
            raise ValueError(f"no bundled texts for language {v!r}; use {' or '.join(LANGUAGES)} (scenarios/texts/)")
        return v

    @field_validator("extend")
    @classmethod
    def _extend(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        return _check_pools(v)

    def pools(self) -> TextPools:
        """The resolved pools (bundled language plus extensions), built once per distinct spec."""
        key = (self.language, tuple(sorted(self.extend.items())))
        return _resolve(key)


class TextPools:
    """Resolved pools: ``texts[name]`` a tuple of texts; ``links[name]`` whether each carries a link."""

    __slots__ = ("texts", "links", "language")

    def __init__(self, language: str, texts: dict[str, tuple[str, ...]]) -> None:
        self.language = language
        self.texts = texts
        self.links = {k: tuple("http://" in t or "https://" in t for t in v) for k, v in texts.items()}

    def pick(self, pool: str, u: float) -> str:
        """The text a uniform draw ``u`` in [0, 1) picks from ``pool`` (each text equally likely)."""
        texts = self.texts[pool]
        return texts[min(int(u * len(texts)), len(texts) - 1)]

    def __repr__(self) -> str:
        return f"TextPools({self.language!r}, {sum(map(len, self.texts.values()))} texts)"


def bundled_texts_root() -> Path:
    """The folder of the bundled texts (``scenarios/texts/`` in a checkout)."""
    return bundled_package_root() / "texts"


@functools.cache
def bundled_pools(language: str) -> dict[str, tuple[str, ...]]:
    """The bundled pools of ``language``; every pool must be there."""
    path = bundled_texts_root() / f"{language}.yaml"
    loaded = read_text_file(path)
    missing = sorted(set(POOLS) - set(loaded.pools))
    if missing:
        raise InputError.single(path, None, "pools", f"bundled texts lack pools {missing}")
    return dict(loaded.pools)


@functools.lru_cache(maxsize=64)
def _resolve(key: tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]) -> TextPools:
    language, extend = key
    texts = dict(bundled_pools(language))
    for pool, more in extend:
        texts[pool] = texts[pool] + tuple(more)
    return TextPools(language, texts)


__all__ = ["LANGUAGES", "POOLS", "TextFile", "TextPools", "TextsSpec", "bundled_pools", "bundled_texts_root", "read_text_file"]
