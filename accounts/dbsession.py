"""The database connection's account and role: the session half of row-level security.

``accounts.rls`` states the policies (``account_id = app.account_id``); this module makes
every statement run with the account of the request (``TenantMiddleware``) or task
(``helpdesk.celery``) that issued it. The account lives in a context variable
(``account_context``) and reaches the server only as a *transaction-local* setting,
``set_config('app.account_id', …, true)``, put in front of the first statement of each
transaction that needs it (``scoped_execute``, an execute wrapper on every PostgreSQL
connection):

- in autocommit (requests, tasks, commands outside ``atomic``), each statement is its own
  transaction: the setting travels in the same simple-protocol message as the statement
  (``SELECT set_config(…); <statement>``), one implicit transaction, no extra round trip;
- inside ``atomic``, once, at the first statement of the transaction, again after the
  account changed or a savepoint rolled back (which may have taken the value with it).

Nothing is ever set for the session, so a server connection never carries an account
from one transaction to the next: a persistent connection (CONN_MAX_AGE), PgBouncer in
session mode and in transaction mode alike (``tests/security/test_pgbouncer.py``). With
no account, tenant tables look empty. ``platform_access`` is the one deliberate road
across accounts (``Model.all_accounts``): the platform's own BYPASSRLS connection.

It imports nothing of the app's, so ``accounts.tenancy`` (the application-level scoping)
and ``accounts.rls`` (the policies) both build on it: the security core is a straight line
``dbsession`` <- ``tenancy`` <- ``rls``.

SQLite (``make run``) has no row-level security: everything here is a no-op there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase

    from accounts.models import Account

SETTING = "app.account_id"

# The account this thread/task is working for; each transaction gets it from here.
_current_account_id: ContextVar[int | None] = ContextVar("current_account_id", default=None)
_platform_depth: ContextVar[int] = ContextVar("platform_depth", default=0)
# The test suite's stand-in for the platform connection: (role switched to, role to
# return to), both transaction-local like the account.
_platform_role: ContextVar[tuple[str, str] | None] = ContextVar("platform_role", default=None)


def uses_rls(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


# --- The account of the current request or task -----------------------------------------


def current_account_id() -> int | None:
    return _current_account_id.get()


@contextmanager
def account_context(account: Account | int | None) -> Iterator[None]:
    """Work for one account (an Account, its id, or None for "no account") and restore
    whatever was set before on the way out, even on error. Nothing is sent to the
    database here: the next statement carries the account (``scoped_execute``)."""
    account_id: int | None = getattr(account, "pk", account)  # type: ignore[arg-type]  # an Account's pk, or the id given
    token = _current_account_id.set(None if account_id is None else int(account_id))
    try:
        yield
    finally:
        _current_account_id.reset(token)


def in_account_context[T](account: Account | int | None, chunks: Iterable[T]) -> Iterator[T]:
    """``chunks`` produced for ``account``: a streaming response's content is produced
    after the view (and ``TenantMiddleware``'s context) returned, by the server."""
    iterator = iter(chunks)
    while True:
        with account_context(account):
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


# --- Every statement runs with the account: transaction-local settings -------------------


class _Given(NamedTuple):
    """What the server's current transaction has been given (or is to be given)."""

    account: str  # "" for none; "?" unknown
    role: str | None  # the platform role switched to; None: the session's own; "?" unknown
    base: str | None  # the role a switch started from, once there was one in the transaction


_CLEAN = _Given("", None, None)  # a new transaction: no account, the session's own role
_APPLIED = "_sportello_rls_applied"


def _wanted(connection: BaseDatabaseWrapper) -> _Given:
    account_id = _current_account_id.get()
    account = "" if account_id is None else str(account_id)
    switch = _platform_role.get() if connection.alias == "default" else None
    return _Given(account, *switch) if switch else _Given(account, None, None)


def _literal(value: str) -> str:
    # Ids are digits and role names come from settings; quoted anyway (standard strings).
    return "'" + value.replace("'", "''") + "'"


def _set_sql(applied: _Given, wanted: _Given) -> str:
    calls = []
    if applied.account != wanted.account:
        calls.append(f"set_config('{SETTING}', {_literal(wanted.account)}, true)")
    if applied.role != wanted.role:
        # Back to the role the switch started from (the session's, or a test's SET ROLE).
        role = wanted.role if wanted.role is not None else applied.base
        calls.append(f"set_config('role', {_literal(role or 'none')}, true)")
    return "SELECT " + ", ".join(calls)


def _transaction_status(connection: BaseDatabaseWrapper) -> str:
    """Empty when none is open (the next statement starts one), "open", or "error"."""
    from psycopg.pq import TransactionStatus

    status = connection.connection.info.transaction_status
    if status == TransactionStatus.IDLE:
        return ""
    return "error" if status == TransactionStatus.INERROR else "open"


def _applied(connection: BaseDatabaseWrapper) -> _Given:
    if not _transaction_status(connection):
        # The next statement starts a transaction: forget what the last one was given,
        # also when this statement then runs as is (nothing to give it).
        setattr(connection, _APPLIED, _CLEAN)
        return _CLEAN
    return getattr(connection, _APPLIED, _CLEAN)


def scoped_execute(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Run ``sql`` in a transaction that has the current account (and platform role):
    ``set_config(…, true)`` first, unless this transaction already has them."""
    connection = context["connection"]
    applied = _applied(connection)
    wanted = _wanted(connection)
    if sql.lstrip()[:11].upper() == "ROLLBACK TO":
        # A savepoint's rollback undoes what was set inside it: set again before the next.
        # The role is in doubt only if this transaction switched it.
        role = None if applied.base is None else "?"
        setattr(connection, _APPLIED, _Given("?", role, applied.base))
        return execute(sql, params, many, context)
    if (applied.account, applied.role) == (wanted.account, wanted.role) or (
        _transaction_status(connection) == "error"  # nothing runs there but a rollback
    ):
        return execute(sql, params, many, context)
    result = _execute_with_settings(execute, sql, params, many, context, applied, wanted)
    given = _Given(wanted.account, wanted.role, wanted.base or applied.base)
    setattr(connection, _APPLIED, given if _transaction_status(connection) else _CLEAN)
    return result


def _execute_with_settings(
    execute: Callable[..., Any],
    sql: str,
    params: Any,
    many: bool,
    context: dict[str, Any],
    applied: _Given,
    wanted: _Given,
) -> Any:
    import psycopg

    connection = context["connection"]
    set_sql = _set_sql(applied, wanted)
    cursor = context["cursor"].cursor
    if not many and isinstance(cursor, psycopg.ClientCursor):
        # One simple-protocol message: in autocommit one implicit transaction, so the
        # value is local to exactly this statement; no extra round trip either way.
        result = execute(f"{set_sql}; {sql}", params, many, context)
        cursor.nextset()
        return result
    # A named (server-side) cursor or executemany: the extended protocol, one statement
    # per message. In autocommit, a transaction of their own around the two.
    with transaction.atomic(using=connection.alias) if connection.get_autocommit() else _nothing():
        _execute_unlogged(connection, set_sql, [])
        return execute(sql, params, many, context)


def _role_to_return_to(connection: BaseDatabaseWrapper) -> str:
    """The session's role, or a test's SET ROLE; not a switch this transaction still has
    (switching back waits for the next statement)."""
    connection.ensure_connection()
    applied = _applied(connection)
    if applied.role is not None and applied.base is not None:
        return applied.base
    return str(_execute_unlogged(connection, "SELECT current_setting('role')", [])[0])


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _execute_unlogged(connection: BaseDatabaseWrapper, sql: str, params: list) -> Any:
    # Straight on the driver's cursor: this bookkeeping is not one of the application's
    # queries and must not count in query-count assertions or the debug SQL log.
    starts_transaction = not _transaction_status(connection)
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if starts_transaction:
        # Outside autocommit it opened the transaction: nothing given to it yet.
        setattr(connection, _APPLIED, _CLEAN)
    return row


def on_connection_created(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: object
) -> None:
    """Every PostgreSQL connection (default, platform, a replica) runs its statements
    through ``scoped_execute``. First in the list, so ``execute_wrapper()`` blocks opened
    around this connect pop their own wrapper, not this one."""
    if uses_rls(connection) and scoped_execute not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, scoped_execute)
    setattr(connection, _APPLIED, _CLEAN)


# --- Deliberate platform-wide access ---------------------------------------------------

PLATFORM_ALIAS = "platform"


def platform_connection_configured() -> bool:
    """DATABASE_PLATFORM_URL is set: the platform's queries have a login of their own."""
    return PLATFORM_ALIAS in connections.settings


def platform_view[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """A view wholly on the platform's road, its template rendered inside it too (a
    TemplateResponse reads its querysets while rendering): the operators' admin."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with platform_access():
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not response.is_rendered:  # type: ignore[attr-defined]  # a TemplateResponse
                response.render()  # type: ignore[attr-defined]  # a TemplateResponse
        return response

    return wrapped  # type: ignore[return-value]  # wraps: called as the view is


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
    stands in: the enclosed statements' transactions switch to that BYPASSRLS role, as
    transaction-local as the account (``scoped_execute``).
    """
    depth = _platform_depth.get()
    connection = connections["default"]
    if depth or not uses_rls(connection):
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
    switch = None
    if role:
        # The role to return to inside a transaction: the session's, or a test's SET ROLE.
        switch = _platform_role.set((role, _role_to_return_to(connection)))
    try:
        yield
    finally:
        if switch is not None:
            _platform_role.reset(switch)
        _platform_depth.reset(token)


def platform_access_active() -> bool:
    """Inside ``platform_access``: reads stay on its connection (helpdesk.db_router)."""
    return bool(_platform_depth.get())
