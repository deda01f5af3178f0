"""``plantledger validate``: run the raw layer's expectation suites, build Data Docs, summarise.

Reads ``<raw>/_manifest.json`` and every table's parquet files, validates each table against its
suite (:mod:`plantledger.quality.checks`) with Great Expectations, builds the Data Docs site
into ``--docs`` (replaced as a whole) with plantledger's own offline page of the results beside it
(``quality.html``, :mod:`plantledger.quality.html_page`), and prints one line per failed
expectation, then both paths. Exit code 1 when a blocking check failed
(:mod:`plantledger.quality.severity`), 0 otherwise, 2 for unusable input.

Tables are read with polars and converted to pandas at the boundary. A table of more than
``--batch-rows`` rows is validated in batches partitioned by a hash of its key, so every copy of
a key lands in the same batch and uniqueness still holds across the whole table; the summary
adds the batches up (the Data Docs show one validation result per batch).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import re
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from plantledger.output_paths import Input, check_output_folder
from plantledger.params import DIM_DATE_END, DIM_DATE_START, ParameterError, check_folder_path
from plantledger.quality import html_page
from plantledger.quality.checks import UNIQUE, Check, all_checks
from plantledger.quality.severity import BLOCK, RULES, WARN
from plantledger.quality.values import short_value
from plantledger.rawfolder import MANIFEST_NAME, Manifest, check_raw_folder
from plantledger.schema import RAW_SCHEMAS, TABLES
from plantledger.settings import DEFAULT_DATA_DOCS as DEFAULT_DOCS
from plantledger.settings import DEFAULT_RAW

DEFAULT_SAMPLE = 3
DEFAULT_BATCH_ROWS = 1_000_000
DOCS_MARKER = ".plantledger-data-docs"
_PARTIAL = 20  # unexpected values GX keeps per expectation and batch (samples come from these)


# --- arguments ---------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw",
        default=DEFAULT_RAW,
        metavar="DIR",
        help=f"the raw data set, as written by 'plantledger generate' (default: {DEFAULT_RAW})",
    )
    parser.add_argument(
        "--docs",
        default=DEFAULT_DOCS,
        metavar="DIR",
        help="results folder, created or replaced as a whole: quality.html (plantledger's page, "
        f"opens offline) and the Great Expectations Data Docs (default: {DEFAULT_DOCS})",
    )
    parser.add_argument(
        "--sample",
        default=str(DEFAULT_SAMPLE),
        metavar="N",
        help=f"sample values shown per failed expectation (default: {DEFAULT_SAMPLE})",
    )
    parser.add_argument(
        "--batch-rows",
        default=str(DEFAULT_BATCH_ROWS),
        metavar="N",
        help="validate tables of more than N rows in batches of about N rows, split by a hash "
        f"of their key (default: {DEFAULT_BATCH_ROWS})",
    )
    parser.add_argument(
        "--tables",
        default=None,
        metavar="T1,T2",
        help="validate only these tables (default: all); reference checks still read the keys "
        "of the tables they point at",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="list every check with its severity and exit (reads no data)",
    )


MAX_COUNT = 1_000_000_000_000


def _positive_int(text: str, option: str, example: str) -> int:
    """ASCII digits (with _ separators), from 1 to MAX_COUNT."""
    digits = text.replace("_", "")
    value = int(digits) if re.fullmatch(r"[0-9]{1,13}", digits) else 0
    if not 1 <= value <= MAX_COUNT:
        raise ParameterError(
            f"{option} must be a whole number from 1 to {MAX_COUNT:_} such as {example}, "
            f"got {text!r}"
        )
    return value


def run_from_args(args: argparse.Namespace) -> int:
    sample = _positive_int(args.sample, "--sample", "3")
    batch_rows = _positive_int(args.batch_rows, "--batch-rows", "1000000")
    if args.list:
        for line in list_checks():
            print(line)
        return 0
    tables = _tables(args.tables)
    raw = check_folder_path(args.raw, "--raw")
    docs = check_output_folder(args.docs, "--docs", [Input("the raw folder (--raw)", raw, True)])
    report = validate(raw, docs, sample=sample, batch_rows=batch_rows, tables=tables)
    for line in format_report(report, sample):
        print(line)
    return report.exit_code


def _tables(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in TABLES]
    if unknown or not names:
        raise ParameterError(
            f"--tables: unknown table {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"choose from {', '.join(TABLES)}"
        )
    return [table for table in TABLES if table in names]


def list_checks() -> list[str]:
    """Every check id with its severity and expectation (end date left symbolic)."""
    checks = all_checks(dt.datetime(9999, 12, 31, tzinfo=dt.UTC))
    lines = [f"{c.severity:<5}  {c.id}  {c.expectation}" for cs in checks.values() for c in cs]
    total = len(lines)
    blocking = sum(line.startswith(BLOCK) for line in lines)
    lines.append(
        f"{total} checks: {blocking} block, {total - blocking} warn "
        f"({len(RULES)} rules in plantledger/quality/severity.py)"
    )
    return lines


# --- input -------------------------------------------------------------------------------------


def _raw_input(raw: Path) -> tuple[Manifest, dict[str, list[Path]]]:
    """The manifest and every table's parquet files, or ParameterError saying what is wrong."""
    regenerate = f"generate it with 'plantledger generate --out {raw}'"
    if not raw.exists():
        raise ParameterError(f"--raw {raw} does not exist; {regenerate}")
    if not raw.is_dir():
        raise ParameterError(
            f"--raw {raw} is not a folder; give the folder 'plantledger generate' wrote"
        )
    if not (raw / MANIFEST_NAME).is_file():
        raise ParameterError(
            f"--raw {raw} has no {MANIFEST_NAME}, so it is not a complete raw data set; "
            f"{regenerate}"
        )
    try:
        manifest = Manifest.load(raw)
        _manifest_end_date(manifest)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ParameterError(
            f"--raw {raw}: {MANIFEST_NAME} is not a plantledger manifest ({type(exc).__name__}: "
            f"{exc}); {regenerate}"
        ) from None
    files: dict[str, list[Path]] = {}
    listed = check_raw_folder(raw, manifest)  # exactly the manifest's files, hashes checked
    for table in TABLES:
        found = listed[table]
        if not found:
            raise ParameterError(
                f"--raw {raw} has no parquet files for table {table}; {regenerate}"
            )
        files[table] = found
    for table, paths in files.items():
        for path in paths:
            _check_parquet(path, table, regenerate)
    return manifest, files


