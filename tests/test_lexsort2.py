"""sim.base.clock.lexsort2: the set-up's faster sort gives np.lexsort's permutation exactly."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.base.clock import lexsort2

_VALUES = st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 7.25]), max_size=40)


@given(_VALUES, _VALUES, st.sampled_from(["primary sorted", "secondary sorted", "neither"]))
def test_lexsort2_is_lexsort(a, b, shape) -> None:  # noqa: ANN001
    n = min(len(a), len(b))
    primary, secondary = np.asarray(a[:n]), np.asarray(b[:n])
    if shape == "primary sorted":
        primary = np.sort(primary)
    elif shape == "secondary sorted":
        secondary = np.sort(secondary)
    got = lexsort2(secondary, primary)
    assert got.tolist() == np.lexsort((secondary, primary)).tolist()


def test_lexsort2_keeps_ties_in_input_order_within_an_owner() -> None:
    owner = np.array([0, 0, 0, 1, 1])
    w = np.array([3.0, 1.0, 1.0, 2.0, 2.0])
    assert lexsort2(w, owner).tolist() == [1, 2, 0, 3, 4]
