"""A suite: a named, versioned group of registered datasets that runs as one ``--data``.

One table is an anecdote; a verdict that holds across tables is worth more. A suite names the
tables it holds once, where a plugin registers it, so that ``--data suite:NAME`` (a file's
``data``, or ``data="suite:NAME"`` in Python) runs all of them, and studies, benchmarks and
users mean the same tables by one name.
"""

from __future__ import annotations

from dataclasses import dataclass

# How --data names a suite: "suite:shared".
SUITE_PREFIX = "suite:"


@dataclass(frozen=True)
class Suite:
    """The registered datasets a suite holds (by name, in the order runs list them), its
    version (a suite that gains or loses a table is another version) and one line on what the
    tables have in common."""

    datasets: tuple[str, ...]
    version: str = "1"
    description: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.datasets, str) or not self.datasets or not all(
                isinstance(d, str) and d for d in self.datasets):
            raise ValueError(f"a suite holds one or more dataset names, got {self.datasets!r}")
        object.__setattr__(self, "datasets", tuple(self.datasets))
        if len(set(self.datasets)) != len(self.datasets):
            raise ValueError(f"a suite names each dataset once, got {self.datasets!r}")
