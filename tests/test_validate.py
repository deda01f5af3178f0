"""``plantledger validate``: passes on clean data, catches the faults GX can see, blocks on
contract breaches, and reports unusable input as one line with exit code 2."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from fnmatch import fnmatchcase

import polars as pl
import pytest

from plantledger import cli
from plantledger.faults import KINDS
from plantledger.quality.checks import all_checks
from plantledger.quality.severity import BLOCK, RULES, WARN, severity_of
from plantledger.quality.validate import DOCS_MARKER, format_report, validate
from plantledger.rawfolder import MANIFEST_NAME
from plantledger.schema import TABLES, VERSIONED_TABLES

EVENTS = ["sublot_movements", "material_transactions", "plc_tag_events", "supplier_receipts"]
NUMBER = {
    "sublot_movements": "movement_number",
    "material_transactions": "transaction_number",
    "supplier_receipts": "receipt_number",
}
TIME = {
    "sublot_movements": ["moved_at"],
    "material_transactions": ["created_at"],
    "supplier_receipts": ["received_at"],
    "plc_tag_events": ["source_timestamp", "server_timestamp"],
}
# which checks see which fault kind (docs/faults.md); the others only the warehouse can see
SEEN_BY_GX = {
    "duplicate_events",
    "plc_out_of_order",
    "unknown_sublot",
    "unknown_location",
    "bad_quantity",
    "future_timestamp",
    "missing_work_order",
}
WAREHOUSE_ONLY = {"plc_repeated_values", "plc_missing_nil", "over_quantity"}


def _one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and len(lines) == 1, captured.err
    assert lines[0].startswith("plantledger: error: ")
    return lines[0]


# --- the configuration -------------------------------------------------------------------------


def test_every_severity_rule_matches_a_check():
    ids = [c.id for cs in all_checks(dt.datetime.now(dt.UTC)).values() for c in cs]
    assert len(ids) == len(set(ids))
    for pattern, severity, why in RULES:
        assert severity in (BLOCK, WARN) and why
        assert any(fnmatchcase(i, pattern) for i in ids), f"rule {pattern!r} matches no check"
    assert severity_of("sublot_movements.quantity.range") == WARN
    assert severity_of("material_sublots.quantity.range") == BLOCK  # the default


def test_list_prints_every_check(capsys):
    assert cli.main(["validate", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "warn   sublot_movements.material_sublot_id.references  " in "\n".join(lines) + "  "
    assert lines[-1].endswith("rules in plantledger/quality/severity.py)")
    assert set(KINDS) == WAREHOUSE_ONLY | SEEN_BY_GX


# --- clean data ----------------------------------------------------------------------------------


def test_clean_data_passes_and_builds_data_docs(raw_small, tmp_path, capsys):
    docs = tmp_path / "reports" / "data_docs"
    docs.mkdir(parents=True)
    (docs / DOCS_MARKER).write_text("")
    (docs / "stale.html").write_text("from an earlier run")
    argv = ["validate", "--raw", str(raw_small.path), "--docs", str(docs)]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        f"Validated {len(TABLES)} tables, {raw_small.manifest.total_rows:,} rows"
    )
    assert out[1:] == [
        f"Quality page (offline): {docs / 'quality.html'}",
        f"Data Docs (Great Expectations, need internet): {docs / 'index.html'}",
        "All checks passed.",
    ]
    assert (docs / "index.html").is_file() and (docs / DOCS_MARKER).is_file()
    page = (docs / "quality.html").read_text(encoding="utf-8")
    assert '<div class="verdict pass" id="verdict">✓ All checks passed' in page
    assert page.count('data-status="pass"') == page.count("data-check=") > 0
    assert not (docs / "stale.html").exists()  # the site is replaced as a whole
    assert {p.name for p in (docs / "validations").iterdir()} == set(TABLES)
    assert {p.stem for p in (docs / "expectations").iterdir()} == set(TABLES)
    assert [p.name for p in docs.parent.iterdir()] == ["data_docs"]  # no temporary folder left


# --- faults --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty_report(raw_faulty, tmp_path_factory):
    """The event tables of raw_faulty, validated in batches (uniqueness must hold across them)."""
    docs = tmp_path_factory.mktemp("docs") / "data_docs"
    return validate(raw_faulty.path, docs, batch_rows=4000, tables=EVENTS)


def _expected_failures(manifest) -> dict[str, int]:
    """Check id -> failing rows, from the manifest's record of the faults."""
    faults = manifest.faults["kinds"]

    def count(kind: str, table: str) -> int:
        return faults[kind]["tables"][table]["count"]

    expected = {}
    for table in EVENTS:
        duplicates = 2 * count("duplicate_events", table)  # GX counts both copies
        # a versioned table's keys are unique within a load (key + load_id)
        per_load = "+load_id" if table in VERSIONED_TABLES else ""
        expected[f"{table}.id{per_load}.unique"] = duplicates
        if table in NUMBER:
            expected[f"{table}.{NUMBER[table]}{per_load}.unique"] = duplicates
        for column in TIME[table]:
            expected[f"{table}.{column}.not_future"] = count("future_timestamp", table)
    for table in KINDS["bad_quantity"].tables:
        expected[f"{table}.quantity.range"] = count("bad_quantity", table)
    expected["sublot_movements.material_sublot_id.references"] = count(
        "unknown_sublot", "sublot_movements"
    )
    expected["material_transactions.work_order_id.references"] = count(
        "missing_work_order", "material_transactions"
    )
    return expected


