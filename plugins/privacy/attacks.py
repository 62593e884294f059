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
  attacker who knows a patient's other columns takes the nearest synthetic row on them and reads
  its value of the secret column: right when equal (a category) or within 5% of the true value
  (a number; ``--set inference_risk.tolerance=0.1`` widens it). Its success on the training
  positives, against its success on held-out positives (the same attack on patients the
  generator never saw), gives the risk ``(success on members - success on held-out) / (1 -
  success on held-out)``: 0 when the synthetic rows reveal no more about a member than about
  anyone, 1 when they reveal every member's secret; undefined where every held-out patient's
  secret is guessed (a column all patients share: 0/0). Per secret column (``--sensitive``, or
  ``--set inference_risk.sensitive=a,b``; default every column), the worst of those it is
  defined for.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
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


def _right(guesses: np.ndarray, truth: np.ndarray, numeric: bool,
           tolerance: float = NUMERIC_TOLERANCE) -> np.ndarray:
    """Which guesses of a secret column are right: the same category (a known one), or for a
    number within ``tolerance`` (a share) of the true value (exactly, where it is 0)."""
    if not numeric:
        return (guesses == truth) & (truth >= 0)
    return np.where(truth == 0, guesses == truth,
                    np.abs(guesses - truth) <= tolerance * np.abs(truth))


# What a run may set (--set inference_risk.PARAM=V): the secret columns (--sensitive; None:
# every column) and how near a numeric guess must come to count as right.
INFERENCE_SETTINGS = {"sensitive": None, "tolerance": NUMERIC_TOLERANCE}


def secret_columns(value: Any) -> tuple[str, ...] | None:
    """The secret columns a setting names: "a,b", a list of names, or None (every column)."""
    if value is None:
        return None
    names = value.split(",") if isinstance(value, str) else value
    return tuple(str(n).strip() for n in names if str(n).strip()) or None


def check_inference_settings(settings: Mapping[str, Any]) -> None:
    """Refuse settings the attack cannot use (augbench calls it before any trial)."""
    tolerance = settings["tolerance"]
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not (
            0 <= tolerance < 1):
        raise ValueError(f"tolerance is the share of the true value a numeric guess may miss "
                         f"by, at least 0 and below 1, got {tolerance!r}")
    if settings["sensitive"] is not None and not isinstance(settings["sensitive"],
                                                            (str, list, tuple)):
        raise ValueError(f"sensitive names columns, as 'a,b' or a list, got "
                         f"{settings['sensitive']!r}")


def _squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between the rows of ``a`` and ``b``, in float32 (as the
    distance metrics take them), each distinct row of ``a`` computed once (identical patients
    get identical rows, and so one nearest row)."""
    distinct, where = np.unique(a, axis=0, return_inverse=True)
    a32, b32 = distinct.astype(np.float32), b.astype(np.float32)
    squared = (np.einsum("ij,ij->i", a32, a32)[:, None]
               + np.einsum("ij,ij->i", b32, b32)[None, :] - 2 * a32 @ b32.T)
    return np.maximum(squared, 0)[where.ravel()]


def inference_risks(inp: augbench.MetricInput) -> dict[str, float]:
    """The risk for each secret column (see the module's docstring).

    The distance on the other columns is the whole distance less the secret column's part,
    so one matrix of distances serves every column."""
    rows = encoded(inp)
    members, held_out = rows["train_positive"], rows["test_positive"]
    if not len(held_out):
        return {}  # nobody held out to compare with
    synthetic = rows["synthetic"]
    n_members = len(members)
    patients = np.vstack([members, held_out])
    whole = _squared_distances(patients, synthetic)
    # The identity arrays hold each row's raw numeric values, then its category codes (against
    # the training rows' categories; -1 for one they lack, never a right guess).
    truth = np.vstack([rows["id_train"][rows["positive_train"]], rows["id_test"]])
    blocks = rows["columns"]
    settings = {**INFERENCE_SETTINGS, **inp.settings}
    named = secret_columns(settings["sensitive"])
    secrets = set(named) if named else set(blocks)
    risks = {}
    guessed_from = rows["id_synthetic"]
    patients32, synthetic32 = patients.astype(np.float32), synthetic.astype(np.float32)
    # One buffer for every column's distances on the other columns (written in place: a trial
    # at a whole pool holds a few thousand synthetic rows).
    buffer = np.empty_like(whole)
    for index, (column, part) in enumerate(blocks.items()):
        if column not in secrets or len(part) == synthetic.shape[1]:
            continue  # not secret, or nothing else to know
        numeric = index < rows["n_numeric"]
        if numeric:  # the column's part of a squared distance
            np.subtract.outer(patients32[:, part[0]], synthetic32[:, part[0]], out=buffer)
            np.square(buffer, out=buffer)
        else:  # two indicators of 1/sqrt(2) differ by 1/2 each; an unknown category has none
            mine, theirs = truth[:, index], guessed_from[:, index]
            np.add.outer(np.float32(0.5) * (mine >= 0), np.float32(0.5) * (theirs >= 0),
                         out=buffer)
            np.putmask(buffer, np.equal.outer(mine, theirs), np.float32(0))
        np.subtract(whole, buffer, out=buffer)
        guesses = guessed_from[buffer.argmin(axis=1), index]
        right = _right(guesses, truth[:, index], numeric, settings["tolerance"])
        on_members, on_held_out = right[:n_members].mean(), right[n_members:].mean()
        # Every held-out secret guessed (a column every patient shares): nothing is left to
        # reveal, and the risk is undefined, not 0.
        risks[column] = float("nan") if on_held_out >= 1 else float(
            (on_members - on_held_out) / (1 - on_held_out))
    return risks


def inference_risk(inp: augbench.MetricInput) -> float:
    defined = [risk for risk in inference_risks(inp).values() if risk == risk]
    return max(defined) if defined else float("nan")
