"""Fonts for figures: Chinese scenario, group-type and rule names must show as characters.

matplotlib's default font (DejaVu Sans) has no CJK glyphs, so Chinese text
would render as empty boxes. groupsim installs the Noto Sans CJK collection
(PyPI package ``noto-cjk-sans-otc``); a CJK font installed on the system
(fontconfig) is used otherwise. When none is found, :func:`setup_fonts` says
so, and the report prints that warning at its top.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402

_PREFERRED = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Sans CJK JP")
MISSING_FONT_WARNING = (
    "No font with Chinese characters was found, so Chinese names in the figures show as boxes. "
    "Install one with `pip install noto-cjk-sans-otc` (or a system CJK font) and render the report again."
)


def _bundled_font() -> Path | None:
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    return path if path.exists() else None


@cache
def setup_fonts() -> str | None:
    """Register a CJK font with matplotlib and make it the default; its name, or None."""
    bundled = _bundled_font()
    if bundled is not None:
        font_manager.fontManager.addfont(str(bundled))
    names = {f.name for f in font_manager.fontManager.ttflist}
    chosen = next((n for n in _PREFERRED if n in names), None)
    if chosen is None:
        return None
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    matplotlib.rcParams["font.sans-serif"] = [chosen, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return chosen


__all__ = ["MISSING_FONT_WARNING", "setup_fonts"]
