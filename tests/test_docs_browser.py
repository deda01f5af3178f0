"""The quality page (``validate``: ``<docs>/quality.html``) and the dbt docs site (``plantledger
docs``) opened in headless Chromium, with the harness of ``report html``'s browser test (flags,
names resolved to nowhere, the net log, the console on stderr): each page logs nothing to the
console, asks the network for nothing, and draws what it should - the quality page its verdict and
every check, the docs site its overview and the journal's page with the focused lineage graph.
Screenshots go to $PLANTLEDGER_SCREENSHOTS when set. Run with ``pytest -m browser``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plantledger import cli
from plantledger.docs_site import JOURNAL_LINK
from plantledger.quality.validate import validate
from tests.test_report_html_browser import CHROMIUM, SCREENSHOT_DIR, _chromium, _page_requests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="headless Chromium is not installed: `make browser` installs it (apt-get)",
    ),
]

TABLES = ["sublot_movements", "supplier_receipts"]


def open_page(url: str, tmp: Path) -> tuple[str, list[str], list[str]]:
    """(the drawn page without its scripts and styles, console lines, page network requests)."""
    tmp.mkdir(parents=True, exist_ok=True)
    net_log = tmp / "net.json"
    run = _chromium(
        tmp, url, f"--log-net-log={net_log}", "--virtual-time-budget=10000", "--dump-dom"
    )
    assert run.returncode == 0, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    drawn = re.sub(r"<(script|style)\b.*?</\1>", "", run.stdout, flags=re.S)
    return drawn, console, _page_requests(net_log)


def screenshot(url: str, name: str, tmp: Path, size: str) -> Path:
    folder = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / name
    run = _chromium(
        tmp, url, f"--window-size={size}", "--virtual-time-budget=10000", f"--screenshot={shot}"
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return shot


@pytest.fixture(scope="module")
def quality(raw_faulty, tmp_path_factory):
    """The quality page of two event tables of raw_faulty (failing checks that warn)."""
    docs = tmp_path_factory.mktemp("quality") / "data_docs"
    report = validate(raw_faulty.path, docs, tables=TABLES)
    return report, docs / "quality.html"


@pytest.fixture(scope="module")
def site(warehouse_small, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dbt_docs") / "dbt_docs.html"
    assert cli.main(["docs", "--warehouse", str(warehouse_small.duckdb), "--out", str(out)]) == 0
    return out


def test_quality_page_draws_every_check_offline_without_console_errors(quality, tmp_path):
    report, page = quality
    drawn, console, requests = open_page(page.as_uri(), tmp_path)
    assert console == []
    assert requests == []
    assert 'class="verdict warn" id="verdict"' in drawn
    assert drawn.count("data-check=") == len(report.findings) + len(report.failed) > 0
    assert drawn.count('data-status="fail"') == 2 * len(report.failed)
    shot = screenshot(page.as_uri(), "quality_page.png", tmp_path, "1280,1100")
    assert shot.stat().st_size > 30_000  # a drawn page, not a blank one


def test_dbt_docs_overview_draws_offline_without_console_errors(site, tmp_path):
    drawn, console, requests = open_page(site.as_uri(), tmp_path)
    assert console == []
    assert requests == []
    assert "Where to start" in drawn  # the overview block (models/docs.md), rendered
    assert f'href="{JOURNAL_LINK.replace("&", "&amp;")}"' in drawn  # links the focused lineage
    shot = screenshot(site.as_uri(), "dbt_docs_overview.png", tmp_path, "1280,900")
    assert shot.stat().st_size > 30_000


def test_journal_page_opens_with_its_focused_lineage(site, tmp_path):
    url = site.as_uri() + JOURNAL_LINK
    drawn, console, requests = open_page(url, tmp_path)
    assert console == []
    assert requests == []
    assert '<span class="break ng-binding">fact_inventory_journal</span>' in drawn
    assert "double-entry ledger" in drawn  # its description (doc block double_entry)
    assert 'data-id="layer2-node"' in drawn  # the lineage graph's node canvas
    screenshot(url, "dbt_docs_journal_lineage.png", tmp_path, "1280,900")


def test_the_check_sees_dbts_icon_templates_and_a_request(site, quality, tmp_path):
    """Without plantledger's fix dbt's page logs to the console; a page that fetches is seen."""
    unfixed = tmp_path / "unfixed.html"
    text = site.read_text(encoding="utf-8")
    unfixed.write_text(text.replace("<use ng-attr-xlink:href=", "<use xlink:href="), "utf-8")
    _drawn, console, _requests = open_page(unfixed.as_uri(), tmp_path / "unfixed")
    assert console and all("Unsafe attempt to load URL" in line for line in console)
    fetching = tmp_path / "fetching.html"
    page = quality[1].read_text(encoding="utf-8")
    fetching.write_text(page.replace("<body>", '<body><img src="https://example.org/x.png">'))
    _drawn, console, requests = open_page(fetching.as_uri(), tmp_path / "fetching")
    assert requests == ["https://example.org/x.png"]
