"""Fixtures of the plan tests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from tests.reports.conftest import run  # noqa: F401 - the reports' plan tests use it
from tickets.models import Ticket


@pytest.fixture
def some_tickets(acme, acme_agent, acme_user):
    """Enough rows, analysed, that the planner's choice is the one it makes at scale
    rather than a tie on a near-empty table (seen: the account's unique index chosen for
    the wake-up query on an empty table)."""
    now = timezone.now()
    statuses = ["open", "pending", "hold", "solved", "closed"]
    Ticket.objects.for_account(acme).bulk_create(
        Ticket(
            account=acme,
            subject=f"Filler {n}",
            requester=acme_user,
            submitter=acme_agent,
            status=statuses[n % 5],
            solved_at=now if statuses[n % 5] in ("solved", "closed") else None,
            status_changed_at=now,
        )
        for n in range(500)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")


# --- The planner's inputs come from the test alone -----------------------------------
#
# A plan test asks the planner which index it takes for the test's few rows, and the
# answer is priced from (1) each table's and index's size on disk, (2) pg_class.reltuples
# and relpages and (3) pg_statistic. All three outlive a test's rollback: its rows are
# gone, but their dead tuples still fill the heap and the index pages (autovacuum is off
# in the test cluster, and a plain VACUUM does not give btree pages back), an ANALYZE run
# inside a test writes reltuples/relpages in place, not transactionally, and a test that
# commits (tests/bench/test_seed_load.py) leaves pg_statistic behind its flush. So a test
# that inserted and rolled back thousands of rows before (seed_demo's ninety days of SLA
# history) left the SLA indexes hundreds of pages deep for a handful of live entries, and
# the planner, pricing a page per entry, took the account index over the partial one the
# test names. VACUUM FULL would shed the pages but writes reltuples 0 where a fresh table
# has -1, which the planner reads differently (the ten-page guess for a never-counted
# table), so the plans moved again (tests/bench/test_automation_plans.py).
#
# Hence, before every test here, a table whose planner inputs differ from a fresh one's
# (reltuples of it or one of its indexes written since, statistics gathered on it, or it,
# its TOAST or an index of it more than a page larger than when last emptied) is emptied
# with TRUNCATE, on a connection of our own in autocommit (the test's has not touched a
# table yet): new empty files for the table, its TOAST and its indexes, reltuples -1 and
# no pg_statistic rows, exactly the table a fresh test database has, whatever ran
# before. A page is let through, not to empty ~110 tables before every test (TRUNCATE
# costs ~10 ms a file on this machine): a table of fewer than ten pages that was never
# counted is priced as ten pages anyway, and the next test's rows go to the same page.
# (A table that still holds committed rows, which no test leaves, is VACUUM FULLed.)

_RELATIONS = """
    WITH t AS (
        SELECT oid, reltoastrelid FROM pg_class
        WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'
    ), r AS (
        SELECT oid AS tab, oid FROM t
        UNION ALL SELECT oid, reltoastrelid FROM t WHERE reltoastrelid <> 0
        UNION ALL SELECT indrelid, indexrelid FROM pg_index JOIN t ON t.oid = indrelid
    )
    SELECT r.tab::regclass::text, r.oid, pg_relation_size(r.oid), c.reltuples
    FROM r JOIN pg_class c ON c.oid = r.oid
"""
_ANALYSED = "SELECT DISTINCT tablename::text FROM pg_stats WHERE schemaname = current_schema()"
_REFERENCING = """
    SELECT DISTINCT conrelid::regclass::text FROM pg_constraint
    WHERE contype = 'f' AND confrelid = ANY(%s::regclass[]) AND conrelid <> confrelid
"""
_REFERENCED = """
    SELECT DISTINCT confrelid::regclass::text FROM pg_constraint
    WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
"""
_NEVER_COUNTED = """
    UPDATE pg_class SET reltuples = -1, relallvisible = 0,
        relpages = CASE WHEN relkind = 'i' THEN relpages ELSE 0 END
    WHERE oid IN (
        SELECT oid FROM pg_class WHERE oid = ANY(%s::regclass[])
        UNION ALL SELECT reltoastrelid FROM pg_class WHERE oid = ANY(%s::regclass[])
        UNION ALL SELECT indexrelid FROM pg_index WHERE indrelid = ANY(%s::regclass[])
    )
