"""Defaults shared by the API and the CLI (kept import-free so that ``--help`` stays fast)."""

DEFAULT_DATASET = "breast-cancer"
DEFAULT_SIZES = (100, 200, 400, "full")
DEFAULT_SEEDS = 100
DEFAULT_NA_VALUES = ("", "?", "NA", "N/A")
DEFAULT_OUT = "augbench-results"