def test_validate_catches_the_faults_gx_can_see_with_exact_counts(raw_faulty, faulty_report):
    report = faulty_report
    assert report.batches["plc_tag_events"] > 1 and report.batches["sublot_movements"] > 1
    failed = {f.check.id: f for f in report.failed}
    expected = _expected_failures(raw_faulty.manifest)
    for check_id, rows in expected.items():
        assert failed[check_id].unexpected == rows, check_id
    unknown_location = raw_faulty.manifest.faults["kinds"]["unknown_location"]["count"]
    location_checks = [f"sublot_movements.{c}_location_id.references" for c in ("from", "to")]
    assert sum(failed[c].unexpected for c in location_checks) == unknown_location
    # out-of-order events show as rows behind a larger id in the file
    assert failed["plc_tag_events.id.file_order"].unexpected > 0
    # and nothing else fails: repeated values, missing nils and over-quantities look valid row
    # by row; only the warehouse, replaying the events in order, can see them
    assert set(failed) == set(expected) | set(location_checks) | {"plc_tag_events.id.file_order"}
    assert all(f.severity == WARN for f in report.failed)
    assert report.exit_code == 0
    sample = failed["sublot_movements.material_sublot_id.references"].samples
    assert sample and all(isinstance(v, int) or hasattr(v, "item") for v in sample)


def test_faulty_summary_lines(faulty_report):
    lines = format_report(faulty_report, sample=2)
    line = next(x for x in lines if "sublot_movements  quantity.range" in x)
    head = "WARN   sublot_movements  quantity.range  (expect_column_values_to_be_between): "
    assert line.startswith(head)
    assert " rows fail; e.g. " in line
    assert len(line.split("e.g. ")[1].split(", ")) == 2  # --sample 2
    warnings = len(faulty_report.failed)
    assert lines[-1] == f"0 blocking checks failed, {warnings} warnings: passing (exit 0)"


# --- blocking failures -------------------------------------------------------------------------


