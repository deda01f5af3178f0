"""``plantledger report <name>``: reports read from the built warehouse (DuckDB, read-only).

Reports are registered in :data:`REPORTS` with the :func:`report` decorator (both in
:mod:`plantledger.report.registry`): a name, a one-line
help, a function adding the report's own arguments and a function running it (returning the
exit code). To add one, say ``trace``:

1. write ``plantledger/report/trace.py``::

       from plantledger.report.registry import report
       from plantledger.report.warehouse import add_warehouse_argument, open_warehouse

       def _add(parser):
           add_warehouse_argument(parser)
           parser.add_argument("code")

       @report("trace", "trace a lot or sublot forwards or backwards", _add)
       def run_trace(args):
           with open_warehouse(args.warehouse) as warehouse:
               ...
           return 0

2. import it at the bottom of this file (``from plantledger.report import trace``).

Shared pieces: :mod:`plantledger.report.warehouse` (opening the warehouse with one-line errors,
checking facilities and locations), :mod:`plantledger.report.timeframe` (date phrases to
instants per time zone), :mod:`plantledger.report.output` (terminal table with totals, csv,
json, parquet). Bad input raises :class:`~plantledger.params.ParameterError`, which the command
line prints as one ``plantledger: error: ...`` line with exit code 2.
"""

from __future__ import annotations

import argparse

from plantledger.params import ParameterError
from plantledger.report.registry import REPORTS, Report, report  # noqa: F401


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``report`` subcommand: one sub-subcommand per registered report."""
    sub = parser.add_subparsers(dest="report", metavar="REPORT", parser_class=type(parser))
    for entry in REPORTS.values():
        entry.add_arguments(sub.add_parser(entry.name, help=entry.help, description=entry.help))


def run_from_args(args: argparse.Namespace) -> int:
    if args.report is None:
        raise ParameterError(
            f"choose a report: {', '.join(REPORTS)} (see 'plantledger report --help')"
        )
    return REPORTS[args.report].run(args)


# Reports register themselves on import; add new report modules here.
from plantledger.report import balance, html_report, point_in_time, stock, trace  # noqa: E402, F401
