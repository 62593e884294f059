"""Preprocessing learned on training rows only: imputation, and the classifier's pipeline."""

from __future__ import annotations

from typing import Any

import pandas as pd


class TrainImputer:
    """Fills missing cells with the training rows' median (numeric) or most frequent category."""

    def fit(self, X: pd.DataFrame) -> "TrainImputer":
        # Every column gets a value, not only those missing in training: a test row may lack
        # a value that every training row has.
        self.fill_: dict[str, Any] = {}
        categorical = {c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)}
        # The numeric columns' medians in one pass (a trial fits an imputer on every draw).
        medians = X[[c for c in X.columns if c not in categorical]].median()
        for col in X.columns:
            if col in categorical:
                values = X[col].dropna()
                fill = values.mode().iloc[0] if len(values) else X[col].cat.categories[0]
            else:
                # A column missing in every training row has no statistic; 0 keeps it inert.
                fill = 0.0 if pd.isna(medians[col]) else float(medians[col])
            self.fill_[col] = fill
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        # One pass over the table for its missing cells: a trial imputes four sets of rows.
        missing = X.isna().any()
        todo = {c: v for c, v in self.fill_.items() if missing[c]}
        return X.fillna(todo) if todo else X


def classifier_pipeline(classifier: Any, X: pd.DataFrame) -> Any:
    """``classifier`` behind one-hot encoding of categorical columns and scaling of numeric ones."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    categorical = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]
    if not categorical:
        return Pipeline([("scale", StandardScaler()), ("classifier", classifier)])
    numeric = [c for c in X.columns if c not in set(categorical)]
    prep = ColumnTransformer(
        [("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
         ("scale", StandardScaler(), numeric)])
    return Pipeline([("prep", prep), ("classifier", classifier)])