def _broken_copy(raw_small, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(raw_small.path, raw)
    path = raw / "sublot_movements" / "part-00000.parquet"
    movements = pl.read_parquet(path)
    teleport = pl.col("id").is_in([1, 2])
    movements = movements.with_columns(
        movement_type=pl.when(teleport).then(pl.lit("teleport")).otherwise("movement_type"),
        recorded_by=pl.when(pl.col("id") == 3).then(None).otherwise("recorded_by"),
    )
    movements.write_parquet(path)
    _reseal(raw, "sublot_movements")
    return raw


def _reseal(raw, table):
    """Record the changed files' hash in the manifest, as a generator that wrote such data
    would: validate checks the folder against its manifest before it reads anything."""
    manifest = json.loads((raw / MANIFEST_NAME).read_text())
    digest = hashlib.sha256()
    for path in sorted((raw / table).glob("part-*.parquet")):
        digest.update(path.read_bytes())
    manifest["tables"][table]["sha256"] = digest.hexdigest()
    (raw / MANIFEST_NAME).write_text(json.dumps(manifest))


def test_a_blocking_failure_exits_1_with_a_line_per_failed_check(raw_small, tmp_path, capsys):
    raw = _broken_copy(raw_small, tmp_path)
    docs = tmp_path / "docs"
    argv = ["validate", "--raw", str(raw), "--docs", str(docs), "--tables", "sublot_movements"]
    assert cli.main([*argv, "--sample", "1"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Validated 1 tables, ")
    assert out[1:-3] == [
        "BLOCK  sublot_movements  recorded_by.not_null  (expect_column_values_to_not_be_null): "
        f"1 of {raw_small.manifest.tables['sublot_movements'].rows:,} rows fail; e.g. null",
        "BLOCK  sublot_movements  movement_type.in_set  (expect_column_values_to_be_in_set): "
        f"2 of {raw_small.manifest.tables['sublot_movements'].rows:,} rows fail; e.g. 'teleport'",
    ]
    assert out[-3] == f"Quality page (offline): {docs / 'quality.html'}"
    assert out[-2] == f"Data Docs (Great Expectations, need internet): {docs / 'index.html'}"
    assert out[-1] == "2 blocking checks failed, 0 warnings: failing (exit 1)"
    assert (docs / "index.html").is_file()


def test_wrong_columns_and_types_block(raw_small, tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(raw_small.path, raw)
    path = raw / "products" / "part-00000.parquet"
    products = pl.read_parquet(path).with_columns(pl.col("id").cast(pl.Int32), extra=pl.lit(1))
    products.drop("category").write_parquet(path)
    _reseal(raw, "products")
    argv = ["validate", "--raw", str(raw), "--docs", str(tmp_path / "docs"), "--tables", "products"]
    assert cli.main(argv) == 1
    out = capsys.readouterr().out
    assert "BLOCK  products  id.type  (expect_column_type_to_be): observed Int32" in out
    assert (
        "products  table.columns  (expect_table_columns_to_match_ordered_list): missing "
        "category; unexpected extra" in out
    )
    assert (
        "BLOCK  products  category.not_null  (expect_column_values_to_not_be_null): error: " in out
    )


# --- unusable input ----------------------------------------------------------------------------


def _no_manifest(raw_small, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(raw_small.path, raw)
    (raw / MANIFEST_NAME).unlink()
    return ["--raw", str(raw)]


def _bad_manifest(raw_small, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / MANIFEST_NAME).write_text(json.dumps({"hello": 1}))
    return ["--raw", str(raw)]


def _missing_table(raw_small, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(raw_small.path, raw)
    shutil.rmtree(raw / "orders")
    return ["--raw", str(raw)]


def _docs_is_a_file(raw_small, tmp_path):
    (tmp_path / "docs").write_text("x")
    return ["--raw", str(raw_small.path), "--docs", str(tmp_path / "docs")]


def _docs_is_someone_elses(raw_small, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.tex").write_text("precious")
    return ["--raw", str(raw_small.path), "--docs", str(tmp_path / "docs")]


BAD_INPUT = {
    "raw missing": (lambda r, t: ["--raw", str(t / "nope")], "does not exist"),
    "raw is a file": (lambda r, t: ["--raw", str(r.path / MANIFEST_NAME)], "is not a folder"),
    "no manifest": (_no_manifest, "has no _manifest.json"),
    "bad manifest": (_bad_manifest, "is not a plantledger manifest"),
    "missing table": (_missing_table, "has no parquet files for table orders"),
    "docs is a file": (_docs_is_a_file, "is an existing file"),
    "docs holds other files": (_docs_is_someone_elses, "choose a new or empty folder"),
    "sample zero": (lambda r, t: ["--raw", str(r.path), "--sample", "0"], "--sample must be"),
    "sample text": (lambda r, t: ["--raw", str(r.path), "--sample", "x"], "--sample must be"),
    "batch rows": (lambda r, t: ["--raw", str(r.path), "--batch-rows", "-5"], "--batch-rows"),
    "tables": (lambda r, t: ["--raw", str(r.path), "--tables", "bogus"], "unknown table 'bogus'"),
    "unknown option": (lambda r, t: ["--fast"], "unrecognized arguments: --fast"),
}


@pytest.mark.parametrize("make_argv, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_line_exit_2(raw_small, tmp_path, capsys, make_argv, message):
    argv = make_argv(raw_small, tmp_path)
    if "--docs" not in argv:
        argv += ["--docs", str(tmp_path / "docs")]

    def written() -> list[str]:  # the raw folder's lock file beside it is not an output
        return sorted(p.name for p in tmp_path.rglob("*") if p.suffix != ".lock")

    before = written()
    assert cli.main(["validate", *argv]) == 2
    assert message in _one_error_line(capsys)
    assert written() == before  # nothing written


def test_work_center_codes_past_99_per_type_pass_the_gate():
    """The generator numbers work centers per type with at least two digits (WC-ASM-100 from
    scale 3 on): the gate's format accepts them and still rejects a one-digit number."""
    import re

    from plantledger.quality.checks import FORMATS

    pattern = FORMATS[("work_centers", "wc_code")]
    assert re.fullmatch(pattern, "WC-ASM-100") and re.fullmatch(pattern, "WC-TEST-07")
    assert not re.fullmatch(pattern, "WC-ASM-1")
