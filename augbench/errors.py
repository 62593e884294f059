"""Errors that reach the user as one line."""


class UsageError(Exception):
    """Bad input from the user: the CLI prints `error: <message>` and exits with status 2.

    The message says what was wrong, where, and how to fix it.
    """


class AugbenchWarning(UserWarning):
    """What the command line prints as a note or warning, raised by `augbench.run()`: how the
    data was read, too few seeds for any difference to be significant, no signal in a table."""
