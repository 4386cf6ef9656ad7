"""Every tenant table could be distributed by ``account_id`` (README, "Scaling": the step
past one database is a sharded PostgreSQL such as Citus, which places each account's rows
on one node). A distributed table's unique constraints and primary key must include the
distribution column, since a node can only check uniqueness among the rows it holds, and
that column may not be NULL. Read from PostgreSQL's catalog, so constraints, unique
indexes (partial and expression ones too) and tables of every migration are covered; a
new table or constraint that breaks the rule fails here with its name.

The agreed exceptions, each with its reason:

- A primary key that is ``id`` alone, filled from the table's identity sequence: unique
  by construction, in every account. Under Citus each tenant table is re-keyed to
  ``(account_id, id)`` (most already carry that unique index, the target of the
  same-account foreign keys of accounts/integrity.py), which keeps ``id`` unique.
- The tables below with no ``account_id`` (PLATFORM_TABLES): the platform's own and
  Django's, which Citus keeps as reference tables (copied to every node) or on the
  coordinator only.
- ``accounts_user`` rows without an account (ALLOWED_WITHOUT_ACCOUNT): the platform's
  operators, and their partial unique index on the email.
"""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.rls import tenant_tables

pytestmark = pytest.mark.django_db

# Tables without account_id, each with how a sharded PostgreSQL would hold it.
PLATFORM_TABLES = {
    "accounts_account": "the accounts themselves: distributed by id, colocated with "
    "their rows (Citus: the tenant table of the schema), or a reference table",
    "accounts_accountdeletion": "the operators' record of deleted accounts (the account is "
    "gone): coordinator only",
    "accounts_signinfailure": "sign-in failures as keyed digests (the account is inside "
    "each digest): coordinator only, written and read by sign-in",
    "accounts_user_groups": "Django's permission groups of users: unused, empty",
    "accounts_user_user_permissions": "Django's permissions of users: unused, empty",
    "auth_group": "Django's: reference table",
    "auth_group_permissions": "Django's: reference table",
    "auth_permission": "Django's: reference table",
    "django_admin_log": "the operators' admin log, across accounts on purpose: coordinator",
    "django_content_type": "Django's: reference table",
    "django_migrations": "Django's: coordinator",
    "django_session": "sessions, read by their key: coordinator (or the cache)",
    "notifications_webhooktoken": "ESP webhook replay guard, across accounts: coordinator",
}

# Where account_id may be NULL, and the unique indexes that cover only those rows.
ALLOWED_WITHOUT_ACCOUNT = {
    "accounts_user": "platform operators belong to no account; under Citus they move to "
    "a table of their own on the coordinator",
}
ALLOWED_UNIQUE_WITHOUT_ACCOUNT = {
    "operator_email_unique": "unique email among operators only (WHERE account_id IS NULL)",
    # One row per ticket (a one-to-one field): ticket_id is the ticket's identity value,
    # unique in every account by construction, as servicelevels_ticketsla's primary key
    # (below); under Citus re-keyed to (account_id, ticket_id).
    "calls_ticketcall_ticket_id_key": "one row per ticket, by the ticket's identity id",
    "closing_ticketclosure_ticket_id_key": "one row per ticket, by the ticket's identity id",
    "reports_reportticket_ticket_id_key": "one row per ticket, by the ticket's identity id",
}


def _tables_with_account() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                          AND a.attname = 'account_id' AND NOT a.attisdropped)
            """
        )
        return {row[0] for row in cursor.fetchall()}


def _all_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
            """
        )
        return {row[0] for row in cursor.fetchall()}


def _unique_indexes() -> list[tuple[str, str, bool, list[str | None]]]:
    """(table, index, is primary key, key columns; None for an expression) of every
    unique index of a table with account_id: what a UNIQUE or PRIMARY KEY constraint
    creates, and unique indexes made on their own."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname, ix.indisprimary,
                   ARRAY(SELECT a.attname FROM unnest(ix.indkey[0:ix.indnkeyatts - 1])
                         WITH ORDINALITY AS k(attnum, n)
                         LEFT JOIN pg_attribute a
                           ON a.attrelid = t.oid AND a.attnum = k.attnum
                         ORDER BY k.n)
            FROM pg_index ix
            JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() AND ix.indisunique
            """
        )
        rows = cursor.fetchall()
    tenant = _tables_with_account()
    return [row for row in rows if row[0] in tenant]


def test_every_tenant_model_has_account_id_and_every_other_table_is_listed():
    with_account = _tables_with_account()
    assert set(tenant_tables()) == with_account
    unlisted = sorted(_all_tables() - with_account - set(PLATFORM_TABLES))
    assert unlisted == [], "a table without account_id: add account_id, or list it with why"
    assert set(PLATFORM_TABLES) <= _all_tables(), "a listed table no longer exists"


def test_every_unique_constraint_of_a_tenant_table_includes_account_id():
    breaking = sorted(
        f"{table}.{index} ({', '.join(c or '<expression>' for c in columns)})"
        for table, index, primary, columns in _unique_indexes()
        if not primary
        and "account_id" not in columns
        and index not in ALLOWED_UNIQUE_WITHOUT_ACCOUNT
    )
    assert breaking == []


def test_a_tenant_tables_primary_key_is_its_identity_id_or_includes_account_id():
    """``id`` alone is allowed only as a sequence's value (unique in every account by
    construction, re-keyed to (account_id, id) under Citus); any other key must include
    account_id."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND column_name = 'id'
              AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
            """
        )
        identity_id = {row[0] for row in cursor.fetchall()}
    # A deleted ticket's record keeps its ticket's id, drawn from tickets_ticket's identity.
    identity_id.add("tickets_deletedticket")
    # A deleted user's record likewise keeps its user's id (accounts_user's identity).
    identity_id.add("accounts_deleteduser")
    primary_is_ticket_id = {"servicelevels_ticketsla"}  # one row per ticket, keyed by its id
    primary = {table: columns for table, _, is_pk, columns in _unique_indexes() if is_pk}
    assert set(primary) == _tables_with_account(), "a tenant table without a primary key"
    breaking = sorted(
        f"{table} ({', '.join(c or '<expression>' for c in columns)})"
        for table, columns in primary.items()
        if "account_id" not in columns
        and not (columns == ["id"] and table in identity_id)
        and not (columns == ["ticket_id"] and table in primary_is_ticket_id)
    )
    assert breaking == []


def test_account_id_is_never_null_outside_the_listed_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND column_name = 'account_id'
              AND is_nullable = 'YES'
            """
        )
        nullable = sorted(row[0] for row in cursor.fetchall())
    assert nullable == sorted(ALLOWED_WITHOUT_ACCOUNT)


def test_the_rule_catches_a_unique_constraint_without_account_id(acme):
    """The check itself: a unique (number) on a tenant table is found (and rolled back
    with the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE UNIQUE INDEX probe_number_unique ON tickets_ticket (number) WHERE number < 0"
        )
    found = [
        (table, columns)
        for table, index, _, columns in _unique_indexes()
        if index == "probe_number_unique"
    ]
    assert found == [("tickets_ticket", ["number"])]
    with pytest.raises(AssertionError):
        test_every_unique_constraint_of_a_tenant_table_includes_account_id()
