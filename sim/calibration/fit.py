"""Estimates with their 95% intervals: each fitted number says how sure it is and how many data points it rests on.

- Posting rates: messages per member are Poisson given the member's rate, and
  rates are lognormal across members, so counts follow a Poisson-lognormal
  mixture (Bulmer 1974). Its likelihood is integrated by adaptive
  Gauss-Hermite quadrature and maximised over (mu, sigma) from several
  starts; the interval is the robust (sandwich) one. Members who never posted count as zeros when
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


_X, _W = np.polynomial.hermite.hermgauss(32)  # Gauss-Hermite nodes, centred on each member's own mode below
_LOG_W = np.log(_W) + _X**2


def _pln_logpmf(k: np.ndarray, mu: float, sigma: float, exposure: np.ndarray | float) -> np.ndarray:
    """log P(k) of the Poisson-lognormal mixture (rate = exp(mu + sigma z), z standard normal).

    Adaptive Gauss-Hermite quadrature (Pinheiro & Bates 1995): for each count
    the integrand over the log rate ``u`` is centred on its mode (Newton's
    method) and scaled by its curvature, so a member with 1,300 messages (a
    likelihood a few hundredths wide in ``u``) is integrated as exactly as a
    silent one, whatever ``sigma``. ``exposure`` is each member's days present
    (one number for all, or one per ``k``).
    """
    k = np.asarray(k, dtype=float)
    log_e = np.log(np.broadcast_to(np.asarray(exposure, dtype=float), k.shape))
    s2 = sigma * sigma
    u = (mu / s2 + (np.log(k + 0.5) - log_e) * (k + 0.5)) / (1.0 / s2 + k + 0.5)  # between the prior and the data
    for _ in range(60):
        lam = np.exp(u + log_e)
        step = (k - lam - (u - mu) / s2) / (-lam - 1.0 / s2)
        u = u - np.clip(step, -2.0, 2.0)
        if np.max(np.abs(step), initial=0.0) < 1e-10:
            break
    scale = 1.0 / np.sqrt(np.exp(u + log_e) + 1.0 / s2)
    nodes = u[:, None] + math.sqrt(2.0) * scale[:, None] * _X[None, :]
    g = k[:, None] * (nodes + log_e[:, None]) - np.exp(nodes + log_e[:, None]) - (nodes - mu) ** 2 / (2 * s2)
    return (special.logsumexp(g + _LOG_W[None, :], axis=1) + np.log(math.sqrt(2.0) * scale)
            - 0.5 * math.log(2 * math.pi * s2) - special.gammaln(k + 1))


@dataclass(frozen=True)
class RateFit:
    """A lognormal fit of members' posting rates (messages a day): median = exp(mu), sigma of log rate."""

    median: Estimate
    sigma: Estimate
    truncated: bool  # fitted on posters only (the group's size unknown)
    model_se: tuple[float, float] = (math.nan, math.nan)  # inverse-information standard errors of (mu, log sigma)


def fit_rates(counts: np.ndarray, days: np.ndarray | float, *, truncated: bool) -> RateFit:
    """Maximum-likelihood Poisson-lognormal fit of messages per member over their ``days`` present.

    ``days`` is one span for every member or one per member (see the module
    docstring). The interval is Huber-White's robust ("sandwich") one,
    ``H^-1 J H^-1`` with ``J`` the sum over members of their score's outer
    product: it stays right when a member's messages are burstier than
    Poisson given their rate, where the inverse information alone is too narrow.
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

    def each(theta: np.ndarray) -> np.ndarray:
        mu, log_sigma = theta
        sigma = math.exp(log_sigma)
        ll = _pln_logpmf(values, mu, sigma, exposure)
        if truncated:
            p0 = np.exp(_pln_logpmf(np.zeros(len(values)), mu, sigma, exposure))
            ll = ll - np.log(np.maximum(1.0 - p0, 1e-300))
        return ll

    def nll(theta: np.ndarray) -> float:
        return float(-(each(theta) @ weight))

    # start where the mean rate matches, at a few spreads: one start can stall far from the optimum
    mean_rate = max(float(k.sum() / e.sum()), 1e-6)
    starts = [np.array([math.log(mean_rate) - s * s / 2, math.log(s)]) for s in (0.5, 1.0, 2.0, 3.0)]
    best = min(starts, key=nll)
    res = optimize.minimize(nll, best, method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000})
    theta = res.x
    mu, log_sigma = theta
    inv_h = _inverse_hessian(nll, theta)
    h = 1e-4
    scores = np.column_stack([(each(theta + d) - each(theta - d)) / (2 * h) for d in np.eye(2) * h])
    cov = inv_h @ ((scores * weight[:, None]).T @ scores) @ inv_h
    se_mu, se_ls = math.sqrt(max(cov[0, 0], 0.0)), math.sqrt(max(cov[1, 1], 0.0))
    z = stats.norm.ppf(0.975)
    n = int(len(k))
    what = "posting members" if truncated else "members"
    return RateFit(
        Estimate(math.exp(mu), math.exp(mu - z * se_mu), math.exp(mu + z * se_mu), n, what),
        Estimate(math.exp(log_sigma), math.exp(log_sigma - z * se_ls), math.exp(log_sigma + z * se_ls), n, what),
        truncated, (math.sqrt(max(inv_h[0, 0], 0.0)), math.sqrt(max(inv_h[1, 1], 0.0))),
    )


def _inverse_hessian(f: object, x: np.ndarray, h: float = 1e-4) -> np.ndarray:
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