"""
_PAGE = 8192


class _Tables:
    """Each table as a fresh database has it, watched from a connection of our own."""

    def __init__(self):
        self.raw = connection.get_new_connection(connection.get_connection_params())
        self.raw.autocommit = True
        with self.raw.cursor() as cursor:
            # A lock the test's connection held would hang both: fail instead.
            cursor.execute("SET lock_timeout = '10s'")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            (self.superuser,) = cursor.fetchone()
        self.clean: dict[int, tuple[int, float]] = {}  # relation: (bytes, reltuples)
        self.analysed: set[str] = set()

    def _query(self, sql, params=None) -> list[tuple]:
        with self.raw.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def _names(self, sql, tables=None) -> set[str]:
        if tables is not None and not tables:
            return set()
        return {t for (t,) in self._query(sql, None if tables is None else [sorted(tables)])}

    def _empty(self, tables) -> set[str]:
        union = " UNION ALL ".join(
            f"SELECT '{t}' WHERE NOT EXISTS (SELECT FROM {t})"  # noqa: S608 - catalog names
            for t in tables
        )
        return {t for (t,) in self._query(union)} if union else set()

    def _stale(self) -> set[str]:
        # Statistics a committed ANALYZE left (a table holding rows keeps its own).
        stale = self._names(_ANALYSED) - self.analysed
        for table, oid, size, reltuples in self._query(_RELATIONS):
            clean = self.clean.get(oid)
            if clean is None or size > clean[0] + _PAGE or reltuples != clean[1]:
                stale.add(table)
        return stale

    def reset(self) -> None:
        stale = self._stale()
        if not stale:
            return
        empty = self._empty(stale)
        if self.superuser:
            # Cheaper than TRUNCATE, which must take every referencing table along
            # (~100 for tickets_ticket): rewrite the stale tables alone, then give the
            # empty ones back what a fresh table has, never counted and no statistics.
            self._query("VACUUM FULL " + ", ".join(sorted(stale)))
            if empty:
                self._query(_NEVER_COUNTED, [sorted(empty)] * 3)
                self._query(
                    "DELETE FROM pg_statistic WHERE starelid = ANY(%s::regclass[])",
                    [sorted(empty)],
                )
        else:
            # TRUNCATE gives reltuples -1 but leaves pg_statistic's rows of a table that
            # was analysed holding rows (measured; only a superuser may delete them):
            # tests/bench/test_fresh_tables.py.
            empty = self._truncate(empty)
            if rewrite := stale - empty:
                self._query("VACUUM FULL " + ", ".join(sorted(rewrite)))
        self.clean.update(
            (oid, (size, reltuples))
            for table, oid, size, reltuples in self._query(_RELATIONS)
            if table in stale | empty
        )
        self.analysed = self._names(_ANALYSED)

    def _truncate(self, empty: set[str]) -> set[str]:
        """TRUNCATE wants every table referencing one in the same command: take the empty
        ones along; one holding rows keeps what it references out (to VACUUM FULL)."""
        kept_out: set[str] = set()
        while referencing := self._names(_REFERENCING, empty) - empty:
            joining = self._empty(referencing) - kept_out
            empty |= joining
            held = self._names(_REFERENCED, referencing - joining) & empty
            kept_out |= held
            empty -= held
        if empty:
            self._query("TRUNCATE " + ", ".join(sorted(empty)))
        return empty


@pytest.fixture(scope="session")
def _tables(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        tables = _Tables()
    yield tables
    tables.raw.close()


@pytest.fixture(autouse=True)
def _fresh_tables(request):
    # The plan tests only (their files end in _plans): the budget, instruction and
    # seed-load tests read no plan, and the reset costs ~0.45 s a test.
    if not request.module.__name__.endswith("_plans"):
        return
    marker = request.node.get_closest_marker("django_db")
    if "db" in request.fixturenames or (marker and not marker.kwargs.get("transaction")):
        request.getfixturevalue("_tables").reset()
