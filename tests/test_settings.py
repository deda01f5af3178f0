"""One home for the environment variables and default paths (issue 16): plantledger/settings.py.
The dbt side (profiles.yml, the sources YAML, macros) reads the same variables with the same
defaults, and no other Python module spells a variable's name or a default path on its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from plantledger import settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = {
    settings.RAW_ENV: settings.DEFAULT_RAW,
    settings.DUCKDB_ENV: settings.DEFAULT_WAREHOUSE,
    settings.DUCKDB_MEMORY_LIMIT_ENV: settings.DEFAULT_DUCKDB_MEMORY_LIMIT,
    settings.SPARK_MASTER_ENV: settings.DEFAULT_SPARK_MASTER,
    settings.SPARK_WAREHOUSE_ENV: settings.DEFAULT_SPARK_WAREHOUSE,
    settings.SPARK_DRIVER_MEMORY_ENV: settings.DEFAULT_SPARK_DRIVER_MEMORY,
    settings.SPARK_SHUFFLE_PARTITIONS_ENV: settings.DEFAULT_SPARK_SHUFFLE_PARTITIONS,
}
ENV_VAR = re.compile(r"env_var\(\s*'(PLANTLEDGER_\w+)'\s*,\s*'([^']*)'\s*\)")


def dbt_files() -> list[Path]:
    return [
        ROOT / "profiles.yml",
        ROOT / "dbt_project.yml",
        *sorted((ROOT / "models").rglob("*.yml")),
        *sorted((ROOT / "macros").rglob("*.sql")),
        *sorted((ROOT / "models").rglob("*.sql")),
    ]


def test_dbt_reads_the_same_variables_with_the_same_defaults():
    found: dict[str, set[str]] = {}
    for path in dbt_files():
        for name, default in ENV_VAR.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(default)
    assert found == {name: {default} for name, default in DEFAULTS.items()}


def test_no_other_module_spells_a_variable_or_a_default_path():
    """String constants in code equal to a variable's name or a default (docstrings and help
    texts that mention them inside a sentence are not constants equal to them)."""
    values = set(DEFAULTS) | set(DEFAULTS.values()) | {settings.DEFAULT_DATA_DOCS}
    spelled = []
    for path in sorted((ROOT / "plantledger").rglob("*.py")):
        if path.name == "settings.py" and path.parent.name == "plantledger":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in values:
                spelled.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
            if isinstance(node, ast.keyword) and node.arg in values:
                spelled.append(f"{path.relative_to(ROOT)}:{node.value.lineno} {node.arg}=")
    assert spelled == []


def test_environment_overrides_the_defaults(monkeypatch, tmp_path):
    monkeypatch.delenv(settings.RAW_ENV, raising=False)
    monkeypatch.delenv(settings.DUCKDB_ENV, raising=False)
    assert settings.raw_folder() == Path("data/raw")
    assert settings.warehouse_file() == "warehouse/plantledger.duckdb"
    monkeypatch.setenv(settings.RAW_ENV, str(tmp_path / "raw"))
    monkeypatch.setenv(settings.DUCKDB_ENV, str(tmp_path / "w.duckdb"))
    assert settings.raw_folder() == tmp_path / "raw"
    assert settings.warehouse_file() == str(tmp_path / "w.duckdb")
    env = settings.dbt_environment(Path("r"), Path("w/x.duckdb"), EXTRA="1")
    assert env["PLANTLEDGER_RAW"] == str(Path("r").resolve())
    assert env["PLANTLEDGER_DUCKDB"] == str(Path("w/x.duckdb").resolve())
    assert env["EXTRA"] == "1"