def _manifest_end_date(manifest: Manifest) -> dt.date:
    """parameters.end_date as the strict YYYY-MM-DD the dbt project accepts."""
    text = manifest.parameters["end_date"]
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ValueError(f"parameters.end_date {str(text)[:40]!r} is not a date as YYYY-MM-DD")
    end_date = dt.date.fromisoformat(text)
    if not DIM_DATE_START <= end_date < DIM_DATE_END:
        raise ValueError(
            f"parameters.end_date {text} is outside the warehouse calendar ({DIM_DATE_START} to "
            f"before {DIM_DATE_END})"
        )
    return end_date


def _check_parquet(path: Path, table: str, regenerate: str) -> None:
    """A readable parquet file (its footer and schema), or one line saying which is not."""
    try:
        pl.read_parquet_schema(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise ParameterError(
            f"--raw: {path} (table {table}) is not a readable parquet file ({reason}); {regenerate}"
        ) from None


def _check_docs(docs: Path) -> Path:
    """Absolute ``docs``; refuses a file or a folder holding something else than Data Docs."""
    path = Path(os.path.abspath(docs))
    if path.exists() and not path.is_dir():
        raise ParameterError(f"--docs {docs} is an existing file; give a folder path")
    if path.is_dir() and any(path.iterdir()) and not (path / DOCS_MARKER).exists():
        raise ParameterError(
            f"--docs {docs} is a folder with other files and no Data Docs of plantledger, so it "
            f"is not replaced; choose a new or empty folder"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _replace_docs(tmp: Path, docs: Path) -> None:
    (tmp / DOCS_MARKER).write_text("built by plantledger validate; replaced on every run\n")
    old = docs.with_name(f"{docs.name}.old-{os.getpid()}")
    if docs.exists():
        os.replace(docs, old)
    try:
        os.replace(tmp, docs)
    except BaseException:
        if old.exists():
            os.replace(old, docs)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _check_gx_errors(gx: Any, records: list[logging.LogRecord], docs: Path) -> None:
    """Errors GX only logged: one line (exit 2) for a failed write, one warning otherwise."""
    if not records:
        return
    failed = gx.logged_write_error(records)
    if failed is not None:
        raise _docs_error(docs, failed)
    first = " ".join(records[0].getMessage().split())[:160]
    print(
        f"plantledger: warning: {len(records)} Data Docs part(s) could not be rendered: {first}",
        file=sys.stderr,
    )


def _docs_error(docs: Path, exc: OSError) -> ParameterError:
    reason = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    return ParameterError(
        f"cannot write the Data Docs to --docs {docs}: {reason}{where}; free disk space or choose "
        "a writable folder (the previous Data Docs, if any, are unchanged)"
    )


# --- results -----------------------------------------------------------------------------------


@dataclass
class Finding:
    """One check's result, added up over the batches of its table."""

    check: Check
    severity: str
    expectation_type: str = ""
    success: bool = True
    unexpected: int | None = None  # failing rows, for row-wise expectations
    elements: int = 0
    samples: list[Any] = field(default_factory=list)
    observed: Any = None
    error: str | None = None


@dataclass
class Report:
    raw: Path
    docs_index: Path
    quality_page: Path
    rows: int
    seconds: float
    findings: list[Finding]
    batches: dict[str, int]

    @property
    def failed(self) -> list[Finding]:
        order = {BLOCK: 0, WARN: 1}
        return sorted((f for f in self.findings if not f.success), key=lambda f: order[f.severity])

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if not f.success and f.severity == BLOCK]

    @property
    def exit_code(self) -> int:
        return 1 if self.blocking else 0

    def finding(self, check_id: str) -> Finding:
        return next(f for f in self.findings if f.check.id == check_id)


def _exception_message(info: Any) -> str | None:
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "exception")
    for value in info.values():
        message = _exception_message(value)
        if message:
            return message
    return None


