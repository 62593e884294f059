"""A wrong argument to the Python API is one sentence that says what is expected, never a
traceback from deep inside."""

from __future__ import annotations

import pytest

import augbench


@pytest.mark.parametrize("call", ["check_augmenter", "parametrize_with_checks"])
def test_an_augmenter_class_instead_of_an_object_is_one_sentence(call: str) -> None:
    from imblearn.over_sampling import SMOTE

    from augbench import testing

    given = SMOTE if call == "check_augmenter" else [SMOTE]
    with pytest.raises(TypeError, match=rf"^{call}\(\) takes an augmenter object, not its class: "
                                        r"pass SMOTE\(\) \(with any parameters\)"):
        getattr(testing, call)(given)


@pytest.fixture(scope="module")
def small() -> augbench.Results:
    return augbench.run(augmenters="none,ros", classifiers="lr", seeds=3, sizes=(60,))


@pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")
@pytest.mark.parametrize("other, message", [
    (3, "against(): other takes the results of another run, from augbench.run(...) or "
        "augbench.load_results(folder); got int 3."),
    ("runs/untuned", "got str 'runs/untuned'."),
])
def test_against_something_that_is_not_a_run_is_one_sentence(small, other, message) -> None:
    with pytest.raises(augbench.UsageError) as raised:
        small.against(other)
    assert str(raised.value).endswith(message)


@pytest.mark.filterwarnings("ignore::augbench.AugbenchWarning")
@pytest.mark.parametrize("names", ["tuned", ("tuned",), ("a", "b", "c"), ("tuned", 2)])
def test_against_with_names_other_than_two_labels_is_one_sentence(small, names) -> None:
    with pytest.raises(augbench.UsageError, match=r"^against\(\): names takes two labels, this "
                                                  r"run's and the other's, such as names=\("):
        small.against(small, names=names)
