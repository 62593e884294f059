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


def test_a_missing_token_that_empties_a_class_of_the_target_says_so(tmp_path, capsys) -> None:
    from augbench.cli import main

    table = tmp_path / "cohort.csv"
    table.write_text("glucose,outcome\n" + "".join(f"{80 + i % 50},{i % 3 == 0:d}\n"
                                                   for i in range(60)))
    assert main(["run", "--data", str(table), "--target", "outcome", "--na-values", "0",
                 "--seeds", "2", "--sizes", "20", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: target 'outcome' in ") and "cohort.csv has a single value ('1')" in err
    assert "--na-values" in err and "the target included" in err and "\n" not in err
