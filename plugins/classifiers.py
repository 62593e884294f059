"""scikit-learn classifiers: ``lr``, ``rf``, ``hgb``, ``mlp``, ``dummy``; class-weighted
``lr-balanced``, ``rf-balanced``, ``hgb-balanced`` (``class_weight="balanced"``); and
threshold-tuned ``lr-tuned``, ``rf-tuned``, ``hgb-tuned`` (the decision threshold chosen by
5-fold cross-validation on the training rows, maximising balanced accuracy), so that "does
augmentation beat reweighting, or simply moving the threshold?" is one run away.

Each runs on one thread (parallelism belongs to augbench's runner) with defaults chosen to
converge on small, scaled tables; every parameter can be changed with ``--set NAME.PARAM=VALUE``.
"""

from __future__ import annotations

from typing import Any

import augbench


def lr(**params: Any) -> Any:
    """Logistic regression (L2, lbfgs, max_iter=1000)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(**{"max_iter": 1000, **params})


def rf(**params: Any) -> Any:
    """Random forest of 100 trees on one thread."""
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(**{"n_estimators": 100, "n_jobs": 1, **params})


def hgb(**params: Any) -> Any:
    """Histogram gradient boosting (scikit-learn defaults)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**params)


def mlp(**params: Any) -> Any:
    """Multi-layer perceptron, one hidden layer of 64 units, max_iter=500."""
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(**{"hidden_layer_sizes": (64,), "max_iter": 500, **params})


def dummy(**params: Any) -> Any:
    """Predicts the training class shares: the majority class, and a ROC-AUC of 0.5."""
    from sklearn.dummy import DummyClassifier

    return DummyClassifier(**{"strategy": "prior", **params})


def _balanced(factory: Any) -> Any:
    def balanced(**params: Any) -> Any:
        return factory(**{"class_weight": "balanced", **params})

    balanced.__doc__ = f"{factory.__doc__.rstrip('.')}, classes weighted inversely to their frequency."
    return balanced


def _tuned(factory: Any) -> Any:
    def tuned(**params: Any) -> Any:
        from sklearn.model_selection import TunedThresholdClassifierCV

        # Stratified 5-fold without shuffling: no random choice beyond the classifier's own.
        return TunedThresholdClassifierCV(factory(**params), scoring="balanced_accuracy", cv=5)

    tuned.__doc__ = (f"{factory.__doc__.rstrip('.')}, its decision threshold tuned by 5-fold "
                     "cross-validation on the training rows for balanced accuracy.")
    return tuned


@augbench.hookimpl
def augbench_classifiers() -> dict:
    plain = {"lr": lr, "rf": rf, "hgb": hgb, "mlp": mlp, "dummy": dummy}
    # MLPClassifier and DummyClassifier take no class_weight.
    weighted = {f"{name}-balanced": _balanced(plain[name]) for name in ("lr", "rf", "hgb")}
    tuned = {f"{name}-tuned": _tuned(plain[name]) for name in ("lr", "rf", "hgb")}
    return {**plain, **weighted, **tuned}
