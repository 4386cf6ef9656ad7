import importlib
import os
from contextlib import ExitStack

from celery import Celery, signals

from accounts.dbsession import account_context, current_account_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Row-level security in tasks: a task works for the account that was current when it
# was queued (a message header), and for no account when there was none (beat). Each of
# its transactions carries the account as a transaction-local setting (accounts.dbsession),
# so a worker's persistent or pooled connection never lends one task's account to the next.
ACCOUNT_HEADER = "sportello_account_id"


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


_task_contexts: dict[str, ExitStack] = {}


@signals.before_task_publish.connect
def _stamp_account(headers=None, **kwargs):
    if headers is not None and ACCOUNT_HEADER not in headers:
        headers[ACCOUNT_HEADER] = current_account_id()


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


@signals.task_postrun.connect
def _leave_account(task_id=None, **kwargs):
    stack = _task_contexts.pop(task_id, None)
    if stack is not None:
        stack.close()


@signals.task_postrun.connect
def _connections_after_task(task=None, **kwargs):
    _close_old_connections(task)  # after the account was reset
