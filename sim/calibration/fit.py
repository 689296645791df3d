"""Estimates with their 95% intervals: each fitted number says how sure it is and how many data points it rests on.

- Posting rates: messages per member are Poisson given the member's rate, and
  rates are lognormal across members, so counts follow a Poisson-lognormal
  mixture (Bulmer 1974). Its likelihood is integrated on a fine grid of the
  log rate and maximised over (mu, sigma); the interval comes from the
  inverse observed information. Members who never posted count as zeros when
  the group's size is known; otherwise the fit is zero-truncated (posters only).
- Joins and leaves: Poisson counts over the log's span; exact (Garwood) intervals.
- The hourly and weekly profiles: shares with Wilson intervals (sim.base.stats).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats


@dataclass(frozen=True)
class Estimate:
    """A fitted number: the estimate, its 95% interval, and how many data points it rests on."""

    value: float
    low: float
    high: float
    n: int
    what: str = ""

    def comment(self, digits: int = 4) -> str:
        """A YAML comment: ``estimate 0.043, 95% CI [0.039, 0.047], from 1,234 messages``."""
        def fmt(x: float) -> str:
            return f"{x:.{digits}g}"

        return f"estimate {fmt(self.value)}, 95% CI [{fmt(self.low)}, {fmt(self.high)}], from {self.n:,} {self.what}".rstrip()


def poisson_rate(count: int, exposure: float, what: str = "events") -> Estimate:
    """A Poisson rate per unit of ``exposure`` with its exact (Garwood) 95% interval."""
    low = stats.chi2.ppf(0.025, 2 * count) / 2 if count > 0 else 0.0
    high = stats.chi2.ppf(0.975, 2 * count + 2) / 2
    return Estimate(count / exposure, low / exposure, high / exposure, count, what)


_Z = np.linspace(-7.0, 7.0, 561)  # a fine grid: a busy member's Poisson likelihood is narrow in log rate
_W = stats.norm.pdf(_Z) * (_Z[1] - _Z[0])


def _pln_logpmf(k: np.ndarray, mu: float, sigma: float, exposure: np.ndarray | float) -> np.ndarray:
    """log P(k) of the Poisson-lognormal mixture (rate = exp(mu + sigma z), z standard normal), on a fine grid.

    ``exposure`` is each member's days present (one number for all, or one per ``k``).
    """
    log_e = np.log(np.broadcast_to(np.asarray(exposure, dtype=float), k.shape))
    log_lam = mu + sigma * _Z[None, :] + log_e[:, None]
    logp = k[:, None] * log_lam - np.exp(log_lam) - special.gammaln(k[:, None] + 1)
    return special.logsumexp(logp, axis=1, b=_W[None, :])


@dataclass(frozen=True)
class RateFit:
    """A lognormal fit of members' posting rates (messages a day): median = exp(mu), sigma of log rate."""

    median: Estimate
    sigma: Estimate
    truncated: bool  # fitted on posters only (the group's size unknown)


def fit_rates(counts: np.ndarray, days: np.ndarray | float, *, truncated: bool) -> RateFit:
    """Maximum-likelihood Poisson-lognormal fit of messages per member over their ``days`` present.

    ``days`` is one span for every member or one per member (see the module docstring).
    """
    k = np.asarray(counts, dtype=float)
    e = np.broadcast_to(np.asarray(days, dtype=float), k.shape)
    if truncated:
        k, e = k[k > 0], e[k > 0]
    if len(k) < 3:
        raise ValueError(f"too few members to fit a rate distribution ({len(k)})")
    # (count, exposure) pairs repeat: each distinct one is integrated once
    pairs, weight = np.unique(np.column_stack([k, np.round(e, 3)]), axis=0, return_counts=True)
    values, exposure = pairs[:, 0], pairs[:, 1]

    def nll(theta: np.ndarray) -> float:
        mu, log_sigma = theta
        sigma = math.exp(log_sigma)
        ll = _pln_logpmf(values, mu, sigma, exposure) @ weight
        if truncated:
            p0 = np.exp(_pln_logpmf(np.zeros(len(values)), mu, sigma, exposure))
            ll = ll - np.log(np.maximum(1.0 - p0, 1e-300)) @ weight
        return float(-ll)

    positive = k[k > 0]
    start = np.array([math.log(max(positive.mean(), 0.5) / float(np.mean(e))), math.log(max(np.log(positive + 0.5).std(), 0.3))])
    res = optimize.minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 4000})
    mu, log_sigma = res.x
    cov = _inverse_hessian(nll, res.x)
    se_mu, se_ls = math.sqrt(max(cov[0, 0], 0.0)), math.sqrt(max(cov[1, 1], 0.0))
    z = stats.norm.ppf(0.975)
    n = int(len(k))
    what = "posting members" if truncated else "members"
    return RateFit(
        Estimate(math.exp(mu), math.exp(mu - z * se_mu), math.exp(mu + z * se_mu), n, what),
        Estimate(math.exp(log_sigma), math.exp(log_sigma - z * se_ls), math.exp(log_sigma + z * se_ls), n, what),
        truncated,
    )


def _inverse_hessian(f: object, x: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """The inverse of a central finite-difference Hessian of ``f`` at ``x`` (the observed information)."""
    assert callable(f)
    n = len(x)
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            e_i, e_j = np.eye(n)[i] * h, np.eye(n)[j] * h
            hess[i, j] = (f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j) + f(x - e_i - e_j)) / (4 * h * h)
    try:
        return np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return np.full((n, n), np.inf)


def profile(counts: np.ndarray, what: str) -> list[Estimate]:
    """Shares of a profile (hours or weekdays) with Wilson 95% intervals."""
    total = int(np.sum(counts))
    out = []
    for c in np.asarray(counts, dtype=int).tolist():
        ci = stats.binomtest(c, total).proportion_ci(method="wilson") if total else None
        share = c / total if total else math.nan
        out.append(Estimate(share, ci.low if ci else math.nan, ci.high if ci else math.nan, total, what))
    return out


__all__ = ["Estimate", "RateFit", "fit_rates", "poisson_rate", "profile"]
