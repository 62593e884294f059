"""scikit-learn classifiers: ``lr``, ``rf``, ``hgb``, ``mlp``, ``dummy``; class-weighted
``lr-balanced``, ``rf-balanced``, ``hgb-balanced`` (``class_weight="balanced"``); and
threshold-tuned ``lr-tuned``, ``rf-tuned``, ``hgb-tuned`` (the decision threshold chosen by
5-fold cross-validation on the training rows, maximising balanced accuracy), so that "does
augmentation beat reweighting, or simply moving the threshold?" is one run away.

Each runs on one thread (parallelism belongs to augbench's runner) with defaults chosen to
converge on small, scaled tables; every parameter can be changed with ``--set NAME.PARAM=VALUE``.

Each declares the small grid ``--tune`` searches: the regularisation of the logistic regression
and the MLP, the depth and leaf size of the forest, the learning rate, size and L2 penalty of
the boosted trees; the class-weighted and threshold-tuned variants search their model's grid.
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


# What --tune tries: a few values of what matters most on small tables, around the defaults.
SEARCH_SPACES = {
    "lr": {"C": (0.01, 0.1, 1.0, 10.0)},
    "rf": {"max_depth": (None, 4, 8), "min_samples_leaf": (1, 5)},
    "hgb": {"learning_rate": (0.03, 0.1, 0.3), "max_leaf_nodes": (7, 31),
            "l2_regularization": (0.0, 1.0)},
    "mlp": {"alpha": (1e-4, 1e-2, 1.0)},
}


@augbench.hookimpl
def augbench_classifiers() -> dict:
    plain = {"lr": lr, "rf": rf, "hgb": hgb, "mlp": mlp, "dummy": dummy}
    # MLPClassifier and DummyClassifier take no class_weight.
    weighted = {f"{name}-balanced": _balanced(plain[name]) for name in ("lr", "rf", "hgb")}
    tuned = {f"{name}-tuned": _tuned(plain[name]) for name in ("lr", "rf", "hgb")}
    factories = {**plain, **weighted, **tuned}
    return {name: augbench.declare(factory, search_space=SEARCH_SPACES[name.split("-")[0]])
            if name.split("-")[0] in SEARCH_SPACES else factory
            for name, factory in factories.items()}
