"""Great Expectations 1.x glue: the context, the suites, the custom reference expectation.

Importing this module imports Great Expectations (a few seconds), so only
:mod:`plantledger.quality.validate` imports it, and only when ``plantledger validate`` runs.

- The context is ephemeral (in-memory stores, nothing written to the repository) with one
  Data Docs site on the local file system.
- Data arrive as pandas frames through one pandas data source, a dataframe asset per table and a
  whole-dataframe batch definition; each table's suite runs through its own validation
  definition and checkpoint, once per batch (``run_batch``).
- ``ExpectColumnValuesToExistInReference`` is a column map expectation whose metric checks each
  value against a key set registered by name (``register_keys``) - so GX counts and samples the
  unknown values as for any built-in expectation, while the suite, the results and the Data Docs
  hold only the reference's name, not its (possibly millions of) keys.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metadata_types import FailureSeverity
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from plantledger.quality.checks import Check
from plantledger.quality.severity import BLOCK

SITE_NAME = "plantledger"

# --- the reference expectation -----------------------------------------------------------------

_KEYS: dict[str, pa.Array] = {}


def register_keys(reference: str, keys: pa.Array) -> None:
    """Make ``keys`` the key set of ``reference`` (``table.column``) for the checks below."""
    _KEYS[reference] = keys


def _in_keys(column: pd.Series, reference: str) -> pd.Series:
    """Vectorised membership with Arrow (pandas' ``isin`` on Arrow strings loops in Python)."""
    values = pa.array(column, from_pandas=True)
    keys = _KEYS[reference]
    if keys.type != values.type:
        keys = keys.cast(values.type)
    found = pc.is_in(values, value_set=keys).fill_null(False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=column.index)


class ColumnValuesInReference(ColumnMapMetricProvider):
    """Row-wise: is the value a key of the named reference."""

    condition_metric_name = "column_values.in_reference"
    condition_value_keys = ("reference",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, reference: str, **kwargs: Any) -> pd.Series:
        return _in_keys(column, reference)


class ExpectColumnValuesToExistInReference(ColumnMapExpectation):
    """Expect every non-null value of the column to exist as a key of ``reference``.

    ``reference`` is ``table.column`` of the referenced key, whose values plantledger registers
    with :func:`register_keys` before validating.
    """

    reference: str

    map_metric = "column_values.in_reference"
    success_keys = ("reference", "mostly")
    args_keys = ("column", "reference")
    library_metadata: ClassVar[dict[str, Any]] = {
        "maturity": "experimental",
        "tags": ["referential integrity"],
        "contributors": ["plantledger"],
    }


_CUSTOM = {"ExpectColumnValuesToExistInReference": ExpectColumnValuesToExistInReference}


def expectation(check: Check, severity: str) -> Any:
    """The GX expectation for ``check``, carrying its severity and id."""
    cls = _CUSTOM.get(check.expectation) or getattr(gxe, check.expectation)
    extra: dict[str, Any] = {}
    if check.description:
        extra["description"] = check.description
    return cls(
        **check.kwargs,
        **extra,
        severity=FailureSeverity.CRITICAL if severity == BLOCK else FailureSeverity.WARNING,
        meta={"check": check.id, "plantledger_severity": severity},
    )


# --- pandas at the boundary --------------------------------------------------------------------

_TYPES = {
    pa.int64(): pd.Int64Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """Polars to pandas with nullable integer/boolean dtypes (nulls stay nulls, ints stay ints).

    Dates arrive as ``datetime64[ms]`` (midnight; pandas has no date dtype, and pyarrow-backed
    dates make GX's batch fingerprint and several metrics iterate Python objects).

    The dtype each contract type arrives as is ``checks.PANDAS_DTYPES``; a parquet column of
    another type arrives as another dtype and fails its ``type`` check.
    """
    return frame.to_arrow().to_pandas(types_mapper=_TYPES.get, date_as_object=False)


# --- the context -------------------------------------------------------------------------------


class Validator:
    """An ephemeral GX context with a Data Docs site at ``docs``; one suite per table."""

    def __init__(self, docs: Path, result_format: dict[str, Any]) -> None:
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        config = DataContextConfig(  # progress bars off: stdout is the summary
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            progress_bars=ProgressBarsConfig(globally=False),
            data_docs_sites={
                SITE_NAME: {
                    "class_name": "SiteBuilder",
                    "show_how_to_buttons": False,
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(docs),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                }
            },
        )
        self.context = gx.get_context(mode="ephemeral", project_config=config)
        self.source = self.context.data_sources.add_pandas("raw")
        self.result_format = result_format
        self.checkpoints: dict[str, Any] = {}

    def add_suite(self, table: str, checks: list[Check], severities: dict[str, str]) -> None:
        # built whole: adding expectations one by one re-serialises the suite each time
        expectations = [expectation(check, severities[check.id]) for check in checks]
        suite = self.context.suites.add(gx.ExpectationSuite(name=table, expectations=expectations))
        batch = self.source.add_dataframe_asset(table).add_batch_definition_whole_dataframe(table)
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=table, data=batch, suite=suite)
        )
        self.checkpoints[table] = self.context.checkpoints.add(
            gx.Checkpoint(
                name=table,
                validation_definitions=[definition],
                actions=[],
                result_format=self.result_format,
            )
        )

    def run_batch(self, table: str, frame: pd.DataFrame, run_name: str) -> list[Any]:
        """Validate one batch of ``table``; the expectation results."""
        result = self.checkpoints[table].run(
            batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=run_name)
        )
        return [r for run in result.run_results.values() for r in run.results]

    def build_docs(self) -> None:
        self.context.build_data_docs(site_names=[SITE_NAME])


# --- errors GX logs instead of raising ------------------------------------------------------


@contextlib.contextmanager
def collected_log() -> Iterator[list[logging.LogRecord]]:
    """GX's error log records while the block runs, collected instead of printed: GX catches an
    error writing a Data Docs page (a full disk) and logs a traceback per page."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("great_expectations")
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def logged_write_error(records: list[logging.LogRecord]) -> OSError | None:
    """The first OSError among logged records (as GX formats it: '[Errno 28] No space ...')."""
    for record in records:
        message = record.getMessage()
        if "OSError" in message or "Errno" in message:
            match = re.search(r"\[Errno (\d+)\] ([^\"\n]+)", message)
            if match:
                return OSError(int(match[1]), match[2])
            return OSError(None, "a Data Docs file could not be written")
    return None