def _merge(finding: Finding, result: Any) -> None:
    finding.expectation_type = result.expectation_config.type
    data = result.result or {}
    error = _exception_message(result.exception_info)
    if error:
        finding.error = error
    if not result.success:
        finding.success = False
    if "unexpected_count" in data and data["unexpected_count"] is not None:
        finding.unexpected = (finding.unexpected or 0) + int(data["unexpected_count"])
        finding.elements += int(data.get("element_count") or 0)
        for value in data.get("partial_unexpected_list") or []:
            if value not in finding.samples and len(finding.samples) < _PARTIAL:
                finding.samples.append(value)
    if not result.success and "observed_value" in data:
        finding.observed = data["observed_value"]


# --- the run -----------------------------------------------------------------------------------


def _partition_column(table: str) -> str:
    if "id" in RAW_SCHEMAS[table]:
        return "id"
    return UNIQUE[table][0][0]


def _read(files: list[Path], table: str, batches: int, batch: int) -> pl.DataFrame:
    frame = pl.scan_parquet(files)
    if batches > 1:
        key = pl.col(_partition_column(table)).hash(seed=0) % batches
        frame = frame.filter(key == batch)
    try:
        return frame.collect()
    except pl.exceptions.PolarsError as exc:
        message = str(exc).splitlines()[0]
        raise ParameterError(
            f"cannot read table {table} from its parquet files: {message}"
        ) from None


def _keys(files: list[Path], table: str, column: str) -> Any:
    """The distinct non-null values of ``table.column`` (reads only that column)."""
    try:
        values = pl.scan_parquet(files).select(pl.col(column).drop_nulls().unique()).collect()
    except pl.exceptions.PolarsError as exc:
        message = str(exc).splitlines()[0]
        raise ParameterError(
            f"cannot read {table}.{column} for reference checks: {message}"
        ) from None
    return values[column].to_arrow()


