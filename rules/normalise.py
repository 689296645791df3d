"""Text normalisation before keyword checks: undo the tricks ad spammers use to evade keyword lists.

Spammers write 加 微 信 (spaces), 加🌹微🌹信 (emoji between characters),
ｖｘ (full-width letters), ⅴ or ѵ (look-alike letters), +薇 or 威信 (variant
characters), and jia wei xin (pinyin) so that a literal keyword list misses
them (seed 002: the platform rules list keyword evasion with symbols and
images). A ruleset (or a ``ban_ads_and_links`` rule) may normalise a message's
text before its keyword lists are matched::

    normalise: {nfkc: true, width: true, variants: true, strip: true}   # or `normalise: true`

The steps, in order: Unicode NFKC (compatibility forms: ⅴ -> v, full-width
letters -> ASCII), width folding (full-width ASCII and the ideographic space,
for ``nfkc: false``), lower-casing, stripping (white space, zero-width and
other format characters, emoji and other symbols, in-word separators such as
``. · * _ - ~ | /``), then the variant table ``rules/text_variants.yaml``
(look-alike characters, then phrases such as pinyin, longest first). Each
distinct text is normalised once (a bounded cache): chat repeats itself.

Only what a moderator's bot could do: nothing here reads who sent the message.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import unicodedata
from typing import Any

from ruamel.yaml import YAML
from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

VARIANTS_FILE = "text_variants.yaml"
_CACHE = 8192  # distinct texts whose normal form is kept
# Categories stripped: separators (Z*), format characters such as zero-width spaces (Cf),
# other / modifier symbols (So, Sk: emoji, ❤, ✨), and in-word punctuation used as spacers.
_STRIP_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "So", "Sk", "Cc"})
_SPACERS = frozenset(".·•・*_-~|/\\'`^\"")
_EMOJI_JOINERS = frozenset({"\u200d", "\ufe0f", "\ufe0e"})


class NormaliseSpec(BaseModel):
    """Which normalisation steps run before keyword matching (all on with ``normalise: true``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nfkc: bool = Field(default=True, description="Unicode NFKC: compatibility forms (ⅴ, ｖ, ①) become plain ones.")
    width: bool = Field(default=True, description="Fold full-width ASCII and the ideographic space to half width.")
    variants: bool = Field(default=True, description="Look-alike characters and phrases (rules/text_variants.yaml).")
    strip: bool = Field(default=True, description="Drop spaces, zero-width characters, emoji/symbols and in-word separators.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if data is True:
            return {}
        if data is False:
            return {"nfkc": False, "width": False, "variants": False, "strip": False}
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """The mapping, or the shorthand ``normalise: true`` (every step) / ``false`` (none)."""
        mapping = handler.resolve_ref_schema(handler(core_schema))
        flag = {"type": "boolean", "description": "true: every step; false: none."}
        return {"anyOf": [flag, dict(mapping)], "title": mapping.get("title", cls.__name__),
                "description": mapping.get("description", "")}

    @property
    def steps(self) -> tuple[str, ...]:
        """The steps that run, in order (for ``rules explain``)."""
        return tuple(s for s in ("nfkc", "width", "strip", "variants") if getattr(self, s))


@functools.cache
def variant_table() -> tuple[dict[str, str], dict[str, str]]:
    """The shipped look-alike characters and phrases: ``(chars, phrases)``."""
    text = importlib.resources.files("rules").joinpath(VARIANTS_FILE).read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text) or {}
    chars = {str(k): str(v) for k, v in (data.get("chars") or {}).items()}
    phrases = {str(k): str(v) for k, v in (data.get("phrases") or {}).items()}
    return chars, phrases


def _fold_width(text: str) -> str:
    out = []
    for ch in text:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            out.append(chr(o - 0xFEE0))
        elif o == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _strip(text: str) -> str:
    return "".join(
        ch for ch in text
        if ch not in _SPACERS and ch not in _EMOJI_JOINERS and unicodedata.category(ch) not in _STRIP_CATEGORIES
    )


class Normaliser:
    """A text normaliser for one :class:`NormaliseSpec`; call it on a text. Caches per distinct text."""

    __slots__ = ("spec", "_chars", "_phrases", "_phrase_re", "_cache")

    def __init__(self, spec: NormaliseSpec | None = None) -> None:
        self.spec = spec or NormaliseSpec()
        chars, phrases = variant_table() if self.spec.variants else ({}, {})
        self._chars = str.maketrans(chars) if chars else None
        self._phrases = phrases
        alternatives = sorted(phrases, key=len, reverse=True)
        # Literal alternation (the shipped table, no user pattern): linear in the text.
        self._phrase_re = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        got = self._cache.get(text)
        if got is not None:
            return got
        spec, out = self.spec, text
        if spec.nfkc:
            out = unicodedata.normalize("NFKC", out)
        if spec.width:
            out = _fold_width(out)
        out = out.lower()
        if spec.strip:
            out = _strip(out)
        if self._chars is not None:
            out = out.translate(self._chars)
        if self._phrase_re is not None:
            phrases = self._phrases
            out = self._phrase_re.sub(lambda m: phrases[m.group(0)], out)
        if len(self._cache) >= _CACHE:
            self._cache.clear()
        self._cache[text] = out
        return out

    def __repr__(self) -> str:
        return f"Normaliser({'+'.join(self.spec.steps) or 'none'})"


def normaliser(spec: NormaliseSpec | bool | dict[str, Any] | None) -> Normaliser | None:
    """A normaliser for a rule's ``normalise`` option (``True``, a mapping, a spec), or None when off."""
    if spec is None or spec is False:
        return None
    got = spec if isinstance(spec, NormaliseSpec) else NormaliseSpec.model_validate(spec)
    return Normaliser(got) if got.steps else None


__all__ = ["NormaliseSpec", "Normaliser", "VARIANTS_FILE", "normaliser", "variant_table"]
