"""``plantledger generate --shard I/N`` and ``--combine``: N shards make one data set.

A real sharded generation needs a scale above SHARD_SCALE (1): scale 2 has 2 plan shards and
takes about 55 s for one single run on the shared 2-core machine, too slow to repeat here for
N = 2 and 3. So the tests shrink SHARD_SCALE (the volume per plan shard) to SCALE / 4: the plan
of scale 0.05 then has 3 plan shards (its 4 factories, the two with the named products in one),
split 2 + 1 (N = 2) and 1 + 1 + 1 (N = 3); everything else is the production code path (the
CLI, in-process). The README records the scale-2 check
with the real SHARD_SCALE (combined folder byte-identical to a single run).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import plantledger
from plantledger import cli
from plantledger.generator import sharding
from plantledger.generator.operations import SHARDED_TABLES
from plantledger.rawfolder import MANIFEST_NAME, Manifest
from plantledger.schema import TABLES
from tests.cli_output import one_error_line

SCALE = 0.05
SEED = 11
END = dt.date(2025, 6, 30)
PLAN_SHARDS = 3
PARAMS = ["--scale", str(SCALE), "--seed", str(SEED), "--end-date", END.isoformat(), "--quiet"]


@pytest.fixture(scope="module", autouse=True)
def small_plan_shards() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sharding, "SHARD_SCALE", SCALE / 4)
        yield


def _generate(out: Path, *extra: str) -> int:
    return cli.main(["generate", *PARAMS, "--out", str(out), *extra])


def _combine(out: Path, *shards: Path) -> int:
    return cli.main(["generate", "--quiet", "--out", str(out), "--combine", *map(str, shards)])


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shards")


@pytest.fixture(scope="module")
def single(work: Path) -> Path:
    out = work / "single"
    assert _generate(out) == 0
    return out


@pytest.fixture(scope="module")
def shard_sets(work: Path) -> dict[int, list[Path]]:
    sets: dict[int, list[Path]] = {}
    for n in (2, 3):
        sets[n] = [work / f"shard-{i}-of-{n}" for i in range(n)]
        for i, folder in enumerate(sets[n]):
            assert _generate(folder, "--shard", f"{i}/{n}") == 0
    return sets


@pytest.fixture(scope="module")
def combined(work: Path, shard_sets: dict[int, list[Path]]) -> dict[int, Path]:
    out = {n: work / f"combined-{n}" for n in shard_sets}
    for n, folders in shard_sets.items():
        assert _combine(out[n], *folders) == 0
    return out


def _read(folder: Path, table: str, files: list[Path] | None = None) -> pl.DataFrame:
    paths = files if files is not None else sorted((folder / table).glob("part-*.parquet"))
    return pl.concat([pl.read_parquet(path) for path in paths])


def _canonical(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def _union(shards: list[Path], table: str) -> pl.DataFrame:
    return pl.concat([_read(folder, table) for folder in shards])


def test_plan_has_several_shards(shard_sets: dict[int, list[Path]]) -> None:
    for n, expected in ((2, [[0, 2], [1]]), (3, [[0], [1], [2]])):
        sections = [Manifest.load(folder).shard for folder in shard_sets[n]]
        assert [s["plan_shards"] for s in sections if s] == expected
        assert all(s and s["plan_shard_count"] == PLAN_SHARDS for s in sections)


@pytest.mark.parametrize("n", [2, 3])
def test_union_of_shards_is_the_single_run(
    n: int, single: Path, shard_sets: dict[int, list[Path]]
) -> None:
    """Without combining: the shards' rows of every sharded table, put together, are the
    single run's rows (ids included), and no row is in two shards."""
    for table in SHARDED_TABLES:
        union = _union(shard_sets[n], table)
        assert_frame_equal(_canonical(union), _canonical(_read(single, table)))
        key = ["order_id", "line_number"] if table == "order_items" else ["id"]
        assert union.select(key).is_unique().all(), table


@pytest.mark.parametrize("n", [2, 3])
def test_combined_folder_equals_single_run(n: int, single: Path, combined: dict[int, Path]) -> None:
    """Every table row-identical after a canonical sort, and in fact byte-identical: the same
    manifest (each table's sha256 over its part files) and the same files."""
    for table in TABLES:
        assert_frame_equal(
            _canonical(_read(combined[n], table)),
            _canonical(_read(single, table)),
            check_exact=True,
        )
    assert (combined[n] / MANIFEST_NAME).read_bytes() == (single / MANIFEST_NAME).read_bytes()


