"""The example plugin passes augbench's conformance kit: one test per check."""

from augbench_jitter.sampler import JitterOverSampler

from augbench.testing import parametrize_with_checks


@parametrize_with_checks([JitterOverSampler(), JitterOverSampler(scale=0.5)])
def test_augbench_contract(augmenter, check):
    check(augmenter)
