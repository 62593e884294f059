"""Privacy by attack, measured against patients who were not in the training set.

- ``mia_density_auc``: a membership-inference attack in the manner of DOMIAS (van Breugel et al.,
  2023). Each positive patient is scored by the ratio of two densities at that patient: the
  synthetic rows' density over a reference density of the population, fitted on real positive
  patients that are neither members nor scored (the training pool's rows the trial's draw left
  out). A generator that memorises its training rows raises its density there above the
  population's. Judged as ROC-AUC of telling the training positives (members) from the held-out
  positives (non-members), as ``mia_auc``, but taken as it is: the attacker's rule is fixed, so
  no leak scores 0.5 in expectation (its measured level is the ``real-rows`` control's). Both
  densities are Gaussian kernel densities on the shared encoding, each with half Scott's
  bandwidth for its sample: on the four shared tables (``benchmarks/privacy_attack_study.py``),
  half Scott's rule separated copies and interpolations from unseen real patients better than
  Scott's own (stroke at 400 rows: ``smote`` 0.77 against 0.72) and no worse than narrower
  ones, with ``real-rows`` at 0.5 throughout. Empty where the whole pool is training rows: no
  reference is left.
- ``inference_risk``: attribute inference (Taub et al., 2018; anonymeter's definition). An
  attacker who knows a patient's other columns takes the nearest synthetic row on them and
  reads its value of the secret column: right when equal (a category) or within 5% of the
  true value (a number). Its success on the training positives, against its success on
  held-out positives (the same attack on patients the generator never saw), gives the risk
  ``(success on members - success on held-out) / (1 - success on held-out)``: 0 when the
  synthetic rows reveal no more about a member than about anyone, 1 when they reveal every
  member's secret. Per secret column (``--sensitive``, default every column), the worst.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from augbench_plugins.privacy.encoding import auc, encoded

import augbench

# Scores are ranked rounded to this many decimals, far above float noise (see distances).
SCORE_DECIMALS = 9
# A numeric guess within this share of the true value counts as right (anonymeter's default).
NUMERIC_TOLERANCE = 0.05
# Rows of candidates per block of kernel sums: bounded memory on the larger tables.
BLOCK_ROWS = 512
# The kernels' bandwidth as a multiple of Scott's rule (see the module's docstring).
BANDWIDTH_FACTOR = 0.5


def scott_bandwidth(n: int, d: int) -> float:
    """Scott's rule for ``n`` points in ``d`` dimensions of unit spread: n^(-1/(d+4))."""
    return float(n) ** (-1.0 / (d + 4))


def log_density(points: np.ndarray, sample: np.ndarray, bandwidth: float) -> np.ndarray:
    """The log of a Gaussian kernel density of ``sample`` (isotropic, ``bandwidth``) at each
    of ``points``; each distinct point computed once."""
    distinct, where = np.unique(points, axis=0, return_inverse=True)
    d = sample.shape[1]
    sample_squared = np.einsum("ij,ij->i", sample, sample)
    out = np.empty(len(distinct))
    for start in range(0, len(distinct), BLOCK_ROWS):
        block = distinct[start:start + BLOCK_ROWS]
        squared = np.einsum("ij,ij->i", block, block)[:, None] + sample_squared[None, :]
        squared -= 2 * block @ sample.T
        logits = -np.maximum(squared, 0) / (2 * bandwidth ** 2)
        top = logits.max(axis=1, keepdims=True)
        out[start:start + len(block)] = (top[:, 0] + np.log(np.exp(logits - top).sum(axis=1)))
    out -= np.log(len(sample)) + d * np.log(bandwidth) + d / 2 * np.log(2 * np.pi)
    return out[where.ravel()]


def density_scores(inp: augbench.MetricInput, bandwidth_factor: float = BANDWIDTH_FACTOR
                   ) -> tuple[np.ndarray, np.ndarray] | None:
    """The attack's scores of the members and of the held-out positives (log density ratios),
    with both bandwidths scaled by ``bandwidth_factor``; None without a reference sample."""
    rows = encoded(inp)
    reference, synthetic = rows["reference"], rows["synthetic"]
    if len(reference) < 2 or len(synthetic) < 2:
        return None
    d = synthetic.shape[1]
    candidates = np.vstack([rows["train_positive"], rows["test_positive"]])
    ratio = (log_density(candidates, synthetic,
                         bandwidth_factor * scott_bandwidth(len(synthetic), d))
             - log_density(candidates, reference,
                           bandwidth_factor * scott_bandwidth(len(reference), d)))
    ratio = np.round(ratio, SCORE_DECIMALS)
    n_members = len(rows["train_positive"])
    return ratio[:n_members], ratio[n_members:]


def mia_density_auc(inp: augbench.MetricInput) -> float:
    scores = density_scores(inp)
    return float("nan") if scores is None else auc(*scores)


def _right(guesses: pd.Series, truth: pd.Series) -> np.ndarray:
    """Which guesses of a secret column are right: equal, or for a number within
    NUMERIC_TOLERANCE of the true value (exactly, where the true value is 0)."""
    if isinstance(truth.dtype, pd.CategoricalDtype) or truth.dtype.kind not in "iuf":
        return guesses.astype(str).to_numpy() == truth.astype(str).to_numpy()
    g, t = guesses.to_numpy(float), truth.to_numpy(float)
    return np.where(t == 0, g == t, np.abs(g - t) <= NUMERIC_TOLERANCE * np.abs(t))


def inference_risks(inp: augbench.MetricInput) -> dict[str, float]:
    """The risk for each secret column (see the module's docstring)."""
    from augbench_plugins.privacy.encoding import nearest

    rows = encoded(inp)
    blocks = rows["columns"]
    secrets = list(inp.sensitive) if inp.sensitive else list(blocks)
    width = rows["synthetic"].shape[1]
    risks = {}
    for column in secrets:
        known = np.setdiff1d(np.arange(width), blocks[column])
        if not len(known) or not len(rows["test_positive"]):
            continue  # nothing else to know, or nobody held out to compare with
        synthetic = rows["synthetic"][:, known]
        secret = rows["raw_synthetic"][column]
        members = _right(secret.iloc[nearest(rows["train_positive"][:, known], synthetic)],
                         rows["raw_train"][column]).mean()
        held_out = _right(secret.iloc[nearest(rows["test_positive"][:, known], synthetic)],
                          rows["raw_test"][column]).mean()
        risks[column] = 0.0 if held_out >= 1 else float((members - held_out) / (1 - held_out))
    return risks


def inference_risk(inp: augbench.MetricInput) -> float:
    risks = inference_risks(inp)
    return max(risks.values()) if risks else float("nan")
