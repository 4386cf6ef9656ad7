"""The database connection's account and role: the session half of row-level security.

``accounts.rls`` states the policies (``account_id = app.account_id``); this module puts
the account in the connection's ``app.account_id`` setting for each request
(``TenantMiddleware``) and each Celery task (``helpdesk.celery``), and restores it after,
so a persistent connection never carries one request's account into the next; with no
account set, tenant tables look empty. ``platform_access`` is the one deliberate road
across accounts (``Model.all_accounts``): the platform's own BYPASSRLS connection.

It imports nothing of the app's, so ``accounts.tenancy`` (the application-level scoping)
and ``accounts.rls`` (the policies) both build on it: the security core is a straight line
``dbsession`` <- ``tenancy`` <- ``rls``.

SQLite (``make run``) has no row-level security: everything here is a no-op there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase

    from accounts.models import Account

SETTING = "app.account_id"

# The account this thread/task is working for, mirrored into the database session.
_current_account_id: ContextVar[int | None] = ContextVar("current_account_id", default=None)
_platform_depth: ContextVar[int] = ContextVar("platform_depth", default=0)


def uses_rls(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


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
    if not uses_rls(connection) or connection.connection is None:
        # Not connected yet: on_connection_created applies the account when it connects
        # (also after something closed the connection mid-way, as Celery does per task).
        return
    value = "" if account_id is None else str(int(account_id))
    # Session-level (is_local false): requests run in autocommit, where a transaction-
    # local value would end with the first statement. The caller restores it after.
    _execute_unlogged(connection, "SELECT set_config(%s, %s, false)", [SETTING, value])


def on_connection_created(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: object
) -> None:
    """A new connection starts with the current account (and platform role, if any)."""
    if connection.alias != "default" or not uses_rls(connection):
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
def account_context(account: Account | int | None) -> Iterator[None]:
    """Work for one account (an Account, its id, or None for "no account") and restore
    whatever was set before on the way out, even on error."""
    account_id: int | None = getattr(account, "pk", account)  # type: ignore[arg-type]  # an Account's pk, or the id given
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
    stands in: SET ROLE to a BYPASSRLS role on the same connection.
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


def platform_access_active() -> bool:
    """Inside ``platform_access``: reads stay on its connection (helpdesk.db_router)."""
    return bool(_platform_depth.get())
