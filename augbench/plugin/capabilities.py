"""What an augmenter or classifier can do: declared where it is registered, or read from it.

Generic code asks these questions instead of asking "is this the GAN?":

- `categorical`: does it take columns of `category` dtype? Read from scikit-learn's tags
  (`__sklearn_tags__().input_tags.string`), which imbalanced-learn's samplers already set.
- `batches_seeds`: does it offer `fit_resample_many` (many seeds in one call)?
- `gpu_param`: which constructor parameter puts it on a GPU. Its value `True` or
  `"auto"` means "use a GPU where there is one", `"cuda"` or `"cuda:N"` means "needs one".
- `adds_rows`: does it add rows at all (`none` does not)?
- `relabels`: is it a control that replaces the training labels instead of adding rows
  (`permuted-labels`)? Its output must keep the rows; the labels may change.
- `exact_ratio`: does it reach `sampling_strategy` exactly? imbalanced-learn's ADASYN is
  approximate by design (its count follows the neighbourhoods), within a few rows.
- `draws_reserve`: does it add real rows from the trial's reserve, the training-pool rows its
  draw left out (`real-rows`: patients the classifier never saw)? The runner hands them over
  with `augmenter.with_reserve(X_reserve, y_reserve)` before each fit; a size that takes the
  whole pool leaves none, and the augmenter then adds none.
- `search_space`: the constructor values `--tune` tries, by parameter: a small grid of what
  matters most (`{"C": (0.01, 0.1, 1.0, 10.0)}` for a logistic regression). An augmenter or
  classifier without one is fitted at its parameters, as without `--tune`.
- `libraries`: the distributions, beyond augbench's own dependencies, whose versions its
  numbers depend on (`("torch",)` for a GAN): a run records their versions beside its results.

An object can state its own in a class attribute, ``__augbench_capabilities__ = {"adds_rows":
False}`, so that the conformance kit knows them without a registry; `augbench.declare`` at
registration wins over both.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Callable

GPU_PREFERRED = "preferred"
GPU_REQUIRED = "required"


@dataclass(frozen=True)
class Capabilities:
    """What an augmenter or classifier can do (see the module's docstring)."""

    categorical: bool = True
    batches_seeds: bool = False
    gpu_param: str | None = None
    adds_rows: bool = True
    relabels: bool = False
    exact_ratio: bool = True
    draws_reserve: bool = False
    # (parameter, values) pairs, in the order declared: a tuple, so that capabilities stay
    # hashable; declare() and __augbench_capabilities__ take a dict.
    search_space: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    libraries: tuple[str, ...] = ()

    def gpu(self, params: dict[str, Any]) -> str | None:
        """GPU_REQUIRED, GPU_PREFERRED or None for an object with these constructor `params`."""
        if self.gpu_param is None:
            return None
        value = params.get(self.gpu_param)
        text = value.strip().lower() if isinstance(value, str) else value
        if text is True or text == "auto":
            return GPU_PREFERRED
        if isinstance(text, str) and text.startswith("cuda"):
            return GPU_REQUIRED
        return None


@dataclass(frozen=True)
class Declared:
    """A factory with the capabilities its plugin declared (the registry unwraps it)."""

    factory: Callable[..., Any]
    declared: dict[str, Any]


def declare(factory: Callable[..., Any], **capabilities: Any) -> Declared:
    """Register a factory with declared capabilities, e.g.
    `{"gan": augbench.declare(make_gan, gpu_param="device")}` from a plugin's hook.

    Capabilities not declared are read from the object (see `capabilities_of`).

    Args:
        factory: What builds the augmenter or classifier (its class, or a function).
        **capabilities: Fields of `Capabilities` (`gpu_param="device"`,
            `batches_seeds=True`, ...).

    Returns:
        The factory with its capabilities, for the registry to unwrap.

    Raises:
        TypeError: An unknown capability, or a value of the wrong kind.
    """
    known = {f.name for f in fields(Capabilities)}
    unknown = sorted(set(capabilities) - known)
    if unknown:
        raise TypeError(f"augbench.declare: unknown capabilities {unknown}; known: {sorted(known)}")
    return Declared(factory, _normalised(capabilities, "augbench.declare"))


def search_space(space: Any, where: str = "search_space") -> tuple[tuple[str, tuple], ...]:
    """A search space as (parameter, values) pairs, from a dict of parameter -> values (or
    such pairs); each parameter takes at least one value."""
    pairs = space.items() if isinstance(space, dict) else space
    try:
        found = tuple((str(param), tuple(values)) for param, values in pairs)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: a search space maps each parameter to a list of values, "
                        f"e.g. {{'C': (0.1, 1.0, 10.0)}}; got {space!r}") from None
    empty = [param for param, values in found if not values]
    if empty:
        raise TypeError(f"{where}: no value to try for {empty}")
    return found


def libraries(names: Any, where: str = "libraries") -> tuple[str, ...]:
    """Distribution names as a tuple, from one name or several."""
    found = (names,) if isinstance(names, str) else tuple(names)
    if not all(isinstance(name, str) and name.strip() for name in found):
        raise TypeError(f"{where}: libraries are distribution names, e.g. ('torch',); got "
                        f"{names!r}")
    return tuple(name.strip() for name in found)


def _normalised(capabilities: dict[str, Any], where: str) -> dict[str, Any]:
    found = dict(capabilities)
    if "search_space" in found:
        found["search_space"] = search_space(found["search_space"], where)
    if "libraries" in found:
        found["libraries"] = libraries(found["libraries"], where)
    return found


# Samplers documented to reach the ratio only approximately, which carry no tag to say so.
APPROXIMATE_SAMPLERS = ("imblearn.over_sampling._adasyn.ADASYN",
                        "imblearn.over_sampling._smote.filter.SVMSMOTE")


def read_capabilities(obj: Any) -> Capabilities:
    """What an object says about itself: its `__augbench_capabilities__`, scikit-learn tags
    and the methods it offers."""
    categorical = True
    tags = getattr(obj, "__sklearn_tags__", None)
    if tags is not None:
        try:
            categorical = bool(tags().input_tags.string)
        except AttributeError:
            pass  # tags of another shape: nothing declared there
    cls = type(obj)
    read = Capabilities(categorical=categorical,
                        batches_seeds=callable(getattr(obj, "fit_resample_many", None)),
                        exact_ratio=f"{cls.__module__}.{cls.__qualname__}" not in
                        APPROXIMATE_SAMPLERS)
    own = getattr(obj, "__augbench_capabilities__", None) or {}
    unknown = sorted(set(own) - {f.name for f in fields(Capabilities)})
    if unknown:
        raise TypeError(f"{cls.__name__}.__augbench_capabilities__: unknown capabilities "
                        f"{unknown}; known: {sorted(f.name for f in fields(Capabilities))}")
    return replace(read, **_normalised(own, f"{cls.__name__}.__augbench_capabilities__"))


def capabilities_of(obj: Any, declared: dict[str, Any]) -> Capabilities:
    """The capabilities of `obj`: `declared` ones win over those read from the object."""
    return replace(read_capabilities(obj), **declared)
