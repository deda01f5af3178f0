"""The report registry: :func:`report` registers a report in :data:`REPORTS`.

Report modules import it from here, not from the package, which imports every report module
(see :mod:`plantledger.report`): so no report module imports its importer.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Report:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


REPORTS: dict[str, Report] = {}


def report(
    name: str, help: str, add_arguments: Callable[[argparse.ArgumentParser], None]
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Register a report; reports are listed in registration order."""

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        if name in REPORTS:
            raise ValueError(f"report {name!r} is registered twice")
        REPORTS[name] = Report(name, help, add_arguments, run)
        return run

    return register
