"""The plugin manager: discovery through entry points, error paths, blocking."""

from __future__ import annotations

import types

import pytest

import augbench
from augbench.errors import UsageError
from augbench.registry import Registry, make_plugin_manager


def _plugin(name: str, **hooks) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook, value in hooks.items():
        setattr(module, hook, augbench.hookimpl(lambda value=value: value))
    return module


def test_builtin_and_first_party_plugins_are_registered(registry: Registry) -> None:
    assert {"none", "smote"} <= set(registry.names("augmenters"))
    assert {"lr", "rf", "hgb", "mlp", "dummy"} <= set(registry.names("classifiers"))
    assert "breast-cancer" in registry.names("datasets")
    assert registry.get("augmenters", "smote").plugin == "imbalanced-learn"
    assert registry.provider("imbalanced-learn")[0] == "augbench"
    assert registry.create("classifiers", "rf-balanced").class_weight == "balanced"


def test_unknown_name_lists_the_available_ones(registry: Registry) -> None:
    with pytest.raises(UsageError, match=r"unknown augmenter 'smtoe'\. Available: .*none.*smote"):
        registry.create("augmenters", "smtoe")


def test_unknown_parameter_is_a_usage_error(registry: Registry) -> None:
    with pytest.raises(UsageError, match="k_neigbors"):
        registry.create("augmenters", "smote", k_neigbors=3)


def test_duplicate_name_names_both_providers() -> None:
    clash = _plugin("clash", augbench_augmenters={"smote": object})
    with pytest.raises(UsageError, match="'smote': 'imbalanced-learn' and 'clash'"):
        Registry(make_plugin_manager(extra_plugins=[clash], disabled=()))


def test_misspelt_hook_fails_loudly() -> None:
    broken = _plugin("broken", augbench_augmentors={"x": object})
    with pytest.raises(UsageError, match="plugin 'broken' is broken.*augbench_augmentors"):
        make_plugin_manager(extra_plugins=[broken], disabled=())


def test_disable_env_blocks_a_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUGBENCH_DISABLE_PLUGINS", "imbalanced-learn")
    registry = Registry(make_plugin_manager())
    assert not {"smote", "ros"} & set(registry.names("augmenters"))
    assert "none" in registry.names("augmenters")


@pytest.mark.parametrize("value, message", [("smoot", "'smoot', which is no installed plugin"),
                                            ("core", "cannot be disabled")])
def test_disable_env_rejects_bad_names(monkeypatch, value, message) -> None:
    monkeypatch.setenv("AUGBENCH_DISABLE_PLUGINS", value)
    with pytest.raises(UsageError, match=message):
        make_plugin_manager()


def test_third_party_plugin_extends_every_kind() -> None:
    extra = _plugin("extra", augbench_classifiers={"mine": object},
                    augbench_augmenters={"copy": object})
    registry = Registry(make_plugin_manager(extra_plugins=[extra], disabled=()))
    assert registry.get("classifiers", "mine").plugin == "extra"
    assert registry.get("augmenters", "copy").provided is object


def test_an_augmenter_or_classifier_by_import_path_runs_and_is_checked() -> None:
    results = augbench.run(augmenters=("imblearn.over_sampling:ADASYN",),
                           classifiers=("sklearn.naive_bayes:GaussianNB",), seeds=2, sizes=(100,))
    assert results.trials["status"].eq("ok").all()
    assert set(results.trials["augmenter"]) == {"none", "imblearn.over_sampling:ADASYN"}
    for name, message in [
        ("imblearn.over_sampling:Nope", "has no 'Nope'"),
        ("no_such_package.mod:Thing", "cannot import module 'no_such_package.mod'"),
        ("sklearn.linear_model:LogisticRegression", "not a class with fit_resample"),
        ("sklearn.preprocessing:FunctionTransformer", "not a class with fit_resample"),
    ]:
        with pytest.raises(augbench.UsageError, match=message):
            augbench.run(augmenters=(name,), seeds=1, sizes=(100,))


def test_the_smote_family_is_registered_for_numeric_tables(registry) -> None:
    for name in ("adasyn", "borderline", "svmsmote"):
        augmenter = registry.create("augmenters", name)
        assert not registry.capabilities("augmenters", name, augmenter).categorical
    assert not registry.capabilities("augmenters", "svmsmote",
                                     registry.create("augmenters", "svmsmote")).exact_ratio