def validate(
    raw: Path,
    docs: Path,
    sample: int = DEFAULT_SAMPLE,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    tables: list[str] | None = None,
) -> Report:
    """Validate the raw tables (all, or ``tables``), build the Data Docs into ``docs``."""
    started = time.perf_counter()
    manifest, files = _raw_input(raw)
    docs = _check_docs(docs)
    end_date = _manifest_end_date(manifest)
    end_instant = dt.datetime.combine(end_date, dt.time(23, 59, 59, 999_999), tzinfo=dt.UTC)
    checks = all_checks(end_instant)
    if tables is not None:
        checks = {table: checks[table] for table in tables}
    severities = {c.id: c.severity for cs in checks.values() for c in cs}
    findings = {
        c.id: Finding(check=c, severity=severities[c.id]) for cs in checks.values() for c in cs
    }

    tmp = docs.with_name(f"{docs.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:  # the Data Docs can be written: known before any table is read
        tmp.mkdir()
        (tmp / DOCS_MARKER).write_text("built by plantledger validate; replaced on every run\n")
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _docs_error(docs, exc) from None
    with warnings.catch_warnings():  # GX's and pandas' deprecation chatter, for this run only
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", module="great_expectations")
        from plantledger.quality import gx  # Great Expectations: imported only now (slow)

        try:
            with gx.collected_log() as gx_errors:
                rows, batches = _run(
                    gx, checks, severities, findings, files, tmp, sample, batch_rows
                )
            _check_gx_errors(gx, gx_errors, docs)
            page = html_page.render(list(findings.values()), rows, batches, manifest, raw, sample)
            (tmp / html_page.PAGE_NAME).write_text(page, encoding="utf-8")
            _replace_docs(tmp, docs)
        except OSError as exc:
            raise _docs_error(docs, exc) from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return Report(
        raw=raw,
        docs_index=docs / "index.html",
        quality_page=docs / html_page.PAGE_NAME,
        rows=rows,
        seconds=time.perf_counter() - started,
        findings=list(findings.values()),
        batches=batches,
    )


def _run(
    gx: Any,
    checks: dict[str, list[Check]],
    severities: dict[str, str],
    findings: dict[str, Finding],
    files: dict[str, list[Path]],
    tmp: Path,
    sample: int,
    batch_rows: int,
) -> tuple[int, dict[str, int]]:
    """Validate table by table into ``findings``; build the Data Docs into ``tmp``."""
    validator = gx.Validator(
        tmp, {"result_format": "SUMMARY", "partial_unexpected_count": max(_PARTIAL, sample)}
    )
    references = sorted({c.reference for cs in checks.values() for c in cs if c.reference})
    for reference in references:
        table, column = reference.split(".")
        gx.register_keys(reference, _keys(files[table], table, column))
    rows = 0
    batches: dict[str, int] = {}
    for table in checks:
        validator.add_suite(table, checks[table], severities)
        try:
            count = pl.scan_parquet(files[table]).select(pl.len()).collect().item()
        except pl.exceptions.PolarsError as exc:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ParameterError(f"cannot read table {table}: {message}") from None
        rows += count
        batches[table] = max(1, math.ceil(count / batch_rows))
        for batch in range(batches[table]):
            frame = gx.to_pandas(_read(files[table], table, batches[table], batch))
            name = (
                table if batches[table] == 1 else f"{table} batch {batch + 1} of {batches[table]}"
            )
            for result in validator.run_batch(table, frame, name):
                _merge(findings[result.expectation_config.meta["check"]], result)
            del frame
    validator.build_docs()
    return rows, batches


# --- the summary -------------------------------------------------------------------------------


def format_finding(finding: Finding, sample: int) -> str:
    check = finding.check
    head = f"{finding.severity.upper():<5}  {check.table}  {check.target}.{check.kind}"
    head += f"  ({finding.expectation_type or check.expectation})"
    if finding.unexpected is not None and finding.unexpected > 0:
        shown = ", ".join(short_value(v) for v in finding.samples[:sample])
        return f"{head}: {finding.unexpected:,} of {finding.elements:,} rows fail; e.g. {shown}"
    if finding.error:
        return f"{head}: error: {' '.join(finding.error.split())[:120]}"
    if finding.observed is not None and check.kind == "columns":
        expected, observed = list(check.kwargs["column_list"]), list(finding.observed)
        missing = [c for c in expected if c not in observed]
        extra = [c for c in observed if c not in expected]
        parts = [f"missing {', '.join(missing)}"] if missing else []
        parts += [f"unexpected {', '.join(extra)}"] if extra else []
        return f"{head}: {'; '.join(parts) or 'columns in another order'}"
    if finding.observed is not None:
        observed = finding.observed
        text = observed if isinstance(observed, str) else short_value(observed)
        return f"{head}: observed {text}"
    return f"{head}: failed"


def format_report(report: Report, sample: int = DEFAULT_SAMPLE) -> list[str]:
    batched = [f"{t} ({n} batches)" for t, n in report.batches.items() if n > 1]
    lines = [
        f"Validated {len(report.batches)} tables, {report.rows:,} rows, "
        f"{len(report.findings)} checks in {report.seconds:.1f} s"
        + (f"; in batches: {', '.join(batched)}" if batched else "")
    ]
    lines += [format_finding(f, sample) for f in report.failed]
    lines.append(f"Quality page (offline): {report.quality_page}")
    lines.append(f"Data Docs (Great Expectations, need internet): {report.docs_index}")
    blocking = len(report.blocking)
    warnings = len(report.failed) - blocking
    if not report.failed:
        lines.append("All checks passed.")
    else:
        verdict = "failing (exit 1)" if blocking else "passing (exit 0)"
        lines.append(
            f"{blocking} blocking check{'s' if blocking != 1 else ''} failed, "
            f"{warnings} warning{'s' if warnings != 1 else ''}: {verdict}"
        )
    return lines
