"""Privacy and fidelity of the synthetic rows: metrics registered through ``augbench_metrics``.

Each needs the synthetic rows (``needs="synthetic"``): it is computed once per augmented
training set and left empty for trials that add no row. ``distances`` holds the distance-based
figures and fidelity, ``attacks`` the attacks measured against patients outside the training
set, ``encoding`` the encoding they share. Importing this module loads numpy and pandas only.
"""

from __future__ import annotations

from typing import Any

from augbench_plugins.privacy.attacks import (
    INFERENCE_SETTINGS,
    check_inference_settings,
    inference_risk,
    mia_density_auc,
)
from augbench_plugins.privacy.distances import (
    dcr_median,
    dcr_ratio,
    detection_auc,
    exact_copy_rate,
    fidelity_ks_tv,
    mia_auc,
    nndr_median,
)

import augbench


def _metric(function: Any, label: str, short: str, description: str, **spec: Any) -> Any:
    return augbench.Metric(function, label, short=short, description=description,
                           needs="synthetic", headline=True, **spec)


@augbench.hookimpl
def augbench_metrics() -> dict:
    return {
        "mia_density_auc": _metric(
            mia_density_auc, "density membership-inference attack ROC-AUC", "density MIA",
            "how well an attacker comparing the synthetic rows' density with the population's "
            "tells who was in the training set (no leak: 0.5, as real-rows scores)",
            higher_is_better=False, role="membership", chance=0.5),
        "inference_risk": _metric(
            inference_risk, "attribute-inference risk (worst secret column)", "inference",
            "how much more often the nearest synthetic row reveals a training patient's secret "
            "column than a new patient's (no leak: 0)", higher_is_better=False,
            bounds=(float("-inf"), 1.0), settings=INFERENCE_SETTINGS,
            check=check_inference_settings),
        "exact_copy_rate": _metric(
            exact_copy_rate, "exact copies of training patients (share)", "copies",
            "share of synthetic patients identical to a real training patient",
            higher_is_better=False),
        "dcr_median": _metric(
            dcr_median, "distance to the closest real patient (median)", "DCR",
            "how far a typical synthetic patient lies from the nearest real training patient",
            bounds=(0.0, float("inf"))),
        "dcr_ratio": _metric(
            dcr_ratio, "distance to closest record, synthetic over new patients", "DCR ratio",
            "below 1, synthetic patients sit closer to training patients than new patients do",
            bounds=(0.0, float("inf"))),
        "nndr_median": _metric(
            nndr_median, "nearest-neighbour distance ratio (median)", "NNDR",
            "near 0, a synthetic patient singles out one real patient; near 1, it does not",
            bounds=(0.0, 1.0)),
        "mia_auc": _metric(
            mia_auc, "membership-inference attack ROC-AUC", "MIA AUC",
            "how well an attacker holding the synthetic rows tells who was in the training set "
            "by their distance to them (no leak: above 0.5, the better of two sides; real-rows "
            "measures it)", higher_is_better=False, role="membership"),
        "detection_auc": _metric(
            detection_auc, "synthetic-row detection ROC-AUC", "detect AUC",
            "how easily synthetic patients are told apart from real ones (indistinguishable: "
            "above 0.5, each fold floored there; real-rows measures it)",
            higher_is_better=False),
        "fidelity_ks_tv": _metric(
            fidelity_ks_tv, "marginal distance to real patients (KS / TV)", "KS/TV",
            "mean per-column difference between real and synthetic patients' distributions "
            "(0: identical)", higher_is_better=False),
    }
