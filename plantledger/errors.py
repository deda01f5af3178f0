"""The command line's errors: a usage error and the one-line reasons of failed writes.

Every user error ends as one line ``plantledger: error: <what and what to do>`` (see
:mod:`plantledger.cli`); these are the pieces the commands share to word it.
"""

from __future__ import annotations

PROG = "plantledger"  # the command's name in its messages


class UsageError(Exception):
    """Bad command-line usage; the message is shown as one line, exit code 2."""


def os_reason(exc: OSError) -> str:
    """What went wrong, and on which file."""
    reason = exc.strerror or str(exc)
    return f"{reason} ({exc.filename})" if exc.filename else reason


def write_reason(exc: Exception) -> str:
    """One line for a failed write: an OSError's reason, else the first line of the error."""
    if isinstance(exc, OSError):
        return os_reason(exc)
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"
