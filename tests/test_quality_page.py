"""The offline quality page ``validate`` writes beside the Data Docs (``<docs>/quality.html``):
its figures are the validation results, a failing check shows as failing with its severity, and
it needs nothing from the network."""

from __future__ import annotations

import re
import shutil

import polars as pl
import pytest

from plantledger.quality.severity import BLOCK, WARN
from plantledger.quality.validate import validate
from tests.test_validate import _reseal

TABLE = "sublot_movements"
ROW = re.compile(
    r'<tr class="(?P<cls>[a-z ]+)" data-check="(?P<check>[^"]+)" data-status="(?P<status>\w+)" '
    r'data-severity="(?P<severity>\w+)" data-unexpected="(?P<unexpected>\d*)" '
    r'data-elements="(?P<elements>\d+)"><td class="status">(?P<word>[^<]+)</td>'
    r'<td><span class="sev (?P<badge>\w+)">(?P<badge_text>\w+)</span></td>.*?'
    r'<td class="num">(?P<rows>[^<]*)</td><td>(?P<detail>.*?)</td></tr>'
)


@pytest.fixture(scope="module")
def faulty_broken(raw_faulty, tmp_path_factory):
    """raw_faulty's movements (faults that only warn) with two rows of an unknown movement type
    (a contract breach that blocks), validated; (report, page text)."""
    raw = tmp_path_factory.mktemp("quality_page") / "raw"
    shutil.copytree(raw_faulty.path, raw)
    for path in sorted((raw / TABLE).glob("part-*.parquet"))[:1]:
        movements = pl.read_parquet(path)
        teleport = pl.col("id").is_in(movements["id"].head(2).implode())
        movements.with_columns(
            movement_type=pl.when(teleport).then(pl.lit("teleport")).otherwise("movement_type")
        ).write_parquet(path)
    _reseal(raw, TABLE)
    docs = raw.parent / "docs"
    report = validate(raw, docs, sample=2, tables=[TABLE])
    return report, (docs / "quality.html").read_text(encoding="utf-8")


def _rows(page: str) -> dict[str, re.Match[str]]:
    """Check id -> its row in the 'Checks by table' part (every check once)."""
    part = page.split("<h2>Checks by table</h2>", 1)[1]
    rows = {match["check"]: match for match in ROW.finditer(part)}
    assert len(rows) == part.count("<tr class=")
    return rows


def _count(page: str, key: str) -> int:
    found = re.search(rf'<b id="count-{key}" data-value="(\d+)">', page)
    assert found, key
    return int(found[1])


def test_page_figures_equal_the_validation_results(faulty_broken):
    report, page = faulty_broken
    rows = _rows(page)
    assert set(rows) == {f.check.id for f in report.findings}
    for finding in report.findings:
        row = rows[finding.check.id]
        assert row["status"] == ("pass" if finding.success else "fail"), finding.check.id
        assert row["severity"] == row["badge"] == row["badge_text"] == finding.severity
        assert row["unexpected"] == ("" if finding.unexpected is None else str(finding.unexpected))
        assert int(row["elements"]) == finding.elements
        if finding.unexpected:
            assert row["rows"] == f"{finding.unexpected:,} of {finding.elements:,}"
    failed = report.failed
    assert _count(page, "checks") == len(report.findings)
    assert _count(page, "passed") == len(report.findings) - len(failed)
    assert _count(page, "blocking") == len(report.blocking) > 0
    assert _count(page, "warnings") == len(failed) - len(report.blocking) > 0
    assert _count(page, "rows") == report.rows
    assert _count(page, "tables") == 1


def test_a_failing_check_shows_as_failing_with_its_severity(faulty_broken):
    report, page = faulty_broken
    rows = _rows(page)
    blocked = rows[f"{TABLE}.movement_type.in_set"]
    assert blocked["cls"] == "fail block" and blocked["word"] == "✗ FAIL"
    assert blocked["rows"] == f"2 of {report.finding(blocked['check']).elements:,}"
    assert "&#x27;teleport&#x27;" in blocked["detail"]
    warned = rows[f"{TABLE}.quantity.range"]  # bad_quantity faults: rejected rows, a warning
    assert warned["cls"] == "fail warn" and warned["word"] == "✗ FAIL"
    assert "rejected rows" in warned["detail"]  # the severity rule's reason
    passed = rows[f"{TABLE}.table.columns"]
    assert passed["cls"] == "pass block" and passed["word"] == "✓ pass"
    assert 'class="verdict fail"' in page and "1 blocking check failed" in page
    # the failed checks come first, blocking ones before warnings
    failed_part = page.split('<h2 id="failed">Failed checks</h2>', 1)[1].split("<h2>", 1)[0]
    severities = [m["severity"] for m in ROW.finditer(failed_part)]
    assert severities == sorted(severities, key=[BLOCK, WARN].index)
    assert len(severities) == len(report.failed)


def test_page_needs_nothing_from_the_network(faulty_broken):
    _report, page = faulty_broken
    assert "<script" not in page and "<link" not in page and "<img" not in page
    assert not re.search(r"(src|href)=|url\(|@import|https?://", page)
