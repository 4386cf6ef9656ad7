"""Logs as one JSON object per line (``LOG_FORMAT=json``, the default with ``DEBUG`` off).

Every line carries the request's or task's id, and the account and user it works for
as ids (``RequestContextFilter``); the request line adds the view, method, status,
duration and SQL count (``operations.requests``). Personal data stays out: the fields
are ids and names of code, and an email address that a message or a traceback would
carry is replaced by ``[email]`` before the line is written, and Django's own lines
about a response name the view instead of the path.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from contextvars import ContextVar
from typing import Any

from celery import current_task
from django.http import HttpRequest
from django.utils.functional import empty

from accounts.dbsession import current_account_id
from helpdesk.request_id import current_request_id

# The request being answered, for the log lines written while it is (set by
# operations.requests; a task has none).
current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Fields a call may pass with ``extra=`` that make it into the JSON line; anything else
# passed that way is left out, so a careless ``extra`` cannot add personal data.
EXTRA_FIELDS = (
    "view",
    "method",
    "status",
    "duration_ms",
    "sql_queries",
)
CONTEXT_FIELDS = ("request_id", "account", "account_id", "user_id", "task", "task_id")


def redact(text: str) -> str:
    return EMAIL.sub("[email]", text)


def _without_path(record: logging.LogRecord, message: str) -> str:
    """Django's own lines about a response ("Not Found: /reset/<uid>/<token>/") name the
    view instead of the path, which can hold tokens and file keys."""
    request = getattr(record, "request", None)
    if not isinstance(request, HttpRequest) or not request.path:
        return message
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match is not None and match.view_name else "unresolved"
    escaped = request.path.encode("unicode_escape").decode("ascii")  # as Django logs it
    return message.replace(escaped, f"[{name}]")


def request_user_id(request: HttpRequest | None) -> int | None:
    """The signed-in user's id, if the request has already loaded its user (a log line
    never makes it load one)."""
    if request is None:
        return None
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)
    if user is None or wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return getattr(wrapped, "pk", None)


class RequestContextFilter(logging.Filter):
    """Adds the request id, the account and the user, and the Celery task if one runs,
    to every record (for the text format too: ``%(request_id)s``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request.get()
        account = getattr(request, "account", None) if request is not None else None
        defaults: dict[str, Any] = {
            "request_id": current_request_id(),
            "account": account.subdomain if account is not None else "",
            "account_id": account.pk if account is not None else current_account_id(),
            "user_id": request_user_id(request),
            "task": None,
            "task_id": None,
        }
        if current_task:  # a Celery task is running (in a worker, or eagerly)
            defaults["task"] = current_task.name
            defaults["task_id"] = current_task.request.id
        for name, value in defaults.items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(_without_path(record, record.getMessage())),
        }
        for name in CONTEXT_FIELDS + EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value not in (None, ""):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Development: readable, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s %(request_id)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = ""
        return super().format(record)
