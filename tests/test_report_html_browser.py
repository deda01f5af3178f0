"""`report html` opened in headless Chromium (Debian's ``chromium``; skipped when it is missing):
every chart image decodes and draws, the page logs nothing to the console, the page asks the
network for nothing (Chromium's net log: no request initiated by a page), and a screenshot is
saved. Run with ``pytest -m browser``; `make browser` installs Chromium first.

Names are resolved to nowhere (``--host-resolver-rules``), so nothing can leave the machine even
for the browser's own background requests; those carry the initiator 'not an origin' in the net
log and are not the page's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from plantledger import cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT_DIR = os.environ.get("PLANTLEDGER_SCREENSHOTS")  # keep screenshots here if set

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.access(CHROMIUM, os.X_OK),
        reason="headless Chromium is not installed: `make browser` installs it (apt-get)",
    ),
]

# A test page (not the report) that loads the report in a frame and writes how many of its chart
# images decoded; file pages may read each other only with --allow-file-access-from-files.
HARNESS = """<!doctype html><html><body>
<iframe id="report" src="{page}" width="1280" height="900"></iframe>
<script>
document.getElementById("report").addEventListener("load", () => {{
  const doc = document.getElementById("report").contentDocument;
  const charts = [...doc.querySelectorAll("img.chart")];
  const drawn = charts.filter(img => img.complete && img.naturalWidth > 0).length;
  const out = document.createElement("pre");
  out.textContent = "charts=" + charts.length + " drawn=" + drawn;
  document.body.appendChild(out);
}});
</script></body></html>
"""


def _chromium(tmp: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp / 'profile'}",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--hide-scrollbars",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _page_requests(net_log: Path) -> list[str]:
    """URLs of network requests a page initiated (the browser's own say 'not an origin')."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job
        and event.get("params", {}).get("initiator") not in (None, "not an origin")
    ]


def check_in_browser(page: Path, tmp: Path) -> tuple[int, int, list[str], list[str]]:
    """(charts, charts drawn, console lines from the page, page network requests)."""
    harness = tmp / "harness.html"
    harness.write_text(HARNESS.format(page=page.name), encoding="utf-8")
    net_log = tmp / "net.json"
    run = _chromium(
        tmp,
        harness.as_uri(),
        "--allow-file-access-from-files",
        f"--log-net-log={net_log}",
        "--virtual-time-budget=5000",
        "--dump-dom",
    )
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r"charts=(\d+) drawn=(\d+)", run.stdout)
    assert found, "the harness never saw the report load:\n" + run.stdout[-2000:]
    console = [
        line for line in run.stderr.splitlines() if ":CONSOLE" in line and page.as_uri() in line
    ]
    return int(found[1]), int(found[2]), console, _page_requests(net_log)


@pytest.fixture(scope="module")
def rendered(warehouse_small, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    out = folder / "plant_report.html"
    code = cli.main(
        ["report", "html", "--as-of", "2026-11-13", "--tz", "UTC"]
        + ["--warehouse", str(warehouse_small.duckdb), "--out", str(out)]
    )
    assert code == 0
    return out


def test_report_draws_every_chart_offline_without_console_errors(rendered):
    charts, drawn, console, requests = check_in_browser(rendered, rendered.parent)
    assert charts >= 8 and drawn == charts
    assert console == []
    assert requests == []


def test_the_check_sees_a_request_a_console_message_and_a_broken_chart(rendered, tmp_path):
    """The browser check itself fails a page that fetches, logs or has a chart that cannot draw."""
    bad = tmp_path / "bad.html"
    page = rendered.read_text(encoding="utf-8")
    page = page.replace(
        "<body>",
        '<body><img src="https://example.org/x.png"><script>console.error("boom")</script>',
        1,
    )
    page = page.replace("data:image/svg+xml;base64,", "data:image/svg+xml;base64,AAAA", 1)
    bad.write_text(page, encoding="utf-8")
    charts, drawn, console, requests = check_in_browser(bad, tmp_path)
    assert drawn == charts - 1
    assert len(console) == 1
    assert requests == ["https://example.org/x.png"]


def test_screenshot(rendered, tmp_path):
    folder = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "plant_report.png"
    run = _chromium(tmp_path, rendered.as_uri(), "--window-size=1280,2400", f"--screenshot={shot}")
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a drawn page, not a blank one
