"""data_description.md lists every model of the dbt project, by name, so the description of the
warehouse cannot fall behind the models that exist (add a line there with a new model)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def model_names() -> set[str]:
    return {path.stem for path in (ROOT / "models").rglob("*.sql")}


def listed_names(text: str) -> set[str]:
    """Every `name` written in backticks (a path prefix such as quarantine/ is dropped)."""
    return {name.rsplit("/", 1)[-1] for name in re.findall(r"`([A-Za-z0-9_/]+)`", text)}


def test_data_description_lists_every_model():
    listed = listed_names((ROOT / "data_description.md").read_text(encoding="utf-8"))
    missing = sorted(model_names() - listed)
    assert not missing, f"data_description.md does not list: {', '.join(missing)}"
    assert len(model_names()) > 80


def test_a_model_left_out_is_named():
    text = (ROOT / "data_description.md").read_text(encoding="utf-8")
    assert "`fact_sublot_dwell`" in text
    without = text.replace("`fact_sublot_dwell`", "fact sublot dwell")
    assert "fact_sublot_dwell" in model_names() - listed_names(without)
