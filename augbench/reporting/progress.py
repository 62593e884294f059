"""A progress bar of a run's trials, with a count of those that failed: rich draws it on a
terminal and in a notebook alike."""

from __future__ import annotations

from typing import Any, Callable


def trial_progress(total: int, console: Any = None,
                   disable: bool = False) -> tuple[Any, Callable[[Any], None]]:
    """A rich ``Progress`` over ``total`` trials (a context manager), and the ``on_trial``
    callback that advances it by one finished trial."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    # The time is labelled: a bare "0:01:23" could be the time spent as well as the time left.
    progress = Progress(TextColumn("trials"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("[red]{task.fields[failed]} failed"), TextColumn("· left"),
                        TimeRemainingColumn(),
                        console=console or Console(stderr=True), disable=disable,
                        transient=False)
    task = progress.add_task("trials", total=total, failed=0)
    failed = 0

    def on_trial(result: Any) -> None:
        nonlocal failed
        failed += not result.ok
        progress.update(task, advance=1, failed=failed)

    return progress, on_trial
