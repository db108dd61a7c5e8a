"""Two-sample tests with numpy only, at about 4σ (false alarm ≈ 1e-4 per test)."""

from __future__ import annotations

import math

import numpy as np


def chi_square_critical(degrees: int, z: float = 4.0) -> float:
    """The upper z-sigma point of χ²(degrees) (Wilson–Hilferty)."""
    k = float(degrees)
    return k * (1 - 2 / (9 * k) + z * math.sqrt(2 / (9 * k))) ** 3


def chi_square_two_sample(a, b, min_expected: float = 5.0) -> tuple[float, int]:
    """χ² statistic and degrees of freedom for two samples of integers having one distribution (rare values pooled)."""
    a, b = np.asarray(a), np.asarray(b)
    values = np.union1d(a, b)
    ca = np.array([(a == v).sum() for v in values], float)
    cb = np.array([(b == v).sum() for v in values], float)
    na, nb = ca.sum(), cb.sum()
    # Pool neighbouring values until every bin expects ≥ min_expected in both samples.
    bins_a, bins_b, acc_a, acc_b = [], [], 0.0, 0.0
    for x, y in zip(ca, cb):
        acc_a, acc_b = acc_a + x, acc_b + y
        total = acc_a + acc_b
        if total * min(na, nb) / (na + nb) >= min_expected:
            bins_a.append(acc_a)
            bins_b.append(acc_b)
            acc_a = acc_b = 0.0
    if acc_a + acc_b > 0 and bins_a:
        bins_a[-1] += acc_a
        bins_b[-1] += acc_b
    ba, bb = np.array(bins_a), np.array(bins_b)
    if len(ba) < 2:
        return 0.0, 1
    k1, k2 = math.sqrt(nb / na), math.sqrt(na / nb)
    stat = float((((k1 * ba - k2 * bb) ** 2) / (ba + bb)).sum())
    return stat, len(ba) - 1


def assert_same_distribution(a, b, what: str) -> None:
    stat, degrees = chi_square_two_sample(a, b)
    critical = chi_square_critical(degrees)
    assert stat <= critical, f"{what}: χ² = {stat:.1f} > {critical:.1f} ({degrees} degrees of freedom)"


def assert_ks(a, b, what: str, alpha: float = 1e-4) -> None:
    """Two-sample Kolmogorov–Smirnov at level alpha (asymptotic critical value)."""
    a, b = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    grid = np.union1d(a, b)
    fa = np.searchsorted(a, grid, side="right") / len(a)
    fb = np.searchsorted(b, grid, side="right") / len(b)
    d = float(np.abs(fa - fb).max())
    critical = math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((len(a) + len(b)) / (len(a) * len(b)))
    assert d <= critical, f"{what}: KS D = {d:.4f} > {critical:.4f}"


def assert_same_proportion(k1: int, n1: int, k2: int, n2: int, what: str) -> None:
    p = (k1 + k2) / (n1 + n2)
    sigma = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    z = (k1 / n1 - k2 / n2) / sigma if sigma > 0 else 0.0
    assert abs(z) <= 4, f"{what}: {k1}/{n1} against {k2}/{n2}, z = {z:.2f}"


def assert_same_mean(a, b, what: str) -> None:
    a, b = np.asarray(a, float), np.asarray(b, float)
    sigma = math.sqrt(a.var() / len(a) + b.var() / len(b))
    diff = a.mean() - b.mean()
    assert abs(diff) <= 4 * sigma + 1e-12, f"{what}: means {a.mean():.4f} and {b.mean():.4f} differ by {diff:.4f} (σ {sigma:.4f})"
