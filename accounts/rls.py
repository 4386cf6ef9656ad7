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
- the account is put in the connection's ``app.account_id`` setting for each request
  (``TenantMiddleware``) and each Celery task (``helpdesk.celery``), and restored after,
  so a persistent connection never carries one request's account into the next; with
  no account set, tenant tables look empty;
- ``Model.all_accounts`` — the one deliberate road across accounts (operators' admin,
  the delivery sweeper, tracking webhooks) — runs its queries on the platform's own
  connection (DATABASE_PLATFORM_URL, a BYPASSRLS login; ``platform_access``). The
  application's role is a member of no role that bypasses row-level security, so no SQL
  it runs can switch to one (deploy/postgres/10-app-roles.sh). The account itself is a
  session setting, which SQL run verbatim (an injection) could change: the policies
  stop scoping *mistakes*, and parameterised queries stop injections;
- the operators' admin log (object names of every account) is the platform's alone: its
  policy admits no row to anyone else;
- full-text search needs no lifting: the SECURITY DEFINER functions of
  tickets/migrations/0005 read the GIN indexes for the session's account only.

SQLite (``make run``) has no row-level security: everything here is a no-op there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from accounts.tenancy import TenantModel

POLICY_NAME = "tenant_isolation"
SETTING = "app.account_id"
# After a transaction-local value ends, current_setting() gives '' rather than NULL;
# NULLIF makes both mean "no account", which matches no row. A plain equality keeps
# the index on account_id usable (a CASE or an OR here turns index scans into seq scans).
CURRENT_ACCOUNT = f"NULLIF(current_setting('{SETTING}', true), '')::bigint"
POLICY_EXPRESSION = f"account_id = {CURRENT_ACCOUNT}"

# The account this thread/task is working for, mirrored into the database session.
_current_account_id: ContextVar[int | None] = ContextVar("current_account_id", default=None)
_platform_depth: ContextVar[int] = ContextVar("platform_depth", default=0)


def _uses_rls(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


# --- Which tables, and their policies -------------------------------------------------


def _has_account(model) -> bool:
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
    which names objects of every account (its views run there, accounts.admin_site)."""
    if not apps.is_installed("django.contrib.admin"):
        return []
    return [apps.get_model("admin", "LogEntry")._meta.db_table]


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
    if not _uses_rls(connection):
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


def on_post_migrate(sender, using="default", **kwargs) -> None:
    ensure_row_level_security(using)


# --- The account of the current request or task -----------------------------------------


def current_account_id() -> int | None:
    return _current_account_id.get()


def _execute_unlogged(connection: BaseDatabaseWrapper, sql: str, params: list) -> None:
    # Straight on the driver's cursor: this bookkeeping is not one of the application's
    # queries and must not count in query-count assertions or the debug SQL log.
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(sql, params)


def _set_database_account(account_id: int | None) -> None:
    connection = connections["default"]
    if not _uses_rls(connection) or connection.connection is None:
        # Not connected yet: on_connection_created applies the account when it connects
        # (also after something closed the connection mid-way, as Celery does per task).
        return
    value = "" if account_id is None else str(int(account_id))
    # Session-level (is_local false): requests run in autocommit, where a transaction-
    # local value would end with the first statement. The caller restores it after.
    _execute_unlogged(connection, "SELECT set_config(%s, %s, false)", [SETTING, value])


def on_connection_created(sender, connection, **kwargs) -> None:
    """A new connection starts with the current account (and platform role, if any)."""
    if connection.alias != "default" or not _uses_rls(connection):
        return
    account_id = _current_account_id.get()
    if account_id is not None:
        with connection.connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, false)", [SETTING, str(int(account_id))])
    role = getattr(settings, "DATABASE_PLATFORM_ROLE", "")
    if role and _platform_depth.get() and not platform_connection_configured():
        with connection.connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")


def _restore_database_account(account_id: int | None) -> None:
    connection = connections["default"]
    try:
        _set_database_account(account_id)
    except DatabaseError:
        # The connection is broken or its transaction aborted. A value set inside the
        # aborted transaction disappears with its rollback; outside one, drop the
        # connection rather than let it carry an account into the next request.
        if not connection.in_atomic_block:
            connection.close()


@contextmanager
def account_context(account) -> Iterator[None]:
    """Work for one account (an Account, its id, or None for "no account") and restore
    whatever was set before on the way out, even on error."""
    account_id = getattr(account, "pk", account)
    previous = _current_account_id.get()
    token = _current_account_id.set(account_id)
    try:
        _set_database_account(account_id)
        yield
    finally:
        _current_account_id.reset(token)
        _restore_database_account(previous)


# --- Deliberate platform-wide access ---------------------------------------------------

PLATFORM_ALIAS = "platform"


def platform_connection_configured() -> bool:
    """DATABASE_PLATFORM_URL is set: the platform's queries have a login of their own."""
    return PLATFORM_ALIAS in connections.settings


def platform_view(view):
    """A view wholly on the platform's road, its template rendered inside it too (a
    TemplateResponse reads its querysets while rendering): the operators' admin."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with platform_access():
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response.render()
        return response

    return wrapped


@contextmanager
def platform_access() -> Iterator[None]:
    """Run the enclosed queries with row-level security lifted: only for code that must
    cross accounts on purpose, reached through ``Model.all_accounts`` (operators' admin,
    the delivery sweeper, tracking webhooks).

    With DATABASE_PLATFORM_URL set, the enclosed code's ``default`` connection *is* the
    platform connection (its own BYPASSRLS login, never the application's): the ORM, raw
    cursors and ``transaction.atomic()`` alike, for this thread, until the block ends.
    The application's role is a member of no role that bypasses row-level security, so
    nothing it runs can lift a policy by itself (no SET ROLE; README, "Security").
    Work inside the block is not part of a transaction the caller opened outside it.

    In the test suite (a superuser session, inside one transaction) DATABASE_PLATFORM_ROLE
    stands in: SET ROLE to a BYPASSRLS role on the same connection.
    """
    depth = _platform_depth.get()
    connection = connections["default"]
    if depth or not _uses_rls(connection):
        token = _platform_depth.set(depth + 1)
        try:
            yield
        finally:
            _platform_depth.reset(token)
        return
    if platform_connection_configured():
        token = _platform_depth.set(1)
        connections["default"] = connections[PLATFORM_ALIAS]
        try:
            yield
        finally:
            connections["default"] = connection
            _platform_depth.reset(token)
        return
    role = getattr(settings, "DATABASE_PLATFORM_ROLE", "")
    token = _platform_depth.set(1)
    if not role:
        try:
            yield
        finally:
            _platform_depth.reset(token)
        return
    quote = connection.ops.quote_name
    previous = None
    if connection.connection is not None:  # else on_connection_created sets the role
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            previous = cursor.fetchone()[0]
            cursor.execute(f"SET ROLE {quote(role)}")
    try:
        yield
    finally:
        _platform_depth.reset(token)
        try:
            if connection.connection is not None:
                restore = f"SET ROLE {quote(previous)}" if previous else "RESET ROLE"
                _execute_unlogged(connection, restore, [])
        except DatabaseError:
            if not connection.in_atomic_block:
                connection.close()
