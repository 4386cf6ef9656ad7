"""Liveness and readiness: what ``/healthz`` and ``/readyz`` check.

Liveness is the process answering, nothing more (the proxy's and the orchestrator's
"restart it?" question must not turn a database outage into restarts). Readiness is
everything a request or an email depends on: the database reachable and migrated, the
shared cache (Redis) and the Celery broker reachable, and the outbox moving: its oldest
row waiting to be sent (queued and due) younger than ``READYZ_OUTBOX_MAX_AGE_MINUTES``.

Each check answers for itself and never raises: one dependency down names itself and
the others still report.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from helpdesk.celery import app as celery_app
from notifications.models import Delivery


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str = ""


def _error(exc: BaseException) -> str:
    # The first line is enough to act on; drivers write hosts and ports, never passwords.
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300]


def database() -> Check:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - whatever the driver raises, it is "down"
        return Check(False, _error(exc))
    return Check(True)


def migrations() -> Check:
    """Every migration this code knows of is applied (an upgrade whose ``migrate`` has
    not run, or failed, serves code the tables do not match)."""
    try:
        executor = MigrationExecutor(connections["default"])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # noqa: BLE001
        return Check(False, _error(exc))
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        more = f" and {len(plan) - 5} more" if len(plan) > 5 else ""
        return Check(False, f"{len(plan)} unapplied: {names}{more}")
    return Check(True)


def shared_cache() -> Check:
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return Check(True, "local memory (no REDIS_URL)")
    key = f"sportello:readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001 - redis-py's errors and the like
        return Check(False, _error(exc))
    return Check(True) if found == "1" else Check(False, "a value written was not read back")


def broker() -> Check:
    if celery_app.conf.task_always_eager:
        return Check(True, "none: tasks run in-process (no broker configured)")
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=2
            )
    except Exception as exc:  # noqa: BLE001 - kombu's OperationalError and the like
        return Check(False, _error(exc))
    return Check(True)


def oldest_pending_age(now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the oldest email due to be sent has waited; None when none waits.
    A row in back-off after a failed attempt counts from when it became due again."""
    now = now or timezone.now()
    due = (
        Delivery.all_accounts.filter(state=Delivery.State.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)[:1]
    )
    rows = list(due)  # the index delivery_sweep (state, next_attempt_at): one row read
    return now - rows[0] if rows else None


def outbox() -> Check:
    limit = dt.timedelta(minutes=settings.READYZ_OUTBOX_MAX_AGE_MINUTES)
    try:
        age = oldest_pending_age()
    except Exception as exc:  # noqa: BLE001
        return Check(False, _error(exc))
    if age is not None and age > limit:
        return Check(
            False,
            f"oldest pending email waited {int(age.total_seconds())} s "
            f"(limit {int(limit.total_seconds())} s): are the worker and beat running?",
        )
    return Check(True)


READINESS: dict[str, Callable[[], Check]] = {
    "database": database,
    "migrations": migrations,
    "cache": shared_cache,
    "broker": broker,
    "outbox": outbox,
}
# Not worth asking while the database is down: they would only repeat its error.
NEEDS_DATABASE = ("migrations", "outbox")


def readiness() -> dict[str, Check]:
    results: dict[str, Check] = {}
    for name, check in READINESS.items():
        if name in NEEDS_DATABASE and not results["database"].ok:
            results[name] = Check(False, "not checked: the database is unreachable")
            continue
        results[name] = check()
    return results
