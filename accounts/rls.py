"""Row-level security: PostgreSQL itself keeps each account's rows to that account.

The application-level scoping of ``accounts.tenancy`` decides what a query asks for;
this module makes a mistake there (a raw query, a forgotten scope, a join) unable to
return another account's rows:

- every table of a ``TenantModel``, and every other table with an ``account`` (users),
  gets ``ENABLE`` + ``FORCE ROW LEVEL SECURITY`` and one policy, ``account_id =
  app.account_id`` for reads and writes alike (``ensure_row_level_security``, run after
  every ``migrate`` by the owner, so a table added by a later migration is covered as
  soon as it exists). A platform operator (a user with no account) matches no account:
  only the platform's connection reaches them. The accounts table's own policy is
  ``id = app.account_id`` (a request sees its own account); the host's account is found
  before any account is set through ``account_by_subdomain``, a SECURITY DEFINER
  function returning that one row (accounts/migrations/0005);
- the account of each request and each Celery task is given to every transaction as a
  transaction-local ``app.account_id`` (``accounts.dbsession``), never to the session;
  with no account set, tenant tables look empty;
- ``Model.all_accounts`` — the one deliberate road across accounts (operators' admin,
  the delivery sweeper, tracking webhooks) — runs its queries on the platform's own
  connection (DATABASE_PLATFORM_URL, a BYPASSRLS login; ``accounts.dbsession.platform_access``). The
  application's role is a member of no role that bypasses row-level security, so no SQL
  it runs can switch to one (deploy/postgres/10-app-roles.sh). The account itself is a
  session setting, which SQL run verbatim (an injection) could change: the policies
  stop scoping *mistakes*, and parameterised queries stop injections;
- the operators' admin log (object names of every account) and the record of deleted
  accounts are the platform's alone: their policy admits no row to anyone else;
- full-text search needs no lifting: the SECURITY DEFINER functions of
  tickets/migrations/0005 read the GIN indexes for the session's account only.

SQLite (``make run``) has no row-level security: everything here is a no-op there.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from accounts.dbsession import SETTING, uses_rls
from accounts.tenancy import TenantModel

POLICY_NAME = "tenant_isolation"
# After a transaction-local value ends, current_setting() gives '' rather than NULL;
# NULLIF makes both mean "no account", which matches no row. A plain equality keeps
# the index on account_id usable (a CASE or an OR here turns index scans into seq scans).
CURRENT_ACCOUNT = f"NULLIF(current_setting('{SETTING}', true), '')::bigint"
POLICY_EXPRESSION = f"account_id = {CURRENT_ACCOUNT}"


# --- Which tables, and their policies -------------------------------------------------


def _has_account(model: type[Model]) -> bool:
    return any(f.name == "account" and f.many_to_one for f in model._meta.concrete_fields)


def tenant_tables() -> list[str]:
    """Tables of every concrete model deriving TenantModel, or otherwise carrying an
    ``account`` (users), in every installed app."""
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if not model._meta.proxy
            and model._meta.managed
            and (issubclass(model, TenantModel) or _has_account(model))
        }
    )


def accounts_table() -> str:
    return apps.get_model("accounts", "Account")._meta.db_table


def platform_only_tables() -> list[str]:
    """Tables only the platform's connection reads or writes: the operators' admin log,
    which names objects of every account (its views run there, accounts.admin_site),
    and the record of deleted accounts (accounts.deletion_log)."""
    tables = [apps.get_model("accounts", "AccountDeletion")._meta.db_table]
    if apps.is_installed("django.contrib.admin"):
        tables.append(apps.get_model("admin", "LogEntry")._meta.db_table)
    return tables


def policy_tables() -> dict[str, str]:
    """Every table under a policy, with its policy's expression."""
    tables = dict.fromkeys(tenant_tables(), POLICY_EXPRESSION)
    tables[accounts_table()] = f"id = {CURRENT_ACCOUNT}"
    tables.update(dict.fromkeys(platform_only_tables(), "false"))
    return tables


def tables_missing_policy(connection: BaseDatabaseWrapper) -> list[str]:
    """Policy tables that exist but lack RLS, FORCE or our policy (empty when all hold)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            WHERE c.relname = ANY(%s) AND c.relkind = 'r'
              AND NOT (c.relrowsecurity AND c.relforcerowsecurity AND EXISTS (
                  SELECT 1 FROM pg_policies p
                  WHERE p.schemaname = n.nspname AND p.tablename = c.relname
                    AND p.policyname = %s))
            ORDER BY c.relname
            """,
            [list(policy_tables()), POLICY_NAME],
        )
        return [row[0] for row in cursor.fetchall()]


def ensure_row_level_security(using: str = "default") -> list[str]:
    """Enable, force and add the tenant policy on every tenant table that lacks it.

    Idempotent and cheap when nothing is missing (one catalogue query). Runs as the
    tables' owner: after ``migrate`` (post_migrate), never from a request.
    """
    connection = connections[using]
    if not uses_rls(connection):
        return []
    missing = tables_missing_policy(connection)
    expressions = policy_tables()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in missing:
            expression = expressions[table]
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {quote(table)} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {quote(table)}")
            # USING filters what is read, updated and deleted; WITH CHECK refuses to
            # write a row for another account (USING alone does not restrict INSERT).
            cursor.execute(
                f"CREATE POLICY {POLICY_NAME} ON {quote(table)} "
                f"USING ({expression}) WITH CHECK ({expression})"
            )
    return missing


def on_post_migrate(sender: object, using: str = "default", **kwargs: object) -> None:
    ensure_row_level_security(using)
