"""imbalanced-learn over-samplers: ``smote`` (SMOTE, SMOTENC or SMOTEN by column types), ``ros``
(random over-sampling, the simplest augmenter a reviewer asks for), and the SMOTE family for
numeric tables: ``adasyn``, ``borderline`` and ``svmsmote``.

imbalanced-learn's samplers follow augbench's contract as they are, so the family is registered
unchanged; what they can do (numeric columns only, ADASYN's and SVMSMOTE's approximate ratio) is
read from them. Any other sampler runs by import path, e.g. ``imblearn.over_sampling:KMeansSMOTE``
(which needs enough minority rows per cluster, so small tables often refuse it).
"""

from __future__ import annotations

from typing import Any

import augbench


def smote(**params: Any) -> Any:
    """SMOTE for numeric tables, SMOTENC for mixed ones, SMOTEN for all-categorical ones."""
    from augbench_plugins.smote.sampler import SmoteAugmenter

    return SmoteAugmenter(**params)


def ros(**params: Any) -> Any:
    """Random over-sampling: minority rows drawn again with replacement."""
    from imblearn.over_sampling import RandomOverSampler

    return RandomOverSampler(**params)


def adasyn(**params: Any) -> Any:
    """ADASYN: SMOTE that puts more synthetic rows where the minority is hardest to learn."""
    from imblearn.over_sampling import ADASYN

    return ADASYN(**params)


def borderline(**params: Any) -> Any:
    """Borderline-SMOTE: synthetic rows from the minority rows next to the class border."""
    from imblearn.over_sampling import BorderlineSMOTE

    return BorderlineSMOTE(**params)


def svmsmote(**params: Any) -> Any:
    """SVM-SMOTE: synthetic rows near the support vectors of an SVM between the classes."""
    from imblearn.over_sampling import SVMSMOTE

    return SVMSMOTE(**params)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    # --tune tries the neighbourhood sizes around imbalanced-learn's default of 5 (SMOTE caps
    # k at the minority count minus one); random over-sampling has nothing to tune.
    neighbours = (3, 5, 7)
    return {"smote": augbench.declare(smote, search_space={"k_neighbors": neighbours}),
            "ros": ros,
            "adasyn": augbench.declare(adasyn, search_space={"n_neighbors": neighbours}),
            "borderline": augbench.declare(borderline, search_space={"k_neighbors": neighbours}),
            "svmsmote": augbench.declare(svmsmote, search_space={"k_neighbors": neighbours})}
