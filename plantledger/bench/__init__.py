"""Benchmarks (``plantledger bench``, ``scripts/bench.py``, ``make bench``).

A benchmark report is a list of *sections*, each a module of its own that returns its markdown
body and may leave results in :class:`~plantledger.bench.config.BenchState` for later sections
(the generation section leaves the raw output of every scale in ``state.raw`` so that, for
example, the dbt build section can time building from it).

Modules, none of the shared ones importing a section (``tests/test_import_cycles.py``):

- ``config``: the run's configuration and shared state, the :class:`Section` type, tables;
- ``timing``: measured processes (peak memory and wall time of one run), generation runs;
- ``dbt``: the dbt commands and a measured ``dbt build``;
- ``inputs``: the raw folder and warehouse a section runs on, reused or made (untimed);
- the sections: ``generation``, ``warehouse``, ``incremental``, ``point_in_time``,
  ``traceability``; ``sections`` lists them in report order;
- ``report``: runs sections into markdown, fills the README block; ``command``: the command.

``python -m plantledger.bench`` runs the command (``--child``: one measured generation run).
This file imports nothing, so importing any of the modules above loads only what it needs.
"""
