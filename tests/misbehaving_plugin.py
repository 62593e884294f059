"""An augbench plugin whose augmenters misbehave on purpose: they kill or crash their worker
process, sleep, fail now and then, or break the contract. Tests load it by module name, so
worker processes can load it too."""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

import augbench
from augbench.experiment.seeding import derive_seed


class Crash(BaseEstimator):
    """Kills its own process when augmenting seed ``crash_seed`` at ``crash_size`` rows."""

    def __init__(self, crash_seed=1, crash_size=100, sampling_strategy=1.0, random_state=None):
        self.crash_seed = crash_seed
        self.crash_size = crash_size
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit_resample(self, X, y):
        if self.random_state == derive_seed(self.crash_seed, "augment", self.crash_size):
            os._exit(9)  # as an out-of-memory kill or a segfault would end it
        return X, np.asarray(y)


class Segfault(BaseEstimator):
    """Crashes its process with a segmentation fault, as a bug in native code does."""

    def __init__(self, sampling_strategy=1.0, random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit_resample(self, X, y):
        import ctypes

        ctypes.string_at(0)  # reads address 0: SIGSEGV
        return X, np.asarray(y)


class NegativeRows(BaseEstimator):
    """Adds copies of the majority rows, labelled 0: against the contract."""

    def __init__(self, sampling_strategy=1.0, random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit_resample(self, X, y):
        y = np.asarray(y)
        extra = X[y == 0].iloc[:5]
        return pd.concat([X, extra], ignore_index=True), np.r_[y, np.zeros(len(extra), int)]


class NegativeRowsBatched(NegativeRows):
    """NegativeRows that also augments many seeds in one call, as a batching augmenter does."""

    def fit_resample_many(self, Xs, ys, random_states):
        return [self.fit_resample(X, y) for X, y in zip(Xs, ys)]


class Sleep(BaseEstimator):
    """Sleeps ``seconds`` before returning its input."""

    def __init__(self, seconds=5.0, sampling_strategy=1.0, random_state=None):
        self.seconds = seconds
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit_resample(self, X, y):
        time.sleep(self.seconds)
        return X, np.asarray(y)


class SlowImport(BaseEstimator):
    """Imports a module that takes ``slow_import_module.SECONDS`` to load, then returns."""

    def __init__(self, sampling_strategy=1.0, random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit_resample(self, X, y):
        import slow_import_module  # noqa: F401  (the import is the point)

        return X, np.asarray(y)


class Flaky(BaseEstimator):
    """Fails on the seeds listed in AUGBENCH_TEST_FAIL_SEEDS (at ``size`` rows), as a transient
    fault would: unset the variable and the same trials succeed."""

    def __init__(self, size=100, sampling_strategy=1.0, random_state=None):
        self.size = size
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit_resample(self, X, y):
        listed = os.environ.get("AUGBENCH_TEST_FAIL_SEEDS", "")
        failing = {derive_seed(int(s), "augment", self.size) for s in listed.split(",") if s}
        if self.random_state in failing:
            raise RuntimeError("a transient fault")
        return X, np.asarray(y)


class CpuPathsProbe(BaseEstimator):
    """Adds no row; writes to ``path`` the code paths torch takes in the process that runs it."""

    def __init__(self, path="", sampling_strategy=1.0, random_state=None):
        self.path = path
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def fit_resample(self, X, y):
        import json

        import torch

        seen = {"MKL_CBWR": os.environ.get("MKL_CBWR"),
                "aten": torch.backends.cpu.get_cpu_capability()}
        with open(self.path, "w", encoding="utf-8") as file:
            json.dump(seen, file)
        return X, np.asarray(y)


@augbench.hookimpl
def augbench_augmenters() -> dict:
    return {"crash": Crash, "sleep": Sleep, "slow-import": SlowImport, "flaky": Flaky,
            "segfault": Segfault, "negative-rows": NegativeRows}


class SleepyClassifier(BaseEstimator, ClassifierMixin):
    """A logistic regression that sleeps ``seconds`` in ``fit`` (a classifier past its time)."""

    def __init__(self, seconds=5.0, random_state=None):
        self.seconds = seconds
        self.random_state = random_state

    def fit(self, X, y):
        from sklearn.linear_model import LogisticRegression

        time.sleep(self.seconds)
        self.model_ = LogisticRegression().fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)
