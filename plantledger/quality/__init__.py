"""Data quality gate on the raw layer (``plantledger validate``), with Great Expectations.

- :mod:`plantledger.quality.checks`: the suites, one per raw table, defined in code;
- :mod:`plantledger.quality.severity`: which checks block and which only warn (the one place);
- :mod:`plantledger.quality.gx`: Great Expectations glue (imported only when validating);
- :mod:`plantledger.quality.validate`: the command: read, validate, Data Docs, summary.
"""
