"""The example plugin passes augbench's conformance kit and imbalanced-learn's own sampler
checks: one test per check."""

import pytest
from augbench_jitter.sampler import JitterOverSampler
from imblearn.utils.estimator_checks import parametrize_with_checks as imblearn_checks

from augbench.testing import parametrize_with_checks


@parametrize_with_checks([JitterOverSampler(), JitterOverSampler(scale=0.5)])
def test_augbench_contract(augmenter, check):
    check(augmenter)


# imbalanced-learn's decorator hands pytest a generator; the same cases as a list.
_CHECKS = imblearn_checks([JitterOverSampler(random_state=0)]).mark


@pytest.mark.parametrize(_CHECKS.args[0], list(_CHECKS.args[1]), **_CHECKS.kwargs)
def test_imbalanced_learn_sampler_checks(estimator, check):
    check(estimator)


def test_a_negative_scale_is_refused_before_any_fit():
    with pytest.raises(ValueError, match="scale must be a number of at least 0"):
        JitterOverSampler(scale=-1)._validate_params()
