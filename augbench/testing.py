"""The conformance kit for plugin authors, in scikit-learn's style.

`check_augmenter(MyAugmenter())` runs every check that applies and reports all failures at
once, each with the rule, what was expected, what was got and how to fix it. In a test suite,
`parametrize_with_checks([MyAugmenter()])` gives one test per augmenter and check:

```python
from augbench.testing import parametrize_with_checks

@parametrize_with_checks([MyAugmenter()])
def test_augbench_contract(augmenter, check):
    check(augmenter)
```

Which checks apply follows the augmenter's capabilities (see `augbench.declare`): whether it
takes categorical columns (scikit-learn's tags), adds rows at all, reaches the ratio exactly, or
only relabels (a control); `fit_resample_many` is checked where offered.
"""

from __future__ import annotations

import contextlib
import io
import random
import sys
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable

import numpy as np
import pandas as pd

from augbench.plugin.capabilities import Capabilities, read_capabilities
from augbench.plugin.contract import ContractViolation, check_rows


def make_mixed_table(n: int = 120, positive_share: float = 0.25,
                     seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A small table with float, integer and categorical columns, the checks' default data.

    Args:
        n: Rows.
        positive_share: The expected share of minority rows (`y == 1`).
        seed: Seeds the draw: the same seed gives the same table.

    Returns:
        `X`, a DataFrame with the columns `age`, `bmi`, `sex` and `smoker` (the last two
            categorical), and `y`, an array of 0 (majority) and 1 (minority).

    Examples:
        >>> from augbench.testing import make_mixed_table
        >>> X, y = make_mixed_table()
        >>> X.shape, int(y.sum())
        ((120, 4), 28)
    """
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < positive_share).astype(np.int8)
    y[:2], y[2:4] = 1, 0  # both classes present whatever the draw
    X = pd.DataFrame({
        "age": rng.integers(20, 90, n).astype(np.int64),
        "bmi": rng.normal(27 + 3 * y, 4),
        "sex": pd.Categorical(rng.choice(["F", "M"], n)),
        "smoker": pd.Categorical(np.where(rng.random(n) < 0.3 + 0.4 * y, "yes", "no")),
    })
    return X, y


NUMERIC, CATEGORICAL = ["age", "bmi"], ["sex", "smoker"]
# An approximate sampler (imbalanced-learn's ADASYN, SVMSMOTE) adds rows towards the target
# minority count and overshoots it by at most this share.
APPROXIMATE_RATIO_TOLERANCE = 0.1


class CheckFailed(AssertionError):
    """One rule of the contract broken: what was expected, what was got, and how to fix it."""

    def __init__(self, expected: str, got: str, fix: str) -> None:
        super().__init__(f"expected {expected}; got {got}. Fix: {fix}")
        self.expected, self.got, self.fix = expected, got, fix


class ConformanceError(AssertionError):
    """Every check an augmenter failed, reported together."""

    def __init__(self, name: str, failures: list[tuple[str, str]], total: int) -> None:
        lines = [f"{name} fails {len(failures)} of {total} checks:"]
        lines += [f"- {check}: {message}" for check, message in failures]
        super().__init__("\n".join(lines))
        self.failures = failures


def _expect(condition: bool, expected: str, got: str, fix: str) -> None:
    if not condition:
        raise CheckFailed(expected, got, fix)


def check_output(X: pd.DataFrame, y: np.ndarray, X_res: Any, y_res: Any, ratio: float | None,
                 name: str = "augmenter", approximate: bool = False) -> None:
    """Check an augmenter's output against the rules every augmenter output follows.

    Args:
        X: The input table.
        y: The input labels, 0 and 1.
        X_res: The table `fit_resample(X, y)` returned.
        y_res: The labels it returned.
        ratio: The minority:majority ratio it was asked for; None for one that adds no rows.
        name: The augmenter's name, for messages.
        approximate: Whether it may overshoot the ratio a little (imbalanced-learn's ADASYN).

    Raises:
        CheckFailed: A rule broken: what was expected, what was got and how to fix it.
    """
    try:
        # The rules the runner checks on every trial, then those only a conformance test checks.
        X_res, y_res = check_rows(X, y, X_res, y_res, name)
    except ContractViolation as exc:
        raise CheckFailed(exc.expected, exc.got, exc.fix) from None
    changed = {c: str(t) for c, t in X_res.dtypes.items() if c in X and X[c].dtype != t}
    _expect(not changed, "the input's dtypes", f"changed dtypes {changed}",
            "cast the output back with X_res.astype(X.dtypes.to_dict())")
    _expect(not X_res.isna().any().any(), "no missing values",
            f"missing values in {list(X_res.columns[X_res.isna().any()])}",
            "generate complete rows")
    for col in X.columns:
        if isinstance(X[col].dtype, pd.CategoricalDtype):
            invented = set(X_res[col].dropna().unique()) - set(X[col].dropna().unique())
            _expect(not invented, f"only categories of {col!r} seen in the input",
                    f"unseen {sorted(map(str, invented))}", "draw categories from the input's")
    if ratio is not None:
        n_min, n_maj = int(np.sum(y_res == 1)), int(np.sum(y_res == 0))
        before = int(np.sum(np.asarray(y) == 1))
        # A ratio the input already meets adds nothing (imbalanced-learn's count, never negative).
        target = max(ratio * n_maj, before)
        if approximate and target > before:
            _expect(before < n_min <= target * (1 + APPROXIMATE_RATIO_TOLERANCE) + 1,
                    f"rows added towards minority:majority {ratio} ({target:.0f}:{n_maj}), "
                    "at most 10% beyond", f"{n_min}:{n_maj} from {before}:{n_maj}",
                    "add rows until the ratio is reached, and not far beyond it")
        else:
            _expect(abs(n_min - target) <= 1, f"minority:majority {ratio} ({target:.0f}:{n_maj})",
                    f"{n_min}:{n_maj}", "add int(ratio * n_majority - n_minority) rows "
                    "(augbench.rows_to_add); a sampler that is approximate by design declares "
                    "exact_ratio=False")


@dataclass(frozen=True)
class Context:
    """What the checks of one augmenter share: its capabilities and the tables it is fed."""

    name: str
    capabilities: Capabilities
    X: pd.DataFrame
    y: np.ndarray


@dataclass(frozen=True)
class Check:
    """One rule of the contract, runnable on an augmenter: ``check(augmenter)``."""

    name: str
    function: Callable[[Any, Context], None]
    context: Context

    def __call__(self, augmenter: Any) -> None:
        self.function(augmenter, self.context)

    def __repr__(self) -> str:
        return self.name


def _fresh(augmenter: Any, ctx: Context, columns: Any, **params: Any) -> Any:
    """A clone with ``params``; one that draws real rows from a reserve gets other patients of
    the same population (with ``columns``), as the runner gives it the rows its draw left out."""
    from sklearn.base import clone

    fresh = clone(augmenter).set_params(**params)
    if ctx.capabilities.draws_reserve:
        X_reserve, y_reserve = make_mixed_table(n=400, seed=1)
        fresh.with_reserve(X_reserve[list(columns)], y_reserve)
    return fresh


def _fit(augmenter: Any, ctx: Context, ratio: float = 1.0, random_state: Any = 0,
         X: pd.DataFrame | None = None, y: np.ndarray | None = None) -> tuple[Any, Any]:
    X = ctx.X if X is None else X
    y = ctx.y if y is None else y
    return _fresh(augmenter, ctx, X.columns, random_state=random_state,
                  sampling_strategy=ratio).fit_resample(X.copy(), y.copy())


def _ratio(ctx: Context, ratio: float) -> float | None:
    return ratio if ctx.capabilities.adds_rows else None


def _check_output(X_res: Any, y_res: Any, ctx: Context, X: pd.DataFrame, y: np.ndarray,
                  ratio: float) -> None:
    check_output(X, y, X_res, y_res, _ratio(ctx, ratio), ctx.name,
                 approximate=not ctx.capabilities.exact_ratio)


def check_parameters(augmenter: Any, ctx: Context) -> None:
    """scikit-learn's constructor rules, with ``random_state`` and ``sampling_strategy``."""
    from sklearn.base import clone

    params = augmenter.get_params()
    for required in ("random_state", "sampling_strategy"):
        _expect(required in params, f"a {required!r} constructor parameter",
                f"parameters {sorted(params)}", f"add {required}=... to __init__ and store it")
    copy = clone(augmenter)
    _expect(copy.get_params().keys() == params.keys(), "clone() to keep the parameters",
            f"{sorted(copy.get_params())}", "store every __init__ argument under its own name")
    copy.set_params(random_state=123)
    _expect(copy.get_params()["random_state"] == 123, "set_params to change random_state",
            f"{copy.get_params()['random_state']!r}", "store parameters unchanged in __init__")


def check_output_rules(augmenter: Any, ctx: Context) -> None:
    """Original rows first and unchanged, columns and dtypes kept, minority labels only,
    no unseen category, the ratio reached: at ratios 1.0 and 0.5."""
    for ratio in (1.0, 0.5):
        _check_output(*_fit(augmenter, ctx, ratio), ctx, ctx.X, ctx.y, ratio)


def check_input_not_mutated(augmenter: Any, ctx: Context) -> None:
    """The caller's X and y are left as they were."""
    X, y = ctx.X.copy(), ctx.y.copy()
    _fresh(augmenter, ctx, X.columns, random_state=0, sampling_strategy=1.0).fit_resample(X, y)
    try:
        pd.testing.assert_frame_equal(X, ctx.X)
    except AssertionError:
        raise CheckFailed("the caller's X unchanged", "X changed in place",
                          "work on a copy: X = X.copy()") from None
    _expect(np.array_equal(y, ctx.y), "the caller's y unchanged", "y changed in place",
            "work on a copy: y = np.array(y)")


def check_reproducible(augmenter: Any, ctx: Context) -> None:
    """The same ``random_state`` gives the same rows."""
    first, second = _fit(augmenter, ctx, 0.5, 7), _fit(augmenter, ctx, 0.5, 7)
    try:
        pd.testing.assert_frame_equal(first[0], second[0])
    except AssertionError:
        raise CheckFailed("the same rows for the same random_state", "different rows",
                          "draw every random number from random_state "
                          "(augbench.seed_sequence(random_state))") from None
    _expect(np.array_equal(np.asarray(first[1]), np.asarray(second[1])),
            "the same labels for the same random_state", "different labels",
            "draw every random number from random_state")


def check_seeds_differ(augmenter: Any, ctx: Context) -> None:
    """Different ``random_state`` values give different rows (seeds are not ignored)."""
    a, b = _fit(augmenter, ctx, 1.0, 1)[0], _fit(augmenter, ctx, 1.0, 2)[0]
    _expect(not a.equals(b), "different added rows for random_state 1 and 2", "the same rows",
            "use random_state: pass it to every random draw instead of a fixed seed")


def _global_states() -> tuple:
    """numpy's, Python's and (where loaded) torch's global random states."""
    states: tuple = (np.random.get_state(), random.getstate())
    torch = sys.modules.get("torch")
    return states + ((torch.random.get_rng_state(),) if torch is not None else ())


def _restore(states: tuple) -> None:
    np.random.set_state(states[0])
    random.setstate(states[1])
    if len(states) > 2:
        sys.modules["torch"].random.set_rng_state(states[2])


def _digest(states: tuple) -> tuple:
    return (states[0][1].tobytes(), states[1], *(s.numpy().tobytes() for s in states[2:]))


def check_global_random_state_untouched(augmenter: Any, ctx: Context) -> None:
    """numpy's, Python's and (where loaded) torch's global random states are left alone."""
    _fit(augmenter, ctx, 1.0, 0)  # a first fit imports what the augmenter needs
    saved = _global_states()
    try:
        # A state no seed of the fit would give: seeding with the fit's own seed is caught too.
        np.random.seed(20240601)
        random.seed(20240601)
        if len(saved) > 2:
            sys.modules["torch"].manual_seed(20240601)
        before = _digest(_global_states())
        _fit(augmenter, ctx, 1.0, 0)
        after = _digest(_global_states())
    finally:
        _restore(saved)
    _expect(after[: len(before)] == before, "global random states untouched",
            "a changed global state (np.random, random or torch)",
            "use a private generator (np.random.default_rng(augbench.seed_sequence("
            "random_state)), torch.Generator) instead of np.random.seed or torch.manual_seed")


def check_prints_nothing(augmenter: Any, ctx: Context) -> None:
    """A fit writes nothing to stdout or stderr (a run's progress display owns them)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        _fit(augmenter, ctx, 1.0, 0)
    printed = (out.getvalue() + err.getvalue()).strip()
    _expect(not printed, "no output", repr(printed[:80]),
            "remove prints and progress bars, or wrap the library call in augbench.quiet()")


# A tiny table: enough minority rows for a sampler's default five neighbours, no more.
TINY_ROWS, TINY_MINORITY = 20, 6


def check_tiny_input(augmenter: Any, ctx: Context) -> None:
    """Six minority rows among twenty, as at augbench's smallest training sizes."""
    X = ctx.X.iloc[:TINY_ROWS].reset_index(drop=True)
    y = np.r_[np.ones(TINY_MINORITY, np.int8), np.zeros(TINY_ROWS - TINY_MINORITY, np.int8)]
    _check_output(*_fit(augmenter, ctx, 1.0, 0, X, y), ctx, X, y, 1.0)


def check_numeric_only(augmenter: Any, ctx: Context) -> None:
    """A table of numeric columns only."""
    X = ctx.X[NUMERIC]
    _check_output(*_fit(augmenter, ctx, 1.0, 0, X), ctx, X, ctx.y, 1.0)


def check_categorical_only(augmenter: Any, ctx: Context) -> None:
    """A table of categorical columns only."""
    X = ctx.X[CATEGORICAL]
    _check_output(*_fit(augmenter, ctx, 1.0, 0, X), ctx, X, ctx.y, 1.0)


def check_fit_resample_many(augmenter: Any, ctx: Context) -> None:
    """``fit_resample_many`` gives each table what a solo fit with its seed gives."""
    X2, y2 = make_mixed_table(seed=1)
    X2 = X2[list(ctx.X.columns)]
    outputs = _fresh(augmenter, ctx, ctx.X.columns, sampling_strategy=1.0).fit_resample_many(
        [ctx.X.copy(), X2.copy()], [ctx.y.copy(), y2.copy()], [0, 7])
    solo = _fit(augmenter, ctx, 1.0, 7, X2, y2)
    try:
        pd.testing.assert_frame_equal(outputs[1][0], solo[0])
    except AssertionError:
        raise CheckFailed("fit_resample_many's second table to equal a solo fit with its seed",
                          "different rows", "seed each table from its own random_state") from None


def check_relabels_only(augmenter: Any, ctx: Context) -> None:
    """A control that relabels keeps every row and reorders the labels, reproducibly."""
    X_res, y_res = _fit(augmenter, ctx, 1.0, 0)
    try:
        pd.testing.assert_frame_equal(X_res, ctx.X)
    except AssertionError:
        raise CheckFailed("the input rows, unchanged", "other rows",
                          "a relabelling control returns X as given") from None
    y_res = np.asarray(y_res)
    _expect(sorted(y_res.tolist()) == sorted(ctx.y.tolist()), "the same labels, reordered",
            "other labels", "permute the labels, do not change them")


def augmenter_checks(augmenter: Any, capabilities: Capabilities | None = None,
                     X: pd.DataFrame | None = None, y: np.ndarray | None = None) -> list[Check]:
    """The checks that apply to an augmenter, given its capabilities.

    Args:
        augmenter: The augmenter object (not its class).
        capabilities: What it can do (default: read from the object).
        X: The table the checks fit it on (default: `make_mixed_table`, only its numeric
            columns for an augmenter that takes no categorical column).
        y: The labels of `X`.

    Returns:
        The checks, each a callable taking the augmenter and raising `CheckFailed`.
    """
    _instance(augmenter, "augmenter_checks")
    capabilities = capabilities or read_capabilities(augmenter)
    if X is None or y is None:
        X, y = make_mixed_table()
        if not capabilities.categorical:
            X = X[NUMERIC]
    ctx = Context(type(augmenter).__name__, capabilities, X, np.asarray(y))
    if capabilities.relabels:
        functions = [check_parameters, check_relabels_only, check_reproducible,
                     check_input_not_mutated, check_global_random_state_untouched,
                     check_prints_nothing]
    else:
        functions = [check_parameters, check_output_rules, check_input_not_mutated,
                     check_reproducible, check_global_random_state_untouched,
                     check_prints_nothing, check_tiny_input]
        if capabilities.adds_rows:
            functions.append(check_seeds_differ)
        if set(NUMERIC) <= set(X.columns):
            functions.append(check_numeric_only)
        if capabilities.categorical and set(CATEGORICAL) <= set(X.columns):
            functions.append(check_categorical_only)
        if capabilities.batches_seeds:
            functions.append(check_fit_resample_many)
    return [Check(f.__name__, f, ctx) for f in functions]


@dataclass(frozen=True)
class CheckReport:
    """The checks an augmenter passed, and the capabilities they were chosen by: what
    `check_augmenter` returns, shown as a list in a notebook."""

    name: str
    capabilities: Capabilities
    passed: tuple[Check, ...]

    def lines(self) -> list[str]:
        """Each check passed, with what it checks."""
        return [f"{check.name}: {_first_line(check.function.__doc__)}" for check in self.passed]

    def __repr__(self) -> str:
        return "\n".join([f"{self.name} passes all {len(self.passed)} checks "
                          f"({self.declared()}):", *(f"- {line}" for line in self.lines())])

    def declared(self) -> str:
        flags = [f"{k}={v}" for k, v in sorted(asdict(self.capabilities).items())
                 if isinstance(v, bool)]
        return "capabilities " + ", ".join(flags)

    def _repr_html_(self) -> str:
        import html

        items = "".join(f"<li>✓ <code>{html.escape(c.name)}</code>: "
                        f"{html.escape(_first_line(c.function.__doc__))}</li>"
                        for c in self.passed)
        return (f"<p><b>{html.escape(self.name)}</b> passes all {len(self.passed)} checks "
                f"<small>({html.escape(self.declared())})</small>:</p><ul>{items}</ul>")


def _first_line(doc: str | None) -> str:
    """A docstring's first sentence, on one line."""
    text = " ".join((doc or "").replace("``", "").split())
    return text.split(". ")[0].rstrip(".")


def _instance(augmenter: Any, where: str) -> None:
    """Refuse a class where an augmenter object is checked, as scikit-learn's check_estimator
    does: the checks fit it and read its parameters."""
    if isinstance(augmenter, type):
        raise TypeError(f"{where}() takes an augmenter object, not its class: pass "
                        f"{augmenter.__name__}() (with any parameters), not {augmenter.__name__}.")


def check_augmenter(augmenter: Any, X: pd.DataFrame | None = None, y: np.ndarray | None = None,
                    *, capabilities: Capabilities | None = None, **declared: Any) -> CheckReport:
    """Run every check that applies to an augmenter, and report all failures at once.

    Args:
        augmenter: The augmenter object (not its class), with any parameters.
        X: The table the checks fit it on (default: `make_mixed_table`).
        y: The labels of `X`.
        capabilities: What it can do (default: read from the object).
        **declared: Capabilities that override those read from the object
            (`adds_rows=False`, ...), as `augbench.declare` does for a registered augmenter.

    Returns:
        A `CheckReport` of the checks passed (all of them).

    Raises:
        ConformanceError: Some checks failed; it lists each with the rule, what was expected,
            what was got and how to fix it.

    Examples:
        >>> from imblearn.over_sampling import RandomOverSampler
        >>> from augbench.testing import check_augmenter
        >>> report = check_augmenter(RandomOverSampler(random_state=0))
        >>> len(report.passed), report.passed[0].name
        (10, 'check_parameters')
    """
    _instance(augmenter, "check_augmenter")
    capabilities = replace(capabilities or read_capabilities(augmenter), **declared)
    checks = augmenter_checks(augmenter, capabilities, X, y)
    failures = []
    for check in checks:
        try:
            check(augmenter)
        except CheckFailed as exc:
            failures.append((check.name, str(exc)))
        except Exception as exc:  # a crash is a failure of that check, reported with the rest
            failures.append((check.name, f"raised {type(exc).__name__}: "
                                         f"{' '.join(str(exc).split())[:300]}"))
    if failures:
        raise ConformanceError(type(augmenter).__name__, failures, len(checks))
    return CheckReport(type(augmenter).__name__, capabilities, tuple(checks))


def parametrize_with_checks(augmenters: list[Any]) -> Any:
    """A pytest decorator with one case per augmenter and applicable check, like
    scikit-learn's `parametrize_with_checks`.

    Args:
        augmenters: Augmenter objects; an `(augmenter, Capabilities)` pair for one whose
            capabilities are declared at registration rather than read from it.

    Returns:
        `pytest.mark.parametrize` over the arguments `augmenter` and `check`.
    """
    import pytest

    cases, ids = [], []
    for item in augmenters:
        augmenter, capabilities = item if isinstance(item, tuple) else (item, None)
        _instance(augmenter, "parametrize_with_checks")
        for check in augmenter_checks(augmenter, capabilities):
            cases.append((augmenter, check))
            ids.append(f"{type(augmenter).__name__}-{check.name}")
    return pytest.mark.parametrize("augmenter, check", cases, ids=ids)