def test_dropping_a_shard_fails_the_check(
    single: Path, shard_sets: dict[int, list[Path]], work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The comparison above notices a missing shard, and --combine refuses the short set."""
    partial = shard_sets[3][:2]
    with pytest.raises(AssertionError):
        assert_frame_equal(
            _canonical(_union(partial, "work_orders")), _canonical(_read(single, "work_orders"))
        )
    assert _combine(work / "short", *partial) == 2
    assert "shard 2/3 missing" in one_error_line(capsys)
    assert not (work / "short").exists()


def test_bad_shard_sets_are_refused(
    shard_sets: dict[int, list[Path]], single: Path, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two, three = shard_sets[2], shard_sets[3]
    out = work / "refused"
    cases = [
        ((two[0], two[0], two[1]), "given twice"),
        ((two[0], three[1], three[2]), "not of one generation"),
        ((single, *two), "not a shard"),
        ((work / "nowhere", *two), "not a folder"),
    ]
    for folders, message in cases:
        assert _combine(out, *folders) == 2
        assert message in one_error_line(capsys)
        assert not out.exists()
    # the output inside an input: refused before anything is written
    assert _combine(two[0] / "out", *two) == 2
    assert "apart from its inputs" in one_error_line(capsys)
    # a shard of another seed
    other = work / "other-seed"
    assert _generate(other, "--seed", "12", "--shard", "1/2") == 0
    assert _combine(out, two[0], other) == 2
    assert "not of one generation" in one_error_line(capsys)
    # ... whose manifest is made to claim this generation's parameters: its master data differs
    manifest = json.loads((other / MANIFEST_NAME).read_text())
    manifest["parameters"]["seed"] = SEED
    (other / MANIFEST_NAME).write_text(json.dumps(manifest))
    assert _combine(out, two[0], other) == 2
    assert "the master table suppliers of" in one_error_line(capsys)
    assert not out.exists()


def test_tampered_shard_is_refused(
    shard_sets: dict[int, list[Path]], work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = work / "tampered"
    shutil.copytree(shard_sets[2][1], copy)
    part = copy / "work_orders" / "part-00000.parquet"
    part.write_bytes(part.read_bytes()[:-10])
    assert _combine(work / "out-tampered", shard_sets[2][0], copy) == 2
    assert "do not match" in one_error_line(capsys)


def test_bad_shard_options_are_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        (["--shard", "3/3"], "index must be 0 to N-1"),
        (["--shard", "1of2"], "is not I/N"),
        (["--shard", "0/4"], f"has {PLAN_SHARDS} plan shard(s)"),
        (["--shard", "0/2", "--faults", "0.01"], "--faults"),
    ]
    for extra, message in cases:
        assert _generate(work / "bad-option", *extra) == 2
        assert message in one_error_line(capsys)
        assert not (work / "bad-option").exists()
    assert cli.main(["generate", "--combine", "x", "--seed", "1", "--out", str(work / "c")]) == 2
    assert "leave out --seed" in one_error_line(capsys)


def test_shard_folder_is_not_a_data_set(
    shard_sets: dict[int, list[Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = shard_sets[2][0]
    assert cli.main(["validate", "--raw", str(folder)]) == 2
    assert "shard 0/2 of a sharded generation" in one_error_line(capsys)
    assert cli.main(["generate", "--out", str(folder), "--append-days", "1", "--quiet"]) == 2
    assert "shard 0/2 of a sharded generation" in one_error_line(capsys)


def test_append_on_combined_folder(single: Path, combined: dict[int, Path], work: Path) -> None:
    """An append continues a combined folder exactly as it continues the single run."""
    results = []
    for name, source in (("single", single), ("combined", combined[3])):
        folder = work / f"append-{name}"
        shutil.copytree(source, folder)
        assert cli.main(["generate", "--out", str(folder), "--append-days", "2", "--quiet"]) == 0
        results.append(json.loads((folder / MANIFEST_NAME).read_text()))
    assert results[0] == results[1]
    assert results[1]["loads"][-1]["load_id"] == 1


def test_plc_feed_stays_in_id_order(combined: dict[int, Path]) -> None:
    """PLC events are a feed: over the part files in order, ids ascend (validate's file_order
    check), although each plan shard numbers its own (blocks, not interleaved ids)."""
    ids = _read(combined[3], "plc_tag_events")["id"]
    assert len(list((combined[3] / "plc_tag_events").glob("part-*.parquet"))) == PLAN_SHARDS
    assert ids.is_sorted() and ids.n_unique() == ids.len()


def test_shards_of_another_generator_version_are_refused(
    shard_sets: dict[int, list[Path]],
    work: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The combining generator builds the inventory summary: it must be the shards' version."""
    monkeypatch.setattr(plantledger, "__version__", "0.0.0-other")
    assert _combine(work / "other-version", *shard_sets[2]) == 2
    assert "written by generator" in one_error_line(capsys)
    assert not (work / "other-version").exists()
