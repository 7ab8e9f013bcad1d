"""Alkire–Foster measures for a deprivation matrix (Alkire & Foster 2011, J. Public Econ. 95: 476–487).

g0 is an n × d 0/1 matrix (units × indicators), w the weights (normalised to sum to 1), k the poverty
cut-off as a share of weighted deprivations: unit i is poor when c_i = Σ_j w_j g0_ij ≥ k.
H = q/n, A = Σ c_i(k)/q, M0 = H·A = Σ_j w_j h_j(k), contribution_j = w_j h_j(k) / M0.
"""

import csv
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from cchc.core.exceptions import ImportRejected, RowError

# Scores are sums of float weights; a unit exactly at k (e.g. 3 × 1/12 vs 0.25) must count as poor.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class AFResult:
    indicators: list[str]
    weights: list[float]
    cutoff: float
    n: int
    q: int
    H: float
    A: float
    M0: float
    uncensored: list[float]
    censored: list[float]
    contributions: list[float]


def parse_cutoff(text: str) -> float:
    """'0.3', '30%' or '3/10' → 0.3. Must lie in (0, 1]."""
    text = str(text).strip()
    try:
        value = float(Fraction(text[:-1]) / 100) if text.endswith("%") else float(Fraction(text))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"cut-off {text!r} is not a number such as 0.3, 30% or 3/10") from None
    if not 0 < value <= 1:
        raise ValueError(f"cut-off {text!r} must be above 0 and at most 1 (a share of weighted deprivations)")
    return value


def af_measures(g0: np.ndarray, cutoff: float, weights=None, indicators=None) -> AFResult:
    g0 = np.asarray(g0, dtype=np.float64)
    n, d = g0.shape if g0.ndim == 2 else (0, 0)
    w = np.full(d, 1.0 / d) if weights is None else np.asarray(weights, dtype=np.float64)
    if d and (w.shape != (d,) or (w < 0).any() or w.sum() <= 0):
        raise ValueError("weights must be one non-negative number per indicator, not all zero")
    w = w / w.sum() if d else w
    names = list(indicators) if indicators is not None else [f"i{j + 1}" for j in range(d)]
    if n == 0:
        return AFResult(names, w.tolist(), cutoff, 0, 0, 0.0, 0.0, 0.0, [0.0] * d, [0.0] * d, [0.0] * d)
    c = g0 @ w
    poor = c >= cutoff - TOLERANCE
    q = int(poor.sum())
    H = q / n
    A = float(c[poor].sum() / q) if q else 0.0
    M0 = float(c[poor].sum() / n)
    uncensored = g0.mean(axis=0)
    censored = g0[poor].sum(axis=0) / n
    contributions = (w * censored / M0) if M0 > 0 else np.zeros(d)
    return AFResult(
        names,
        w.tolist(),
        cutoff,
        n,
        q,
        H,
        A,
        M0,
        uncensored.tolist(),
        censored.tolist(),
        contributions.tolist(),
    )


def read_matrix(path: Path, id_column: str = "id") -> tuple[list[str], np.ndarray]:
    """A CSV with one row per unit and one 0/1 column per indicator (an `id` column is ignored)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    columns = [c for c in df.columns if c != id_column]
    if not columns:
        raise ImportRejected([RowError(None, "", "no indicator columns")])
    errors = []
    for col in columns:
        bad = ~df[col].str.strip().isin(["0", "1"])
        for i in np.flatnonzero(bad.to_numpy())[:20]:
            errors.append(RowError(int(i) + 2, col, f"expected 0 or 1, got {df[col].iloc[i]!r}"))
    if errors:
        raise ImportRejected(errors)
    return columns, df[columns].apply(lambda s: s.str.strip()).astype(np.int8).to_numpy()


def read_weights(path: Path, indicators: list[str]) -> list[float]:
    """A CSV `indicator,weight`; every indicator of the matrix must be given a weight."""
    weights, errors = {}, []
    with open(path, newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f), start=2):
            name = (row.get("indicator") or "").strip()
            if name not in indicators:
                errors.append(RowError(i, "indicator", f"unknown indicator {name!r}"))
                continue
            try:
                weights[name] = float(row.get("weight", ""))
            except ValueError:
                errors.append(RowError(i, "weight", f"not a number: {row.get('weight')!r}"))
                continue
            if weights[name] < 0:
                errors.append(RowError(i, "weight", "must not be negative"))
    errors += [
        RowError(None, "indicator", f"no weight for {name!r}")
        for name in indicators
        if name not in weights and not any(e.field == "indicator" for e in errors)
    ]
    if errors:
        raise ImportRejected(errors)
    return [weights[name] for name in indicators]
