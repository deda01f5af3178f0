"""What the command line printed, as the tests check it."""

from __future__ import annotations

import pytest


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The single ``plantledger: error: ...`` line on stderr, with nothing on stdout and no
    traceback; fails the test otherwise."""
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("plantledger: error: ")
    assert "Traceback" not in captured.err
    return lines[0]
