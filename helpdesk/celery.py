import importlib
import os
import time
from contextlib import ExitStack

from celery import Celery, signals

from accounts.dbsession import account_context, current_account_id
from helpdesk import metrics
from helpdesk.request_id import (
    current_request_id,
    reset_request_id,
    set_request_id,
    well_formed,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Row-level security in tasks: a task works for the account that was current when it
# was queued (a message header), and for no account when there was none (beat). Each of
# its transactions carries the account as a transaction-local setting (accounts.dbsession),
# so a worker's persistent or pooled connection never lends one task's account to the next.
ACCOUNT_HEADER = "sportello_account_id"
# The id of the request (or task) that queued it, for its log lines and its emails
# (helpdesk/request_id.py); a task queued by none (beat) goes by its own task id.
REQUEST_ID_HEADER = "sportello_request_id"


def task_enqueue(name: str, args: tuple, *, countdown: int | None = None):
    """Queue the task registered as ``name`` (``"<app>.tasks.<function>"``).

    Tasks import the services they call, so a service hands work to a task by its name,
    never by importing it (HackSoft's one-way rule; a cycle hidden in a function body is
    still a cycle). The name is resolved the way a worker resolves it, through the
    task's module, so ``delay``/``apply_async`` behave exactly as called directly:
    through the broker, or in place when tasks run eagerly (tests, `make run`).
    """
    module, _, attribute = name.rpartition(".")
    task = getattr(importlib.import_module(module), attribute)
    if countdown is None:
        return task.delay(*args)
    return task.apply_async(args, countdown=countdown)


def task_queue(name: str) -> str:
    """The broker queue the task registered as ``name`` is published to (CELERY_TASK_ROUTES,
    else the default queue): where its backlog is to be read."""
    return str(app.amqp.router.route({}, name)["queue"].name)


_task_contexts: dict[str, ExitStack] = {}


@signals.before_task_publish.connect
def _stamp_account(headers=None, **kwargs):
    if headers is not None and ACCOUNT_HEADER not in headers:
        headers[ACCOUNT_HEADER] = current_account_id()


@signals.before_task_publish.connect
def _stamp_request_id(headers=None, **kwargs):
    if headers is not None and REQUEST_ID_HEADER not in headers and current_request_id():
        headers[REQUEST_ID_HEADER] = current_request_id()


def _header(request, name: str):
    """A custom header: a worker exposes it as a request attribute, apply() in .headers."""
    if hasattr(request, name):
        return getattr(request, name)
    return (getattr(request, "headers", None) or {}).get(name)


def _queued_account(request) -> int | None | bool:
    """The header's account id (None: queued with no account); False when absent."""
    # A worker exposes custom headers as request attributes; apply() keeps them in .headers.
    if hasattr(request, ACCOUNT_HEADER):
        return getattr(request, ACCOUNT_HEADER)
    return (getattr(request, "headers", None) or {}).get(ACCOUNT_HEADER, False)


def _close_old_connections(task) -> None:
    """A worker's database connection lives as long as a web worker's: CONN_MAX_AGE, and
    not past an error (Celery's own close-every-task is off: CELERY_DB_REUSE_MAX)."""
    if task is None or getattr(task.request, "is_eager", False):
        return
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        # Never inside a transaction (a test executing a task as a worker does).
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


@signals.task_prerun.connect
def _connections_before_task(task=None, **kwargs):
    _close_old_connections(task)  # before the account is set on the connection


@signals.task_prerun.connect
def _enter_account(task_id=None, task=None, **kwargs):
    if task is None:
        return
    account_id = _queued_account(task.request)
    if account_id is False:
        if getattr(task.request, "is_eager", False):
            return  # eager: runs inside its caller, with the caller's account
        account_id = None
    stack = ExitStack()
    stack.enter_context(account_context(account_id))
    _task_contexts[task_id] = stack


_task_observations: dict[str, tuple[float, object]] = {}


@signals.task_prerun.connect
def _observe_task(task_id=None, task=None, **kwargs):
    if task is None or task_id is None:
        return
    token = None
    queued_by = _header(task.request, REQUEST_ID_HEADER)
    if well_formed(queued_by):
        token = set_request_id(queued_by)
    elif not current_request_id():  # eager tasks keep their caller's id
        token = set_request_id(task_id)
    _task_observations[task_id] = (time.perf_counter(), token)


@signals.task_postrun.connect
def _task_observed(task_id=None, task=None, state=None, **kwargs):
    started, token = _task_observations.pop(task_id, (None, None))
    if started is None or task is None:
        return
    metrics.TASK_DURATION.labels(task=task.name, state=str(state or "unknown").lower()).observe(
        time.perf_counter() - started
    )
    if token is not None:
        reset_request_id(token)


@signals.task_postrun.connect
def _leave_account(task_id=None, **kwargs):
    stack = _task_contexts.pop(task_id, None)
    if stack is not None:
        stack.close()


@signals.task_postrun.connect
def _connections_after_task(task=None, **kwargs):
    _close_old_connections(task)  # after the account was reset
