"""``plantledger docs`` without dbt: the offline fixes of dbt's page and the refusals of bad
input (one line, exit 2, nothing written). The site itself is built and opened in Chromium by
tests/test_docs_browser.py."""

from __future__ import annotations

import duckdb
import pytest

from plantledger import cli
from plantledger.docs_site import offline_page
from plantledger.params import ParameterError

TEMPLATE = "<svg><use xlink:href=\"{{ getIcon(item.type, \\'on\\') }}\"></use></svg>"
MANIFEST_OFF = '{"metadata": {"send_anonymous_usage_stats": false}}'


def test_icon_templates_are_set_only_once_interpolated():
    page = offline_page(TEMPLATE + MANIFEST_OFF + TEMPLATE)
    assert page.count('<use ng-attr-xlink:href="{{ getIcon(') == 2
    assert '<use xlink:href="{{' not in page
    assert '<use xlink:href="#icn-doc">' in offline_page(
        '<use xlink:href="#icn-doc">' + MANIFEST_OFF
    )


def test_a_page_with_dbt_usage_tracking_on_is_refused():
    with pytest.raises(ParameterError, match="send_anonymous_usage_stats: false"):
        offline_page(TEMPLATE + '{"metadata": {"send_anonymous_usage_stats": true}}')


def _one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and len(lines) == 1, captured.err
    assert lines[0].startswith("plantledger: error: ")
    return lines[0]


def test_bad_input_is_one_line_exit_2_and_nothing_is_written(tmp_path, capsys):
    warehouse = tmp_path / "plantledger.duckdb"
    duckdb.connect(str(warehouse)).close()
    before = warehouse.read_bytes()
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("hello")
    out = str(tmp_path / "site.html")
    cases = {
        "does not exist": ["--warehouse", str(tmp_path / "nope.duckdb"), "--out", out],
        "is not a DuckDB database": ["--warehouse", str(not_duckdb), "--out", out],
        "is the warehouse": ["--warehouse", str(warehouse), "--out", str(warehouse)],
        "is a folder": ["--warehouse", str(warehouse), "--out", str(tmp_path)],
    }
    for message, argv in cases.items():
        assert cli.main(["docs", *argv]) == 2, message
        assert message in _one_error_line(capsys)
    assert warehouse.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.duckdb", "plantledger.duckdb"]


def test_a_failing_dbt_is_one_line_exit_1_and_nothing_is_written(tmp_path, capsys, monkeypatch):
    fake = tmp_path / "dbt"
    fake.write_text(
        "#!/bin/sh\necho 'Encountered an error:'\necho 'Runtime Error'\n"
        "echo '  IO Error: No files found that match the pattern'\n"
        "echo 'See https://x.y/'\nexit 2\n"
    )
    fake.chmod(0o755)
    monkeypatch.setattr("plantledger.docs_site._dbt_executable", lambda: str(fake))
    warehouse = tmp_path / "plantledger.duckdb"
    duckdb.connect(str(warehouse)).close()
    out = tmp_path / "site" / "dbt_docs.html"
    assert cli.main(["docs", "--warehouse", str(warehouse), "--out", str(out)]) == 1
    line = _one_error_line(capsys)
    assert line == (
        "plantledger: error: dbt parse failed (exit 2): IO Error: No files found that match the "
        "pattern"
    )
    assert list(out.parent.iterdir()) == []  # no page, no temporary folder left
