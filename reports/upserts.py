"""Adding counts to rollup rows, in the caller's transaction: INSERT … ON CONFLICT … DO
UPDATE SET n = table.n + excluded.n, a thousand rows a statement, and on PostgreSQL the
statements of many tables in one (each a data-modifying WITH), not one round trip per
table: a ticket's refresh writes eighteen tables (reports.services) and the SLA rollup's two
(reports.sla_rollup) in one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.db import connection, models

ROWS = 1000
# Under PostgreSQL's 65,535 parameters a statement (a row is ~45).
_STATEMENT_PARAMS = 60_000


class Upsert(NamedTuple):
    """One INSERT … ON CONFLICT: the table it writes, its SQL and its parameters."""

    table: str
    sql: str
    params: list


def upserts(
    model: type[models.Model],
    keys: tuple[str, ...],
    account_id: int,
    items: Sequence[tuple[tuple, dict[str, int]]],
    measures: tuple[str, ...],
) -> list[Upsert]:
    """The statements adding ``items`` ((values of ``keys``, counts per measure of
    ``measures``)) to ``model``'s rows, a thousand rows each (a bulk refresh's many)."""
    table = model._meta.db_table
    return [
        _upsert(table, keys, account_id, items[start : start + ROWS], measures)
        for start in range(0, len(items), ROWS)
    ]


def _upsert(
    table: str,
    keys: tuple[str, ...],
    account_id: int,
    items: Sequence[tuple[tuple, dict[str, int]]],
    measures: tuple[str, ...],
) -> Upsert:
    updated = sorted({m for _key, counts in items for m in counts})
    columns = ["account_id", *keys, *measures]
    params: list[Any] = []
    for key, counts in items:
        params += [account_id, *key, *(counts.get(m, 0) for m in measures)]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in updated)
    # Our own table's and columns' names only; every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES {} ON CONFLICT (account_id, {}) DO UPDATE SET {}".format(  # noqa: S608
        table, ", ".join(columns), ", ".join([row] * len(items)), ", ".join(keys), updates
    )
    return Upsert(table, sql, params)


def run(upserts: Iterable[Upsert]) -> None:
    """Execute ``upserts``: on PostgreSQL in as few statements as the parameter limit
    allows (``batches``); on SQLite (the embedded demo) one by one. None: no query."""
    upserts = list(upserts)
    if not upserts:
        return
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for upsert in upserts:
                cursor.execute(upsert.sql, upsert.params)
            return
        for batch in batches(upserts):
            parts = ", ".join(f"u{n} AS ({upsert.sql})" for n, upsert in enumerate(batch))
            cursor.execute(f"WITH {parts} SELECT 1", [p for upsert in batch for p in upsert.params])


def batches(upserts: list[Upsert]) -> list[list[Upsert]]:
    """The upserts in statements under the parameter limit, each table at most once per
    statement (two upserts of one row in one statement would both see it absent)."""
    found: list[list[Upsert]] = []
    params = 0
    for upsert in upserts:
        if (
            not found
            or params + len(upsert.params) > _STATEMENT_PARAMS
            or any(other.table == upsert.table for other in found[-1])
        ):
            found.append([])
            params = 0
        found[-1].append(upsert)
        params += len(upsert.params)
    return found
