"""``plantledger docs``: the dbt documentation site as one HTML file that opens offline.

Runs ``dbt parse`` and ``dbt docs generate --static --no-compile`` (the manifest and the
catalog inlined into one ``static_index.html``; scripts and styles are inline already) on a copy
of the built warehouse, so the published file is never opened for writing, with ``target/`` and
``logs/`` in a temporary folder (the repository's are left alone). Without compiling, no hook
runs, so the raw folder is not needed (the pages show each model's SQL as written).

Two things in dbt's page would reach out or log:

- its usage tracker loads a script from a CDN when the manifest says
  ``send_anonymous_usage_stats: true``: dbt runs with ``DBT_SEND_ANONYMOUS_USAGE_STATS=false``
  (``dbt_project.yml`` says so too), and a page whose manifest still enables it is refused;
- the menu's icon templates (``<use xlink:href="{{ getIcon(...) }}">``) are fetched as file URLs
  before Angular fills them in, which Chromium reports on the console for a ``file:`` page:
  they are rewritten to Angular's ``ng-attr-xlink:href``, which sets the attribute only once
  it is interpolated.

The result replaces ``--out`` (default ``reports/dbt_docs.html``) through a temporary file.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from plantledger.build import _dbt_executable, _project_dir
from plantledger.output_paths import DUCKDB_MAGIC, Input, check_output_file, raw_folder_input
from plantledger.params import ParameterError
from plantledger.settings import DEFAULT_WAREHOUSE, dbt_environment, raw_folder, warehouse_file

DEFAULT_OUT = "reports/dbt_docs.html"
EXIT_FAILED = 1
JOURNAL = "model.plantledger.fact_inventory_journal"
JOURNAL_LINEAGE = "1+fact_inventory_journal+1"  # its parents, the journal, its readers
# the journal's page with the lineage graph open on that selection (dbt docs' g_v / g_i state)
JOURNAL_LINK = f"#!/model/{JOURNAL}?g_v=1&g_i={JOURNAL_LINEAGE.replace('+', '%2B')}"

_TRACKING_OFF = '"send_anonymous_usage_stats": false'
_ICON_TEMPLATE = '<use xlink:href="{{ getIcon('
_ICON_FIXED = '<use ng-attr-xlink:href="{{ getIcon('


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        default=None,
        metavar="FILE",
        help="the built warehouse the catalog is read from (default: $PLANTLEDGER_DUCKDB, else "
        f"{DEFAULT_WAREHOUSE}); it is copied, never written",
    )
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="FILE",
        help=f"the HTML file to write (default: {DEFAULT_OUT}; its folder is created)",
    )


def _warehouse(text: str | None) -> Path:
    given = text or warehouse_file()
    path = Path(os.path.abspath(given))
    build = "build it with 'plantledger build' (the catalog lists its tables and columns)"
    if not path.is_file():
        raise ParameterError(f"--warehouse {given} does not exist; {build}")
    try:
        with open(path, "rb") as handle:
            magic = handle.read(12)[8:12]
    except OSError as exc:
        raise ParameterError(f"--warehouse {given} cannot be read ({exc.strerror})") from None
    if magic != DUCKDB_MAGIC:
        raise ParameterError(f"--warehouse {given} is not a DuckDB database; {build}")
    return path


def offline_page(page: str) -> str:
    """dbt's static page with the tracker checked off and the icon templates fixed."""
    if _TRACKING_OFF not in page:
        raise ParameterError(
            "the dbt docs page enables dbt's usage tracking (a script from a CDN); set "
            "send_anonymous_usage_stats: false under flags in dbt_project.yml"
        )
    return page.replace(_ICON_TEMPLATE, _ICON_FIXED)


def _reason(output: str) -> str:
    """The line of dbt's output that says what failed: the last 'Xxx Error: message', else the
    last line."""
    lines = [" ".join(line.split()) for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r"Error\b[^:]*:\s*\S", line)]
    return (errors or lines or ["no output"])[-1][:200]


def _generate(warehouse: Path, work: Path) -> str | None:
    """Run dbt docs generate --static on a copy of ``warehouse``: the page's text, or None
    when dbt failed (said in one line on stderr)."""
    copy = work / warehouse.name  # same file name: DuckDB names the database after it
    shutil.copyfile(warehouse, copy)
    wal = warehouse.with_name(warehouse.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
    target = work / "target"
    common = [
        "--project-dir",
        str(_project_dir()),
        "--profiles-dir",
        str(_project_dir()),
        "--target-path",
        str(target),
        "--log-path",
        str(work / "logs"),
        "--quiet",
        "--no-use-colors",
    ]
    env = dbt_environment(raw_folder(), copy, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    for step in (["parse"], ["docs", "generate", "--static", "--no-compile"]):
        command = [_dbt_executable(), *step, *common]
        run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            break
    page = target / "static_index.html"
    if run.returncode != 0 or not page.is_file():
        last = _reason(run.stdout + run.stderr)
        print(
            f"plantledger: error: dbt {' '.join(step[:2])} failed (exit {run.returncode}): {last}",
            file=sys.stderr,
        )
        return None
    return page.read_text(encoding="utf-8")


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        raise ParameterError(
            f"writing --out {target} failed: {exc.strerror or exc}; check free disk space and "
            "that the folder is writable (nothing was written)"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


def run_from_args(args: argparse.Namespace) -> int:
    warehouse = _warehouse(args.warehouse)
    inputs = [Input("the warehouse", warehouse), raw_folder_input()]
    target = check_output_file(args.out, "--out", inputs, create_parents=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{target.name}.dbt-", dir=target.parent) as work:
        page = _generate(warehouse, Path(work))
    if page is None:
        return EXIT_FAILED
    _write(target, offline_page(page))
    print(f"dbt docs site (one file, opens offline): {args.out}")
    print(f"lineage of the journal, focused on {JOURNAL_LINEAGE}: {args.out}{JOURNAL_LINK}")
    return 0
