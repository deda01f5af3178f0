"""Report output: a readable terminal table with totals, or csv / json / parquet for tools.

A report result is an Arrow table plus how to show it (:class:`Column`), the lines saying what
was answered (resolved instants, filters) and totals over all rows. The table format prints
the lines, at most ``--limit`` rows and a totals row; the other formats write every row to
``--output`` or to stdout, and the lines to stderr (json carries them too).
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyarrow as pa

from plantledger.params import ParameterError

FORMATS = ("table", "csv", "json", "parquet")
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    kind: str = "text"  # text, int, float, money, duration (seconds), instant
    total: str | None = None  # sum, count_distinct, or a fixed label shown in the totals row


@dataclass
class Result:
    name: str
    title: str
    table: pa.Table
    columns: Sequence[Column]
    answered: list[str] = field(default_factory=list)
    query: dict[str, object] = field(default_factory=dict)  # resolved instants and filters (json)
    # smaller tables shown after this one (totals per unit of measure, ...); in json, by name
    summaries: list[Result] = field(default_factory=list)


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default, for reading, with totals) or csv, json, parquet (every row)",
    )
    parser.add_argument(
        "--output",
        "-o",
        default=None,
        metavar="FILE",
        help="write csv / json / parquet to FILE instead of stdout",
    )
    parser.add_argument(
        "--limit",
        default=str(DEFAULT_LIMIT),
        metavar="N",
        help=f"rows the table format shows, 0 for all (default: {DEFAULT_LIMIT}; totals count all)",
    )


MAX_LIMIT = 1_000_000_000


def parse_limit(text: str) -> int:
    """``--limit``: ASCII digits only (not '²' nor '1e3'), at most MAX_LIMIT."""
    if not re.fullmatch(r"[0-9]{1,12}", text) or int(text) > MAX_LIMIT:
        raise ParameterError(
            f"--limit must be a whole number of rows from 0 (all) to {MAX_LIMIT:,}, got {text!r}"
        )
    return int(text)


def check_output_arguments(args: argparse.Namespace) -> None:
    """Fail early, before querying, on output options that cannot work: an --output that is the
    warehouse, the raw folder or inside it, a folder, a DuckDB file, or not writable."""
    from plantledger.output_paths import Input, check_output_file, raw_folder_input
    from plantledger.report.warehouse import default_warehouse

    parse_limit(args.limit)
    if args.format == "table" and args.output is not None:
        raise ParameterError("--output needs --format csv, json or parquet")
    if args.format == "parquet" and args.output is None and sys.stdout.isatty():
        raise ParameterError("parquet is binary: give --output FILE, or pipe stdout into a program")
    if args.output is not None:
        warehouse = getattr(args, "warehouse", None) or default_warehouse()
        inputs = [Input("the warehouse", Path(warehouse)), raw_folder_input()]
        check_output_file(args.output, "--output", inputs)


def totals(result: Result) -> dict[str, object]:
    import pyarrow.compute as pc

    values: dict[str, object] = {"rows": result.table.num_rows}
    for column in result.columns:
        if column.total == "sum":
            total = pc.sum(result.table[column.name]).as_py()
            values[column.name] = total if total is not None else 0
        elif column.total == "count_distinct":
            values[column.name] = pc.count_distinct(result.table[column.name]).as_py()
    return values


def format_duration(seconds: float) -> str:
    """Seconds as a reader says them: '4 h 53 min', '2 d 3 h', '12 min 5 s', '42.3 s'."""
    if round(seconds, 1) < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s"


def _cell(value: object, kind: str) -> str:
    if value is None:
        return ""
    if kind == "instant" and isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    if kind == "int" and isinstance(value, int):
        return f"{value:,}"
    if kind == "float" and isinstance(value, float):
        return f"{value:,.1f}"
    if kind == "duration" and isinstance(value, (int, float)):
        return format_duration(float(value))
    if kind == "money" and isinstance(value, (int, float, decimal.Decimal)):
        return f"{value:,.2f}"
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def render_table(result: Result, limit: int, stream: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, soft_wrap=False, width=None if stream.isatty() else 200)
    for line in result.answered:
        console.print(line, highlight=False, markup=False)
    all_totals = totals(result)
    table = Table(title=result.title, show_footer=True, title_justify="left")
    for index, column in enumerate(result.columns):
        if index == 0:
            footer = f"total ({all_totals['rows']:,} rows)"
        elif column.total in ("sum", "count_distinct"):
            kind = "int" if column.total == "count_distinct" else column.kind
            footer = _cell(all_totals[column.name], kind)
            if column.total == "count_distinct":
                footer = f"{footer} distinct"
        else:
            footer = ""
        numeric = column.kind in ("int", "float", "money", "duration")
        table.add_column(
            column.header, footer=footer, justify="right" if numeric else "left", no_wrap=True
        )
    shown = result.table if limit == 0 else result.table.slice(0, limit)
    names = [column.name for column in result.columns]
    for row in shown.select(names).to_pylist():
        table.add_row(*(_cell(row[c.name], c.kind) for c in result.columns))
    console.print(table)
    hidden = result.table.num_rows - shown.num_rows
    if hidden > 0:
        console.print(
            f"{hidden:,} more rows not shown (--limit 0 shows all; --format csv|json|parquet "
            "writes every row)",
            highlight=False,
            markup=False,
        )
    if result.table.num_rows == 0:
        console.print("no rows", highlight=False, markup=False)
    for summary in result.summaries:
        render_table(summary, 0, stream)


def _json_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):  # money: exact in the warehouse, a number in json
        return float(value)
    return value


def _write(path: str | None, write: Callable[[io.BufferedIOBase], None]) -> None:
    """Write to stdout, or to ``path`` through a temporary file renamed over it once complete:
    a failed write (disk full) leaves no partial file and the previous one unchanged, and ends
    as one line."""
    if path is None:
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            write(handle)
        os.replace(tmp, target)
    except (OSError, pa.ArrowException) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ParameterError(
            f"writing --output {path} failed: {' '.join(reason.split())}; check free disk space "
            "and that the folder is writable (nothing was written)"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


def emit(result: Result, args: argparse.Namespace) -> None:
    """Print or write the result as --format says."""
    if args.format == "table":
        render_table(result, parse_limit(args.limit), sys.stdout)
        return
    names = [column.name for column in result.columns]
    table = result.table.select(names)
    if args.format == "csv":
        import pyarrow.csv as pacsv

        _write(args.output, lambda handle: pacsv.write_csv(table, handle))
    elif args.format == "parquet":
        import pyarrow.parquet as pq

        _write(args.output, lambda handle: pq.write_table(table, handle, compression="zstd"))
    else:
        document = {
            "report": result.name,
            "query": {key: _json_value(value) for key, value in result.query.items()},
            "answered": result.answered,
            "totals": totals(result),
            "rows": [
                {key: _json_value(value) for key, value in row.items()} for row in table.to_pylist()
            ],
        }
        for summary in result.summaries:
            document[summary.name] = {
                "totals": totals(summary),
                "rows": [
                    {key: _json_value(value) for key, value in row.items()}
                    for row in summary.table.select([c.name for c in summary.columns]).to_pylist()
                ],
            }
        text = json.dumps(document, indent=2, default=_json_value) + "\n"
        _write(args.output, lambda handle: handle.write(text.encode("utf-8")))
    for line in result.answered:  # after the write: a failed write ends in its one line only
        print(line, file=sys.stderr)
    if args.output is not None:
        print(f"wrote {table.num_rows:,} rows to {args.output}", file=sys.stderr)
