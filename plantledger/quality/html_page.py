"""The quality page: ``plantledger validate``'s results as one static HTML file that opens offline.

Written as ``quality.html`` into the ``--docs`` folder next to the Great Expectations Data Docs
(whose pages load jQuery, Bootstrap and Font Awesome from CDNs and are blank without internet).
The page has inline styles only: no script, font, image or link to fetch. It shows the verdict,
the counts, the failed checks first (blocking before warnings) and then every table's checks,
each with its severity and the rule that gives it (:mod:`plantledger.quality.severity`), pass or
fail in words, symbol and colour, failing rows and sample values. Every check's row carries its
figures as ``data-`` attributes, so tests compare them with the validation results.

The page holds no clock time: the same data give the same page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from plantledger.quality.severity import BLOCK, WARN, reason_of
from plantledger.quality.values import short_value

if TYPE_CHECKING:
    from plantledger.quality.validate import Finding
    from plantledger.rawfolder import Manifest

PAGE_NAME = "quality.html"

_STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       margin: 0 auto; max-width: 1200px; padding: 16px 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
.meta { color: #444; margin: 0 0 12px; }
.verdict { padding: 10px 14px; border-radius: 6px; font-weight: 600; margin: 12px 0; }
.verdict.fail { background: #fde2e1; border: 2px solid #b3261e; }
.verdict.warn { background: #fff1d6; border: 2px solid #9a6200; }
.verdict.pass { background: #ddf3e4; border: 2px solid #1e7a3c; }
.counts { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 16px; }
.counts div { border: 1px solid #ccc; border-radius: 6px; padding: 6px 12px; min-width: 110px; }
.counts b { display: block; font-size: 20px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 12px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.fail.block td { background: #fde2e1; } tr.fail.warn td { background: #fff1d6; }
.status { font-weight: 700; white-space: nowrap; }
tr.fail.block .status { color: #b3261e; } tr.fail.warn .status { color: #8a5200; }
tr.pass .status { color: #1e7a3c; }
.sev { border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.sev.block { background: #b3261e; color: #fff; } .sev.warn { background: #f0b400; color: #1b1b1b; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
.why { color: #555; font-size: 12px; }
details { margin: 6px 0 14px; } summary { cursor: pointer; font-weight: 600; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _status(finding: Finding) -> str:
    return "pass" if finding.success else "fail"


def _detail(finding: Finding, sample: int) -> str:
    """What failed: the failing rows with examples, an error, or the observed value."""
    if finding.success:
        return ""
    if finding.unexpected:
        shown = ", ".join(short_value(v) for v in finding.samples[:sample])
        return f"e.g. <code>{_e(shown)}</code>" if shown else ""
    if finding.error:
        return f"error: {_e(' '.join(finding.error.split())[:200])}"
    if finding.observed is not None:
        observed = finding.observed
        text = observed if isinstance(observed, str) else short_value(observed)
        return f"observed <code>{_e(text)}</code>"
    return ""


def _failing_rows(finding: Finding) -> str:
    if finding.unexpected is None:
        return "" if finding.success else "whole table"
    return f"{finding.unexpected:,} of {finding.elements:,}"


def _row(finding: Finding, sample: int) -> str:
    check = finding.check
    status = _status(finding)
    word = "✓ pass" if finding.success else "✗ FAIL"
    unexpected = "" if finding.unexpected is None else str(finding.unexpected)
    description = check.description or finding.expectation_type or check.expectation
    return (
        f'<tr class="{status} {finding.severity}" data-check="{_e(check.id)}" '
        f'data-status="{status}" data-severity="{finding.severity}" '
        f'data-unexpected="{unexpected}" data-elements="{finding.elements}">'
        f'<td class="status">{word}</td>'
        f'<td><span class="sev {finding.severity}">{finding.severity}</span></td>'
        f"<td><code>{_e(check.id)}</code><div class=why>{_e(description)}</div></td>"
        f'<td class="num">{_failing_rows(finding)}</td>'
        f"<td>{_detail(finding, sample)}<div class=why>{_e(reason_of(check.id))}</div></td></tr>"
    )


_HEAD = (
    "<tr><th>Result</th><th>Severity</th><th>Check</th><th>Failing rows</th>"
    "<th>Examples / why this severity</th></tr>"
)


def _table(findings: Sequence[Finding], sample: int) -> str:
    rows = "\n".join(_row(f, sample) for f in findings)
    return f"<table><thead>{_HEAD}</thead><tbody>\n{rows}\n</tbody></table>"


def _verdict(blocking: int, warnings: int) -> str:
    if blocking:
        return (
            f'<div class="verdict fail" id="verdict">✗ {blocking} blocking check'
            f"{'s' if blocking != 1 else ''} failed, {warnings} warning"
            f"{'s' if warnings != 1 else ''}: validate exits 1 and the warehouse is not built "
            "from this data</div>"
        )
    if warnings:
        return (
            f'<div class="verdict warn" id="verdict">! No blocking check failed; {warnings} '
            f"warning{'s' if warnings != 1 else ''}: rows the warehouse rejects, repairs or "
            "de-duplicates (validate exits 0)</div>"
        )
    return '<div class="verdict pass" id="verdict">✓ All checks passed (validate exits 0)</div>'


def _parameters(manifest: Manifest) -> str:
    parameters = manifest.parameters
    keys = [key for key in ("scale", "seed", "end_date") if key in parameters]
    parts = [f"{key} {parameters[key]}" for key in keys]
    parts.append(f"generator {manifest.generator_version}")
    loads = len(manifest.loads)
    parts.append(f"{loads} load{'s' if loads != 1 else ''}" if loads else "initial load")
    if manifest.faults:
        parts.append("with injected faults (generate --faults)")
    return ", ".join(_e(p) for p in parts)


def _count(label: str, value: int, key: str) -> str:
    return f'<div><b id="count-{key}" data-value="{value}">{value:,}</b>{_e(label)}</div>'


def render(
    findings: Sequence[Finding],
    rows: int,
    batches: dict[str, int],
    manifest: Manifest,
    raw: Path,
    sample: int,
) -> str:
    """The whole page, as text."""
    order = {BLOCK: 0, WARN: 1}
    failed = sorted((f for f in findings if not f.success), key=lambda f: order[f.severity])
    blocking = sum(f.severity == BLOCK for f in failed)
    warnings = len(failed) - blocking
    passed = len(findings) - len(failed)
    parts: list[str] = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>plantledger raw data quality</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Raw data quality</h1>",
        f'<p class="meta">Raw folder <code>{_e(raw)}</code>: {_parameters(manifest)}. '
        "Checks and severities: <code>plantledger validate --list</code>, "
        "<code>plantledger/quality/severity.py</code>.</p>",
        _verdict(blocking, warnings),
        '<div class="counts">',
        _count("tables", len(batches), "tables"),
        _count("rows", rows, "rows"),
        _count("checks", len(findings), "checks"),
        _count("passed", passed, "passed"),
        _count("blocking failures", blocking, "blocking"),
        _count("warnings", warnings, "warnings"),
        "</div>",
    ]
    if failed:
        parts += ['<h2 id="failed">Failed checks</h2>', _table(failed, sample)]
    parts.append("<h2>Checks by table</h2>")
    by_table: dict[str, list[Finding]] = {}
    for finding in findings:
        by_table.setdefault(finding.check.table, []).append(finding)
    for table, table_findings in by_table.items():
        bad = sum(not f.success for f in table_findings)
        batch = f", {batches[table]} batches" if batches.get(table, 1) > 1 else ""
        label = f"✗ {bad} failed" if bad else "✓ all passed"
        parts.append(
            f'<details id="table-{_e(table)}"{" open" if bad else ""}><summary>{_e(table)}: '
            f"{len(table_findings)} checks, {label}{batch}</summary>"
            f"{_table(table_findings, sample)}</details>"
        )
    parts.append("</body></html>\n")
    return "\n".join(parts)
