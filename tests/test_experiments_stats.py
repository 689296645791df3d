"""Paired statistics: Newcombe interval, exact McNemar, bootstrap, sign-flip and log-rank tests."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sst

from sim.base.stats import logrank_p, paired_mean_diff, paired_proportion_diff, sign_flip_p


def test_paired_share_difference_and_exact_mcnemar() -> None:
    # 12 pairs yes/yes, 2 yes under A only, 5 yes under B only, 1 no/no
    a = [1] * 12 + [1] * 2 + [0] * 5 + [0] * 1
    b = [1] * 12 + [0] * 2 + [1] * 5 + [0] * 1
    d, lo, hi, p = paired_proportion_diff(a, b)
    assert d == pytest.approx(3 / 20)
    assert lo < d < hi and -1 <= lo and hi <= 1
    assert p == pytest.approx(sst.binomtest(5, 7, 0.5).pvalue)


def test_no_discordant_pairs_means_no_evidence() -> None:
    d, lo, hi, p = paired_proportion_diff([True] * 6, [True] * 6)
    assert d == 0 and p == 1.0 and lo < 0 < hi


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=60))
def test_paired_proportion_interval_holds_the_estimate(pairs: list[tuple[bool, bool]]) -> None:
    a, b = zip(*pairs)
    d, lo, hi, p = paired_proportion_diff(a, b)
    assert -1 <= lo <= d + 1e-12 and d - 1e-12 <= hi <= 1
    assert 0 <= p <= 1


def test_paired_mean_difference_and_exact_sign_flip() -> None:
    a = [1.0, 2.0, 3.0, 4.0, 5.0]
    b = [2.0, 3.5, 3.5, 5.0, 7.0]
    d, lo, hi, p = paired_mean_diff(a, b)
    assert d == pytest.approx(1.2) and lo <= d <= hi
    # all five differences positive: only the all-plus and all-minus sign patterns are as extreme
    assert p == pytest.approx(2 / 32)
    again = paired_mean_diff(a, b)
    assert again == (d, lo, hi, p)  # fixed bootstrap seed: reproducible


def test_sign_flip_large_sample_is_monte_carlo_and_bounded() -> None:
    d = np.random.default_rng(3).normal(0.0, 1.0, 40)
    p = sign_flip_p(d)
    assert 0 < p <= 1
    assert sign_flip_p(np.zeros(5)) == 1.0


def test_paired_mean_drops_nan_pairs() -> None:
    d, lo, hi, p = paired_mean_diff([1.0, math.nan, 3.0], [2.0, 5.0, 4.0])
    assert d == 1.0


def test_logrank_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.exponential(5, 20), rng.exponential(9, 25)
    ea, eb = a < 8, b < 8
    a, b = np.minimum(a, 8), np.minimum(b, 8)
    ref = sst.logrank(sst.CensoredData(uncensored=a[ea], right=a[~ea]), sst.CensoredData(uncensored=b[eb], right=b[~eb]))
    assert logrank_p(a, ea, b, eb) == pytest.approx(ref.pvalue)


def test_logrank_all_censored_is_one() -> None:
    assert logrank_p([30.0] * 4, [False] * 4, [30.0] * 4, [False] * 4) == 1.0
