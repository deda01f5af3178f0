"""dbt-duckdb plugin: create the folder of the warehouse file before DuckDB opens it.

DuckDB creates a missing database *file* but not a missing *folder*
(``IO Error: Cannot open file "warehouse/plantledger.duckdb": No such file or directory``), and an
``on-run-start`` hook runs only after dbt has connected. dbt-duckdb builds its plugins before it
connects and calls ``update_connection_config`` just before ``duckdb.connect``, so this is the
one place that can make the folder. Loaded through ``module_paths``/``plugins`` in profiles.yml.
"""

from __future__ import annotations

import os
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin


def _local_folder(path: str) -> str | None:
    """The folder of a local database file, or None for :memory: and URLs (md:, s3://...)."""
    if not path or path == ":memory:" or ":" in path.split("/", 1)[0]:
        return None
    return os.path.dirname(os.path.abspath(path))


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._ensure(self.creds.path if self.creds is not None else None)

    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        self._ensure(creds.path)

    @staticmethod
    def _ensure(path: str | None) -> None:
        folder = _local_folder(path or "")
        if folder:
            os.makedirs(folder, exist_ok=True)
