"""The benchmark harness: options, sections registry, report, and one real small run."""

from __future__ import annotations

import datetime as dt

import pytest

from plantledger import cli
from plantledger.bench import command, config, generation, report, timing
from plantledger.bench.sections import SECTIONS
from plantledger.params import ParameterError


def test_parse_scales_accepts_commas_and_spaces():
    assert command.parse_scales(["0.1,1", "10"]) == (0.1, 1.0, 10.0)
    assert command.parse_scales(["1,1,0.5"]) == (1.0, 0.5)
    with pytest.raises(ParameterError, match="--scale must be greater than 0"):
        command.parse_scales(["0.1,0"])
    with pytest.raises(ParameterError):
        command.parse_scales([","])


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5"])
def test_parse_repeat_rejects_bad_values(text):
    with pytest.raises(ParameterError, match="--repeat"):
        command.parse_repeat(text)


def test_default_repeats_depend_on_scale():
    defaults = config.BenchConfig()
    assert [defaults.repeats_for(s) for s in (0.1, 1, 9.9, 10, 100)] == [3, 3, 3, 1, 1]
    assert config.BenchConfig(repeat=2).repeats_for(10) == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--scales", "0"], "--scale must be greater than 0"),
        (["--repeat", "0"], "--repeat must be a whole number"),
        (["--sections", "nope"], "unknown benchmark section(s) nope"),
        (["--seed", "-3"], "--seed must be a non-negative integer"),
        (["--end-date", "soon"], "--end-date must be a date"),
    ],
)
def test_bad_bench_input_is_one_line_exit_2(capsys, argv, message):
    assert cli.main(["bench", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [captured.err.strip()]
    assert captured.err.startswith("plantledger: error: ")
    assert message in captured.err


def test_sections_run_in_order_and_share_state(tmp_path):
    calls = []

    def first(config, state):
        state.rows[1.0] = 123
        calls.append("first")
        return "one"

    def second(config, state):
        calls.append(("second", state.rows[1.0]))
        return "two"

    sections = config.registry(
        [config.Section("first", "First", first), config.Section("second", "Second", second)]
    )
    assert list(sections) == ["first", "second"]
    with pytest.raises(ValueError, match="registered twice"):
        config.registry([sections["first"], config.Section("first", "Again", second)])

    run_config = config.BenchConfig(workdir=tmp_path)
    body = report.run_bench(run_config, list(sections.values()), heading_level=3)
    assert calls == ["first", ("second", 123)]
    assert body.index("### First\n\none") < body.index("### Second\n\ntwo")
    assert body.startswith("Machine: ")


def test_every_section_is_registered_once_in_report_order():
    assert list(SECTIONS) == [
        "generate", "dbt", "incremental", "point_in_time", "traceability", "sweep",
    ]  # fmt: skip
    assert all(name == section.name for name, section in SECTIONS.items())


def test_markdown_table():
    assert config.markdown_table(["a", "b"], [["1", "2"]]) == "| a | b |\n|---:|---:|\n| 1 | 2 |"


def test_update_readme_replaces_only_the_marked_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "# X\n\n## Benchmarks\n<!-- bench:start -->\nold figures\n<!-- bench:end -->\n\n## After\n"
    )
    report.update_readme(readme, "new figures\n")
    assert readme.read_text() == (
        "# X\n\n## Benchmarks\n<!-- bench:start -->\nnew figures\n<!-- bench:end -->\n\n## After\n"
    )
    (tmp_path / "plain.md").write_text("no markers")
    with pytest.raises(ParameterError, match="no <!-- bench:start -->"):
        report.update_readme(tmp_path / "plain.md", "x")


def test_readme_has_the_benchmark_block():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert text.count(report.README_START) == 1
    assert text.count(report.README_END) == 1


# --- with the real generator ----------------------------------------------------------------


def test_child_run_measures_one_generation(tmp_path, raw_small):
    params = raw_small.params
    result = timing.run_generation(params.scale, params.seed, params.end_date, tmp_path / "raw")
    assert result.rows == raw_small.manifest.total_rows
    assert result.seconds > 0
    assert result.max_rss_bytes > 50 * 2**20  # a Python process with polars loaded


def test_bench_command_prints_a_markdown_table(tmp_path, capsys, raw_small):
    markdown = tmp_path / "bench.md"
    argv = ["bench", "--scales", "0.01", "--repeat", "2", "--seed", "7", "--quiet"]
    argv += ["--sections", "generate"]  # the dbt section: tests/test_bench_warehouse.py
    argv += ["--end-date", dt.date(2026, 11, 21).isoformat(), "--markdown", str(markdown)]
    assert cli.main([*argv, "--workdir", str(tmp_path / "work")]) == 0
    out = capsys.readouterr().out
    assert "| scale | rows | runs | median wall s | rows/s | peak RSS MiB |" in out
    assert f"| 0.01 | {raw_small.manifest.total_rows:,} | 2 |" in out
    assert markdown.read_text().endswith(out)
    assert (tmp_path / "work" / "scale-0.01" / "raw" / "_manifest.json").is_file()


def test_generation_section_reports_median_and_peak(tmp_path, monkeypatch):
    results = iter(
        [
            timing.RunResult(rows=1000, seconds=s, max_rss_bytes=m * 2**20)
            for s, m in [(3.0, 200), (1.0, 300), (2.0, 250), (40.0, 900)]
        ]
    )
    calls = []

    def fake_run(scale, seed, end_date, out):
        calls.append((scale, seed, end_date, out))
        return next(results)

    monkeypatch.setattr(generation, "run_generation", fake_run)
    run_config = config.BenchConfig(scales=(0.5, 10.0), seed=9, workdir=tmp_path)
    state = config.BenchState()
    body = SECTIONS["generate"].run(run_config, state)
    assert [c[0] for c in calls] == [0.5, 0.5, 0.5, 10.0]
    assert calls[0][1:] == (9, config.DEFAULT_END_DATE, tmp_path / "scale-0.5" / "raw")
    assert "| 0.5 | 1,000 | 3 | 2.00 | 500 | 300 |" in body
    assert "| 10 | 1,000 | 1 | 40.00 | 25 | 900 |" in body
    assert state.raw == {0.5: tmp_path / "scale-0.5" / "raw", 10.0: tmp_path / "scale-10" / "raw"}


FAKE_GENERATOR = """
import sys, types
import polars as pl
from plantledger.schema import RAW_SCHEMAS

def generate_tables(params):
    rows = int(1000 * params.scale)
    for table, schema in RAW_SCHEMAS.items():
        yield table, pl.DataFrame(
            [pl.Series(c, [None] * rows, dtype=t) for c, t in schema.items()]
        )

fake = types.ModuleType("plantledger.generator")
fake.generate_tables = generate_tables
sys.modules["plantledger.generator"] = fake
"""


def test_bench_end_to_end_with_a_fake_generator(tmp_path, monkeypatch, capsys):
    """Child processes, measurement and report, with a generator injected via sitecustomize."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(FAKE_GENERATOR)
    monkeypatch.setenv("PYTHONPATH", str(site))
    readme = tmp_path / "README.md"
    readme.write_text("# R\n<!-- bench:start -->\nplaceholder\n<!-- bench:end -->\n")
    argv = ["bench", "--scales", "0.5,2", "--repeat", "2", "--update-readme", str(readme)]
    argv += ["--sections", "generate"]  # dbt cannot build from the fake generator's nulls
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    assert "| 0.5 | 13,500 | 2 |" in captured.out
    assert "| 2 | 54,000 | 2 |" in captured.out
    assert captured.err.count("bench: generate scale") == 4
    assert "placeholder" not in readme.read_text()
    assert captured.out in readme.read_text()
