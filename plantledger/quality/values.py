"""Sample values of failed checks as short text, the same in the summary and the quality page."""

from __future__ import annotations

import math
from typing import Any

SAMPLE_CHARS = 40


def value_text(value: Any) -> str:
    """A value GX reported (strings quoted, nulls as ``null``, instants in ISO form)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {value_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(value_text(v) for v in value) + ")"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, str):
        return repr(value)
    text = str(value)
    return "null" if text in ("<NA>", "NaT", "nan") else text


def short_value(value: Any) -> str:
    """:func:`value_text`, cut to :data:`SAMPLE_CHARS` characters."""
    text = value_text(value)
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 3] + "..."
