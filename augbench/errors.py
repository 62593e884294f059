"""Errors that reach the user as one line."""


class UsageError(Exception):
    """Bad input from the user: the CLI prints ``error: <message>`` and exits with status 2.

    The message says what was wrong, where, and how to fix it.
    """
