"""Content hashes of a warehouse's relations, to compare two builds row for row.

Two warehouses hold the same data when every model has the same rows: the same multiset of
rows, whatever their physical order. ``content_hashes`` gives, per relation, the row count and
a hash of the sorted row hashes, so a single changed value, a missing row or a duplicated one
changes it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# the schemas dbt writes models to (test_failures holds test results, not models)
MODEL_SCHEMA_SUFFIXES = ("staging", "intermediate", "marts", "reference")
# run bookkeeping, not data: the window an incremental run reprocessed
# (macros/incremental/incremental.sql) and the graph nodes it replaced (for the edge proofs)
RUN_STATE_MODELS = frozenset({"int_load_window", "int_window_sublots", "int_graph_nodes__replaced"})


def relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The (schema, name) of every model relation of the warehouse, tables and views."""
    rows = con.execute(
        """
        select table_schema, table_name
        from information_schema.tables
        where table_catalog = current_database()
        order by table_schema, table_name
        """
    ).fetchall()
    return [
        (schema, name)
        for schema, name in rows
        if schema.endswith(MODEL_SCHEMA_SUFFIXES)
        and not name.startswith("dbt_")
        and name not in RUN_STATE_MODELS
    ]


def relation_hash(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> tuple[int, str]:
    """(row count, md5 of the sorted row hashes) of one relation."""
    count, digest = con.execute(
        f"""
        select count(*), md5(coalesce(string_agg(row_hash::varchar, ',' order by row_hash), ''))
        from (select hash(x) as row_hash from "{schema}"."{name}" as x)
        """
    ).fetchone()
    return int(count), str(digest)


def content_hashes(database: Path) -> dict[str, tuple[int, str]]:
    """``schema.name`` -> (rows, content hash) for every model relation in ``database``."""
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            f"{schema}.{name}": relation_hash(con, schema, name) for schema, name in relations(con)
        }


def differences(
    left: dict[str, tuple[int, str]], right: dict[str, tuple[int, str]]
) -> dict[str, tuple[tuple[int, str] | None, tuple[int, str] | None]]:
    """The relations whose rows differ (or that exist on one side only)."""
    return {
        name: (left.get(name), right.get(name))
        for name in sorted(set(left) | set(right))
        if left.get(name) != right.get(name)
    }


def sample_differences(
    left: Path, right: Path, relation: str, limit: int = 3
) -> tuple[list[tuple], list[tuple]]:
    """Up to ``limit`` rows of ``relation`` (``schema.name``) only in ``left``, and only in
    ``right`` (as multisets: a row twice in one and once in the other counts once)."""
    schema, name = relation.split(".", 1)
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as left_db (read_only)")
        con.execute(f"attach '{right}' as right_db (read_only)")
        samples = []
        for first, second in (("left_db", "right_db"), ("right_db", "left_db")):
            samples.append(
                con.execute(
                    f"""
                    select * from (
                        select * from {first}."{schema}"."{name}"
                        except all
                        select * from {second}."{schema}"."{name}"
                    ) limit {int(limit)}
                    """
                ).fetchall()
            )
    return samples[0], samples[1]


def describe_differences(
    diff: dict[str, tuple[tuple[int, str] | None, tuple[int, str] | None]],
    left: Path,
    right: Path,
    limit: int = 3,
) -> str:
    """A readable account of ``differences(...)`` between the warehouses ``left`` and
    ``right``: per relation, the row counts on each side and a few rows found on one side only."""
    lines = [f"{len(diff)} relation(s) differ between {left} (left) and {right} (right):"]
    for relation, (in_left, in_right) in diff.items():
        if in_left is None or in_right is None:
            side = "right" if in_left is None else "left"
            lines.append(f"- {relation}: only in the {side} warehouse")
            continue
        lines.append(f"- {relation}: {in_left[0]:,} rows (left) vs {in_right[0]:,} (right)")
        try:
            only_left, only_right = sample_differences(left, right, relation, limit)
        except duckdb.Error as exc:  # different columns, say
            lines.append(f"    (rows not compared: {' '.join(str(exc).split())})")
            continue
        lines += [f"    only left:  {row}" for row in only_left]
        lines += [f"    only right: {row}" for row in only_right]
    return "\n".join(lines)
