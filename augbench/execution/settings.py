"""How to run trials; nothing here changes a number (but for last bits: see cpu_paths)."""

from __future__ import annotations

from dataclasses import dataclass

from augbench.errors import UsageError
from augbench.execution.cpu_paths import CPU_PATHS

EXECUTORS = ("local", "ray")
MAX_TIMEOUT = 365 * 24 * 3600.0


@dataclass(frozen=True)
class Execution:
    """How to run trials: `jobs` at a time, in this machine's processes or as Ray tasks."""

    jobs: int = 1
    executor: str = "local"
    address: str | None = None
    trial_timeout: float | None = None
    fail_fast: bool = False
    # torch's code paths on the CPU: the machine's own, or "portable" (augbench.execution.cpu_paths).
    cpu_paths: str = "native"

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise UsageError(f"--jobs must be at least 1, got {self.jobs}.")
        if self.executor not in EXECUTORS:
            raise UsageError(f"unknown executor '{self.executor}'. Available: {', '.join(EXECUTORS)}.")
        if self.trial_timeout is not None and not 0 < self.trial_timeout <= MAX_TIMEOUT:
            raise UsageError(f"--trial-timeout is seconds, more than 0 and at most {MAX_TIMEOUT:g} "
                             f"(a year), got {self.trial_timeout}.")
        if self.cpu_paths not in CPU_PATHS:
            raise UsageError(f"--cpu-paths must be one of {', '.join(CPU_PATHS)}, got "
                             f"{self.cpu_paths!r}.")
        if self.fail_fast and (self.jobs > 1 or self.executor != "local"):
            raise UsageError("--fail-fast shows a trial's traceback, which needs --jobs 1 and the "
                             "local executor.")
