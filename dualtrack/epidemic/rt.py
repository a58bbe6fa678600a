"""Instantaneous reproduction number Rt by the method of Cori et al. (2013) (实时再生数).

With serial-interval weights w_s (s ≥ 1), the total infectiousness is Λ_t = Σ_s I_{t−s} w_s. Over a
τ-day window ending at t, with a Gamma(a, b) prior (shape a, scale b), the posterior of Rt is
Gamma(shape = a + Σ I, scale = 1 / (1/b + Σ Λ)). The serial interval is a discretised Gamma(mean 4.7,
sd 2.9) (Nishiura et al. 2020), discretised as EpiEstim's ``discr_si`` does (a gamma offset by one day).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dualtrack.core.lazy import lazy

if TYPE_CHECKING:
    import numpy as np
    from scipy import special
else:
    np = lazy("numpy")
    special = lazy("scipy.special")  # gammainc and its inverse: scipy.stats alone costs 1.3 s of CPU to import


DEFAULT_WINDOW = 7
DEFAULT_PRIOR_SHAPE = 1.0
DEFAULT_PRIOR_SCALE = 5.0
SI_MEAN, SI_SD = 4.7, 2.9
MAX_CV = 0.3
SI_DAYS = 40


@dataclass(frozen=True)
class RtEstimate:
    mean: float
    low: float
    high: float
    cv: float
    reliable: bool


def serial_interval_weights(mean: float = SI_MEAN, sd: float = SI_SD, days: int = SI_DAYS) -> np.ndarray:
    """w[0] = 0, w[k] for k = 1 … days: EpiEstim ``discr_si(k, mean, sd)``, normalised to sum 1."""
    k = np.arange(days + 1, dtype=float)
    a = ((mean - 1) / sd) ** 2
    b = sd**2 / (mean - 1)

    def cdf(x: np.ndarray, shape: float) -> np.ndarray:
        # the gamma distribution's CDF (scipy.stats.gamma.cdf): the regularised lower incomplete gamma, 0 below 0
        return np.where(x > 0, special.gammainc(shape, np.maximum(x, 0) / b), 0.0)

    w = k * cdf(k, a) + (k - 2) * cdf(k - 2, a) - 2 * (k - 1) * cdf(k - 1, a)
    w += a * b * (2 * cdf(k - 1, a + 1) - cdf(k - 2, a + 1) - cdf(k, a + 1))
    w = np.maximum(w, 0.0)
    w[0] = 0.0
    return w / w.sum()


def total_infectiousness(incidence: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Λ_t = Σ_{s≥1} I_{t−s} w_s for every t of the series."""
    full = np.convolve(incidence, weights)[: len(incidence)]
    return full


def estimate(incidence: np.ndarray, window: int = DEFAULT_WINDOW, prior_shape: float = DEFAULT_PRIOR_SHAPE,
             prior_scale: float = DEFAULT_PRIOR_SCALE, weights: np.ndarray | None = None) -> RtEstimate | None:
    """Rt for the last day of ``incidence`` (daily counts, oldest first); None when not estimable (no
    infectiousness in the window, i.e. no earlier cases)."""
    series = np.asarray(incidence, dtype=float)
    if len(series) < 2:
        return None
    w = serial_interval_weights() if weights is None else weights
    lam = total_infectiousness(series, w)
    window_cases = series[-window:].sum()
    window_lambda = lam[-window:].sum()
    if window_lambda <= 0:
        return None
    shape = prior_shape + window_cases
    scale = 1.0 / (1.0 / prior_scale + window_lambda)
    mean = shape * scale
    low, high = special.gammaincinv(shape, np.array([0.025, 0.975])) * scale  # scipy.stats.gamma.ppf
    cv = 1.0 / float(np.sqrt(shape))
    return RtEstimate(mean=float(mean), low=float(low), high=float(high), cv=cv, reliable=cv <= MAX_CV)
