"""Reads that may go to a streaming replica (``DATABASE_REPLICA_URL``), by explicit opt-in.

Nothing reads from the replica unless it runs inside ``reading_from_replica()``: the
agent's lists, counts and search, and the API's GET requests opt in (through
``helpdesk.read_your_writes``); everything else, every write and every read inside a
transaction of the primary, stays on the primary. Without a replica configured the block
is a no-op and every query goes to the primary, as before.

Inside the block, reads go to the replica unless:

- the primary is inside a transaction (``atomic``): a transaction that may write reads
  what it wrote, never a replica's older copy. The one exception is a request's own
  transaction (``ATOMIC_REQUESTS``) while nothing has written in it: a GET's;
- something in the block has written already (the router sees every ORM write through
  ``db_for_write``): the rest of the block reads the primary, its own writes included;
- the enclosed code crosses accounts on purpose (``platform_access``): the platform's
  connection is the only one that may;
- the replica could not be reached: the block reads the primary instead and the replica
  is left alone for a few seconds (a down replica degrades, never fails a page).

Row-level security holds on the replica as on the primary: it is a copy of the same
database with the same roles and policies, and the block opens one read-only transaction
on it whose first statement puts the current account (``accounts.dbsession``) in
``app.account_id`` transaction-locally, so the value ends with the block and a pooled
connection (PgBouncer in transaction mode) never carries it to another client. Without
an account set, tenant tables look empty there too.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from accounts.dbsession import SETTING, current_account_id, platform_access_active, uses_rls

logger = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"
# After a failed connection the replica is not tried again for this long (per process),
# so an unreachable replica costs one connection attempt, not one per request.
RETRY_AFTER_SECONDS = 10.0


@dataclass
class _Block:
    account_id: int | None
    # How deep in ``atomic`` blocks the primary was when the block began: deeper means a
    # transaction opened inside the block, which may write.
    primary_depth: int
    wrote: bool = False


@dataclass
class WriteLog:
    """Whether anything wrote through the ORM while it was open (``noting_writes``)."""

    wrote: bool = False


_block: ContextVar[_Block | None] = ContextVar("replica_block", default=None)
_write_log: ContextVar[WriteLog | None] = ContextVar("replica_write_log", default=None)
_replica_down_until = 0.0


def replica_configured() -> bool:
    """DATABASE_REPLICA_URL is set: a ``replica`` connection exists."""
    return REPLICA_ALIAS in connections.settings


def _primary_depth() -> int:
    return len(connections[DEFAULT_DB_ALIAS].atomic_blocks)


def _primary_transaction_may_write() -> bool:
    """The primary is inside a transaction that has written, or may have: anything but a
    request's own transaction (``ATOMIC_REQUESTS``) in which nothing has written yet."""
    primary = connections[DEFAULT_DB_ALIAS]
    if not primary.in_atomic_block:
        return False
    log = _write_log.get()
    requests_own = primary.settings_dict["ATOMIC_REQUESTS"] and _primary_depth() == 1
    return not requests_own or log is None or log.wrote


def _reads_replica_now() -> bool:
    block = _block.get()
    if (
        block is None
        or block.wrote
        or _primary_depth() > block.primary_depth
        or platform_access_active()
    ):
        return False
    account_id = current_account_id()
    if account_id != block.account_id:
        # The enclosed code switched accounts (``account_context``, as the search does
        # for its index functions): the replica's session follows, as the primary's does.
        _set_replica_account(connections[REPLICA_ALIAS], account_id)
        block.account_id = account_id
    return True


def _note_write() -> None:
    block = _block.get()
    if block is not None:
        block.wrote = True
    log = _write_log.get()
    if log is not None:
        log.wrote = True


@contextmanager
def noting_writes() -> Iterator[WriteLog]:
    """Note whether the enclosed code writes (a request: ``ReadYourWritesMiddleware``)."""
    log = WriteLog()
    token = _write_log.set(log)
    try:
        yield log
    finally:
        _write_log.reset(token)


@contextmanager
def bookkeeping_writes() -> Iterator[None]:
    """Writes no reader waits to see (when an API token was last used): they pin nobody."""
    token = _write_log.set(None)
    try:
        yield
    finally:
        _write_log.reset(token)


def _set_replica_account(replica: BaseDatabaseWrapper, account_id: int | None) -> None:
    if not uses_rls(replica):
        return
    value = "" if account_id is None else str(int(account_id))
    # Straight on the driver's cursor, as accounts.dbsession does: bookkeeping, not one of
    # the application's queries. Transaction-local: it ends with the block's transaction.
    with replica.wrap_database_errors, replica.connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, value])


@contextmanager
def reading_from_replica(*, pinned: bool = False) -> Iterator[bool]:
    """Send the enclosed reads to the replica when one is configured and may be used
    (see the module's docstring); ``pinned`` (the user wrote a moment ago) keeps them on
    the primary. Yields whether the replica is in use. Re-entrant: an inner block joins
    the outer one."""
    global _replica_down_until
    if _block.get() is not None:
        yield True
        return
    if (
        pinned
        or not replica_configured()
        or _primary_transaction_may_write()
        or platform_access_active()
        or time.monotonic() < _replica_down_until
    ):
        yield False
        return
    replica = connections[REPLICA_ALIAS]
    account_id = current_account_id()
    stack = ExitStack()
    try:
        stack.enter_context(transaction.atomic(using=REPLICA_ALIAS))
        _set_replica_account(replica, account_id)
    except DatabaseError:
        logger.warning("The read replica is unreachable; reading from the primary.", exc_info=True)
        _replica_down_until = time.monotonic() + RETRY_AFTER_SECONDS
        stack.__exit__(*sys.exc_info())  # rolls the replica's transaction back, if begun
        usable = False
    else:
        usable = True
    if not usable:
        yield False
        return
    token = _block.set(_Block(account_id, _primary_depth()))
    with stack:
        try:
            yield True
        finally:
            _block.reset(token)


def _hinted_alias(hints: dict[str, Any]) -> str:
    # Django's own choice without a router (the instance's database), except that an
    # object read from the replica is written, and read again, on the primary.
    instance = hints.get("instance")
    alias = getattr(getattr(instance, "_state", None), "db", None)
    return alias if alias and alias != REPLICA_ALIAS else DEFAULT_DB_ALIAS


class ReplicaRouter:
    """``DATABASE_ROUTERS``: the replica for reads inside ``reading_from_replica()``."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return REPLICA_ALIAS if _reads_replica_now() else _hinted_alias(hints)

    def db_for_write(self, model: type, **hints: Any) -> str:
        _note_write()
        return _hinted_alias(hints)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica is a copy of the primary: its objects relate to the primary's.
        pair = {obj1._state.db, obj2._state.db}
        return True if pair <= {DEFAULT_DB_ALIAS, REPLICA_ALIAS} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA_ALIAS else None
