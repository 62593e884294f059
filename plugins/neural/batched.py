"""Many models trained as one: the seeds of a chunk, batched by table layout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from augbench_plugins.neural.encoding import Layout

import augbench


class BatchedByLayout(augbench.TableOverSampler):
    """A TableOverSampler that trains the models of many requests (seeds, tables, classes) as
    one batch: requests whose tables share a layout (columns and dtypes) go to
    ``_generate_group`` together, each model as it would train alone."""

    def fit_resample_many(self, Xs: Sequence[Any], ys: Sequence[Any],
                          random_states: Sequence[Any]) -> list[tuple[Any, Any]]:
        """``fit_resample`` for many tables and seeds at once, each as if it were alone.

        Tables with the same columns and dtypes train together as one batched model.
        """
        return self._fit_resample_many(Xs, ys, random_states)

    def _generate_many(self, requests: list[augbench.RowRequest]) -> list[pd.DataFrame]:
        """Train one model per request, those of one layout as one batch; decode each one's rows."""
        groups: dict[Layout, list[int]] = {}
        for i, request in enumerate(requests):
            groups.setdefault(self._layout(request.X), []).append(i)
        results: list[Any] = [None] * len(requests)
        for layout, members in groups.items():
            chosen = [requests[i] for i in members]
            for i, rows in zip(members, self._generate_group(layout, chosen)):
                results[i] = rows
        return results

    def _layout(self, X: pd.DataFrame) -> Layout:
        """The table's layout, or a TypeError naming a column the model cannot take."""
        return Layout.of(X)

    def _generate_group(self, layout: Layout, requests: list[augbench.RowRequest]
                        ) -> list[pd.DataFrame]:
        """The rows of each request, all of one layout, their models trained as one batch."""
        raise NotImplementedError
