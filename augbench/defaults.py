"""Defaults shared by the API and the CLI (kept import-free so that ``--help`` stays fast)."""

DEFAULT_DATASET = "breast-cancer"
# What every augmenter is compared with unless --baseline says otherwise: the original data.
DEFAULT_BASELINE = "none"
DEFAULT_SIZES = (100, 200, 400, "full")
DEFAULT_SEEDS = 100
DEFAULT_NA_VALUES = ("", "?", "NA", "N/A")
DEFAULT_OUT = "augbench-results"
# The experiment's settings of --tune, named once: none of them is part of an untuned
# experiment's identity, and each but --tune itself needs --tune.
TUNING_KEYS = ("tune", "tune_folds", "tune_metric", "tune_budget", "tune_strategy", "tune_space")
