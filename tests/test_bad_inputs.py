"""A sweep of bad inputs per command (issue 17, finding 7): each ends in exactly one
``plantledger: error:`` line and exit code 2, never a traceback, and before any work starts;
dates are bounded to what the warehouse calendar and the data can hold; empty options are
refused rather than read as "everything"."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from plantledger import cli, generate, params
from plantledger.params import ParameterError, parse_end_date
from plantledger.timephrase import PhraseError, parse_moment, parse_week
from tests.cli_output import one_error_line

ROOT = Path(__file__).resolve().parents[1]
BIG = "1" + "0" * 30
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def no_generation(monkeypatch):
    def forbidden(params):
        raise AssertionError("the generator was started despite bad input")
        yield  # pragma: no cover

    monkeypatch.setattr(generate, "generate_pieces", forbidden)


# --- generate ----------------------------------------------------------------------------------

GENERATE = {
    "end date year 1": (["--end-date", "0001-01-01"], "outside the warehouse calendar"),
    "end date year 9999": (["--end-date", "9999-12-31"], "outside the warehouse calendar"),
    "end date 1970 (dim_date fails)": (["--end-date", "1970-01-01"], "use a date from"),
    "end date a day too early": (["--end-date", "2021-12-29"], "from 2021-12-30 to 2030-12-31"),
    "end date a day too late": (["--end-date", "2031-01-01"], "from 2021-12-30 to 2030-12-31"),
    "end date basic format": (["--end-date", "20261121"], "YYYY-MM-DD"),
    "end date iso week": (["--end-date", "2026-W47-1"], "YYYY-MM-DD"),
    "end date empty": (["--end-date", ""], "--end-date is empty"),
    "scale superscript": (["--scale", "²"], "--scale must be a number"),
    "scale overflow": (["--scale", "1e400"], "--scale must be a number"),
    "scale empty": (["--scale", ""], "--scale is empty"),
    "seed superscript": (["--seed", "²"], "--seed must be"),
    "seed 5000 digits": (["--seed", "9" * 5000], "--seed must be"),
    "faults empty": (["--faults", ""], "--faults is empty"),
    "out glob": (["--out", "data/ra*w"], "holds '*'"),
    "out brackets": (["--out", "data/[raw]"], "holds '[' ']'"),
    "out braces": (["--out", "data/{name}"], "holds '{' '}'"),
    "out newline": (["--out", "data/a\nb"], "holds '\\n'"),
    "out empty": (["--out", ""], "--out is empty"),
    "append superscript": (["--append-days", "²"], "--append-days"),
    "append huge": (["--append-days", BIG], "--append-days"),
    "append empty": (["--append-days", ""], "--append-days is empty"),
}


@pytest.mark.parametrize("argv", GENERATE.values(), ids=GENERATE.keys())
def test_bad_generate_input(tmp_path, capsys, no_generation, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    args, message = argv
    out = [] if "--out" in args else ["--out", str(tmp_path / "raw")]
    assert cli.main(["generate", "--quiet", *out, *args]) == 2
    assert message in one_error_line(capsys)
    assert not (tmp_path / "raw").exists()


def test_end_date_bounds_match_dim_date_vars():
    """params' calendar is dbt_project.yml's: the bounds of generate follow dim_date."""
    dbt_vars = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]
    assert dt.date.fromisoformat(dbt_vars["dim_date_start"]) == params.DIM_DATE_START
    assert dt.date.fromisoformat(dbt_vars["dim_date_end"]) == params.DIM_DATE_END
    first = parse_end_date(params.EARLIEST_END_DATE.isoformat())
    assert first - dt.timedelta(days=params.HISTORY_DAYS - 1) == params.DIM_DATE_START
    last = parse_end_date(params.LATEST_END_DATE.isoformat())
    assert last + dt.timedelta(days=params.PLANNED_DAYS_AFTER_END) < params.DIM_DATE_END
    for outside in (first - dt.timedelta(days=1), last + dt.timedelta(days=1)):
        with pytest.raises(ParameterError, match="outside the warehouse calendar"):
            parse_end_date(outside.isoformat())


def test_generate_disk_full_is_one_line(tmp_path, capsys, monkeypatch, fake_pieces):
    """polars reports a full disk while writing parquet as a ComputeError (seen on a 200 KB
    tmpfs); either kind of failure at the write point ends in one line, nothing left behind."""
    import errno

    import polars as pl

    monkeypatch.setattr(generate, "generate_pieces", lambda p: fake_pieces(rows=4))
    for failure in (
        OSError(errno.ENOSPC, "No space left on device"),
        pl.exceptions.ComputeError("parquet: File out of specification: Invalid thrift"),
    ):

        def full(self, *args, _failure=failure, **kwargs):
            raise _failure

        monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
        out = tmp_path / "raw"
        assert cli.main(["generate", "--quiet", "--out", str(out)]) == 2
        line = one_error_line(capsys)
        assert f"writing to --out {out} failed" in line and "free space" in line
        # nothing but the folder's lock file (plantledger/rawlock.py), which stays beside it
        assert [path for path in tmp_path.iterdir() if path.suffix != ".lock"] == []


# --- report: dates, limits, empty filters --------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "0001-01-01",
        "9999-12-31",
        "1000000 days ago",
        f"{BIG} days ago",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:00-12:00",
        "1899-12-31",
        "3000-01-01",
    ],
)
def test_phrases_outside_the_calendar_are_refused(phrase):
    with pytest.raises(PhraseError):
        parse_moment(phrase, TODAY)


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "9999-12-31", "1899-W52"])
def test_weeks_outside_the_calendar_are_refused(week):
    with pytest.raises(PhraseError):
        parse_week(week, TODAY)


@pytest.mark.parametrize("today", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_relative_phrases_never_overflow(today):
    for phrase in ("yesterday", "this sunday", "last monday", "5 days ago"):
        with pytest.raises(PhraseError):
            parse_moment(phrase, today)


@pytest.fixture(scope="module")
def wh(warehouse_small) -> str:
    return str(warehouse_small.duckdb)


REPORT = {
    "as-of year 1": (["inventory", "--as-of", "0001-01-01"], "outside the dates understood"),
    "as-of year 9999": (["inventory", "--as-of", "9999-12-31"], "outside the dates understood"),
    "as-of a million days ago": (["inventory", "--as-of", "1000000 days ago"], "outside the dates"),
    "as-of 1e30 days ago": (["inventory", "--as-of", f"{BIG} days ago"], "cannot read"),
    "as-of year 1 +14:00": (
        ["inventory", "--as-of", "0001-01-01T00:00:00+14:00"],
        "outside the dates understood",
    ),
    "as-of empty": (["inventory", "--as-of", ""], "--as-of is empty"),
    "today year 1": (["inventory", "--as-of", "yesterday", "--today", "0001-01-01"], "--today"),
    "today year 9999": (
        ["inventory", "--as-of", "this sunday", "--today", "9999-12-31"],
        "--today",
    ),
    "today empty": (["inventory", "--as-of", "yesterday", "--today", ""], "--today is empty"),
    "tz empty": (["inventory", "--as-of", "2026-11-13", "--tz", ""], "--tz is empty"),
    "facility empty": (["inventory", "--as-of", "2026-11-13", "--facility", ""], "--facility is"),
    "location empty": (["inventory", "--as-of", "2026-11-13", "--location", ""], "--location is"),
    "material empty": (["inventory", "--as-of", "2026-11-13", "--material", ""], "--material is"),
    "limit 1e30": (["inventory", "--as-of", "2026-11-13", "--limit", BIG], "--limit must be"),
    "limit superscript": (["inventory", "--as-of", "2026-11-13", "--limit", "²"], "--limit must"),
    "limit arabic digits": (["inventory", "--as-of", "2026-11-13", "--limit", "٣"], "--limit must"),
    "warehouse empty": (["inventory", "--as-of", "2026-11-13", "--warehouse", ""], "--warehouse"),
    "week 9999-W52": (["arrivals", "--week", "9999-W52"], "outside the dates understood"),
    "week 0001-W01": (["arrivals", "--week", "0001-W01"], "outside the dates understood"),
    "week empty": (["arrivals", "--week", ""], "--week is empty"),
    "on year 1": (["arrivals", "--on", "0001-01-01"], "outside the dates understood"),
    "on year 9999": (["moves", "--on", "9999-12-31"], "outside the dates understood"),
    "from year 1 to 9999": (
        ["arrivals", "--from", "0001-01-01", "--to", "9999-12-31"],
        "outside the dates understood",
    ),
    "to empty": (["arrivals", "--from", "2026-11-01", "--to", ""], "--to is empty"),
    "moves facility empty": (["moves", "--on", "2026-11-13", "--facility", ""], "--facility is"),
    "dwell from year 1": (["dwell", "--from", "0001-01-01"], "outside the dates understood"),
    "dwell week 9999": (["dwell", "--week", "9999-W52"], "outside the dates understood"),
    "trace forward empty": (["trace", "--forward", ""], "--forward is empty"),
}


@pytest.mark.parametrize("argv", REPORT.values(), ids=REPORT.keys())
def test_bad_report_input(capsys, wh, argv):
    args, message = argv
    extra = [] if "--warehouse" in args else ["--warehouse", wh]
    if "--today" not in args and args[0] != "trace":
        extra += ["--today", TODAY.isoformat()]
    assert cli.main(["report", *args, *extra]) == 2
    assert message in one_error_line(capsys)


def test_an_empty_facility_no_longer_answers_for_the_whole_company(capsys, wh):
    argv = ["report", "inventory", "--as-of", "2026-11-13", "--warehouse", wh, "--format", "csv"]
    assert cli.main(argv) == 0
    capsys.readouterr()
    assert cli.main([*argv, "--facility", ""]) == 2
    assert "--facility is empty" in one_error_line(capsys)


# --- validate and bench --------------------------------------------------------------------------


@pytest.fixture
def no_validation(monkeypatch):
    from plantledger.quality import validate

    def forbidden(*args, **kwargs):
        raise AssertionError("validation started despite bad input")

    monkeypatch.setattr(validate, "_run", forbidden)


VALIDATE = {
    "sample superscript": (["--sample", "²"], "--sample must be"),
    "sample 1e30": (["--sample", BIG], "--sample must be"),
    "batch rows 1e30": (["--batch-rows", BIG], "--batch-rows must be"),
    "tables empty": (["--tables", ""], "--tables is empty"),
    "raw empty": (["--raw", ""], "--raw is empty"),
    "raw glob": (["--raw", "data/r*w"], "holds '*'"),
    "docs empty": (["--docs", ""], "--docs is empty"),
}


@pytest.mark.parametrize("argv", VALIDATE.values(), ids=VALIDATE.keys())
def test_bad_validate_input(tmp_path, capsys, raw_small, no_validation, argv):
    args, message = argv
    base = {"--raw": str(raw_small.path), "--docs": str(tmp_path / "docs")}
    for option, value in base.items():
        if option not in args:
            args = [*args, option, value]
    assert cli.main(["validate", *args]) == 2
    assert message in one_error_line(capsys)


@pytest.mark.parametrize(
    "end_date", ["9999-12-31", "1970-01-01", "20261121", "2026-11-21' || error('x') || '"]
)
def test_validate_refuses_a_manifest_end_date_dbt_would_refuse(
    tmp_path, capsys, raw_small, no_validation, end_date
):
    import json

    raw = tmp_path / "raw"
    shutil.copytree(raw_small.path, raw)
    manifest = json.loads((raw / "_manifest.json").read_text())
    manifest["parameters"]["end_date"] = end_date
    (raw / "_manifest.json").write_text(json.dumps(manifest))
    argv = ["validate", "--raw", str(raw), "--docs", str(tmp_path / "docs")]
    assert cli.main(argv) == 2
    assert "parameters.end_date" in one_error_line(capsys)


def test_a_truncated_parquet_file_is_bad_input_not_a_failed_check(
    tmp_path, capsys, raw_small, no_validation
):
    raw = tmp_path / "raw"
    shutil.copytree(raw_small.path, raw)
    victim = sorted((raw / "work_orders").glob("*.parquet"))[0]
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    # the manifest vouches for the truncated bytes (a writer that wrote them so): the manifest
    # check passes, and the parquet footer check must catch the file (tests/test_raw_contract.py
    # covers a truncated file the manifest does not vouch for)
    manifest = json.loads((raw / "_manifest.json").read_text())
    digest = hashlib.sha256()
    for path in sorted((raw / "work_orders").glob("part-*.parquet")):
        digest.update(path.read_bytes())
    manifest["tables"]["work_orders"]["sha256"] = digest.hexdigest()
    (raw / "_manifest.json").write_text(json.dumps(manifest))
    assert cli.main(["validate", "--raw", str(raw), "--docs", str(tmp_path / "docs")]) == 2
    line = one_error_line(capsys)
    assert str(victim) in line and "not a readable parquet file" in line


BENCH = {
    "repeat superscript": (["--repeat", "²"], "--repeat must be"),
    "repeat 1e30": (["--repeat", BIG], "--repeat must be"),
    "end date year 1": (["--end-date", "0001-01-01"], "outside the warehouse calendar"),
    "markdown empty": (["--markdown", ""], "--markdown is empty"),
    "scales empty": (["--scales", ""], "--scales has an empty value"),
    "update-readme empty": (["--update-readme", ""], "--update-readme is empty"),
}


@pytest.mark.parametrize("argv", BENCH.values(), ids=BENCH.keys())
def test_bad_bench_input_before_any_run(capsys, monkeypatch, argv):
    from plantledger.bench import command as bench

    def forbidden(*args, **kwargs):
        raise AssertionError("the benchmark ran despite bad input")

    monkeypatch.setattr(bench, "run_bench", forbidden)
    args, message = argv
    assert cli.main(["bench", "--scales", "0.01", "--quiet", *args]) == 2
    assert message in one_error_line(capsys)


def test_an_append_past_the_calendar_is_refused_before_writing(tmp_path, capsys, raw_small):
    import json

    from tests.conftest import tree_snapshot

    raw = tmp_path / "raw"
    shutil.copytree(raw_small.path, raw)
    manifest = json.loads((raw / "_manifest.json").read_text())
    manifest["parameters"]["end_date"] = "2030-12-25"
    (raw / "_manifest.json").write_text(json.dumps(manifest))
    before = tree_snapshot(raw)
    assert cli.main(["generate", "--quiet", "--out", str(raw), "--append-days", "7"]) == 2
    assert "would end the history on 2031-01-01" in one_error_line(capsys)
    assert tree_snapshot(raw) == before
