"""The seeds are the one home of the value sets: the quality gate (``plantledger validate``) and
the dbt tests (relationships rules of ``column_rules`` to ``value_sets``) both read them, so an
edit of the seed changes both verdicts at once.

One raw folder holds a customer type no seed knows ('government'); two edited copies of the dbt
project judge it: one whose seed adds 'government', one whose seed lacks 'retail' (a type the
data holds). Each verdict is the set of values the gate and dbt name as failing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path
from typing import NamedTuple

import duckdb
import polars as pl
import pytest

from plantledger.quality import vocabularies
from plantledger.quality.validate import validate
from plantledger.quality.vocabularies import RAW_VOCABULARIES, raw_value_set
from plantledger.rawfolder import MANIFEST_NAME
from tests.dbt_runner import REPO, dbt_build

NEW_VALUE = "government"  # a customer type the repo's seed does not hold
DROPPED_VALUE = "retail"  # a customer type the generated data holds
PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "dbt_plugins", "models", "macros", "seeds")
PROJECT_PARTS += ("data_tests", "analyses")
# the seed, the customers' staging view and what its column_rules test reads (int_load_window)
SELECTION = ("value_sets", "stg_plantledger__customers", "+int_load_window")
DBT_TEST = "column_rules_stg_plantledger__customers"


class Verdict(NamedTuple):
    gate: set[str]  # the customer_type values the gate's in_set check names as failing
    dbt: set[str]  # the customer_type values dbt's column_rules test names as failing


def _reseal(raw: Path, table: str) -> None:
    """Record the changed files' sha256 in the manifest, as the generator would have."""
    manifest = json.loads((raw / MANIFEST_NAME).read_text())
    digest = hashlib.sha256()
    for path in sorted((raw / table).glob("part-*.parquet")):
        digest.update(path.read_bytes())
    manifest["tables"][table]["sha256"] = digest.hexdigest()
    (raw / MANIFEST_NAME).write_text(json.dumps(manifest))


def _project_copy(folder: Path, add: list[str], drop: list[str]) -> Path:
    """The dbt project copied to ``folder`` with customer types added to / dropped from its
    value_sets seed."""
    folder.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / part)
    seed = folder / "seeds" / vocabularies.VALUE_SETS_SEED
    with seed.open(newline="", encoding="utf-8") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if not (row["vocabulary"] == "customer_type" and row["value"] in drop)
        ]
    rows += [{"vocabulary": "customer_type", "value": value} for value in add]
    with seed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["vocabulary", "value"])
        writer.writeheader()
        writer.writerows(rows)
    return folder


def _verdict(raw: Path, project: Path, work: Path, monkeypatch: pytest.MonkeyPatch) -> Verdict:
    monkeypatch.setattr(vocabularies, "SEEDS_DIR", project / "seeds")
    report = validate(raw, work / "docs", sample=1000, tables=["customers"])
    finding = report.finding("customers.customer_type.in_set")
    gate = {str(value) for value in finding.samples}
    run = dbt_build(
        raw, work / "dbt", "--select", *SELECTION, "--indirect-selection", "buildable",
        project=project,
    )  # fmt: skip
    statuses = run.statuses()
    assert statuses.get("stg_plantledger__customers") == "success", run.tail()
    assert statuses.get(DBT_TEST) in ("pass", "fail"), run.tail()
    with duckdb.connect(str(run.duckdb), read_only=True) as con:
        # a generic test stores its rows only when it finds some (macros/materializations/
        # lean_test.sql): a passing one leaves no table
        stored = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'test_failures' and table_name = ?",
            [DBT_TEST],
        ).fetchone()
        assert stored is not None and (stored[0] == 1) == (statuses[DBT_TEST] == "fail")
        failing = (
            con.execute(
                f"select failing_value from test_failures.{DBT_TEST} where column_name = ?",
                ["customer_type"],
            ).fetchall()
            if stored[0]
            else []
        )
    return Verdict(gate, {str(value) for (value,) in failing})


@pytest.fixture(scope="module")
def verdicts(raw_small, tmp_path_factory) -> dict[str, Verdict]:
    """'added': the seed holds the new type too; 'dropped': it lacks a type the data holds."""
    work = tmp_path_factory.mktemp("vocabularies")
    raw = work / "raw"
    shutil.copytree(raw_small.path, raw)
    path = raw / "customers" / "part-00000.parquet"
    customers = pl.read_parquet(path)
    customers.with_columns(
        customer_type=pl.when(pl.col("id").is_in([1, 2])).then(pl.lit(NEW_VALUE))
        .otherwise("customer_type")
    ).write_parquet(path)  # fmt: skip
    _reseal(raw, "customers")
    assert DROPPED_VALUE in set(customers["customer_type"])
    variants = {"added": ([NEW_VALUE], []), "dropped": ([], [DROPPED_VALUE])}
    found = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, (add, drop) in variants.items():
            project = _project_copy(work / f"project_{name}", add, drop)
            found[name] = _verdict(raw, project, work / name, monkeypatch)
    return found


def test_a_value_added_to_the_seed_is_accepted_by_the_gate_and_dbt(verdicts):
    assert verdicts["added"] == Verdict(gate=set(), dbt=set())
    # the same data against a seed without it: both name the value
    assert NEW_VALUE in verdicts["dropped"].gate
    assert NEW_VALUE in verdicts["dropped"].dbt


def test_a_value_missing_from_the_seed_is_rejected_by_the_gate_and_dbt(verdicts):
    assert verdicts["dropped"] == Verdict(
        gate={NEW_VALUE, DROPPED_VALUE}, dbt={NEW_VALUE, DROPPED_VALUE}
    )


def test_every_raw_column_has_a_value_set_typed_as_its_contract():
    for (table, column), name in RAW_VOCABULARIES.items():
        values = raw_value_set(table, column)
        assert values and len(set(values)) == len(values), (table, column, name)
    assert raw_value_set("suppliers", "tier") == [1, 2, 3]
    assert "production" not in raw_value_set("storage_locations", "location_type")


def test_the_movement_codes_name_only_known_raw_values():
    """movement_types.source_value (the raw type a movement code stands for) holds values of
    the raw vocabulary of its source table, so the two seeds cannot drift apart."""
    column_of = {
        "material_transactions": ("material_transactions", "transaction_type"),
        "sublot_movements": ("sublot_movements", "movement_type"),
        "shipment_sublots": ("shipments", "shipment_type"),
    }
    with (vocabularies.SEEDS_DIR / "movement_types.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    named = {table: set() for table in column_of}
    for row in rows:
        if row["source_table"] in column_of:
            named[row["source_table"]].update(row["source_value"].split("|"))
    for table, key in column_of.items():
        assert named[table] == set(raw_value_set(*key)), table


def test_a_missing_seed_is_one_error_line(tmp_path, monkeypatch):
    monkeypatch.setattr(vocabularies, "SEEDS_DIR", tmp_path)
    with pytest.raises(vocabularies.ParameterError, match="cannot read the seed .*value_sets"):
        raw_value_set("orders", "status")
