"""Each request's id, metrics and one log line.

Wraps the whole stack (second in ``MIDDLEWARE``, after the operations endpoints, which
are neither counted nor logged: probes every few seconds would drown the rest), so
what it reads after the response exists is all known by then: the account
(``TenantMiddleware``), the user, the resolved view, the status. The log line names the
view, never the path: paths carry reset tokens and file keys, query strings carry what
people searched for.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

from helpdesk import metrics
from helpdesk.request_id import HEADER, request_id_of, reset_request_id, set_request_id
from operations.logs import current_request, request_user_id

logger = logging.getLogger("sportello.request")

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNRESOLVED = "unresolved"


class QueryCounter:
    """Counts the SQL statements the application runs on any connection."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context):
        self.count += 1
        return execute(sql, params, many, context)


def view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None and match.view_name else UNRESOLVED


def account_label(request: HttpRequest) -> str | None:
    account = getattr(request, "account", None)
    if account is None:
        return None
    return account.subdomain if account.subdomain in settings.METRICS_ACCOUNTS else "other"


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        request.request_id = request_id  # type: ignore[attr-defined]  # ours, for views and logs
        id_token = set_request_id(request_id)
        request_token = current_request.set(request)
        queries = QueryCounter()
        started = time.perf_counter()
        try:
            with ExitStack() as stack:
                for connection in connections.all():
                    stack.enter_context(connection.execute_wrapper(queries))
                response = self.get_response(request)
            duration = time.perf_counter() - started
            response[HEADER] = request_id
            self._record(request, response, duration, queries.count)
            return response
        finally:
            current_request.reset(request_token)
            reset_request_id(id_token)

    def _record(
        self, request: HttpRequest, response: HttpResponse, duration: float, queries: int
    ) -> None:
        view = view_name(request)
        method = request.method if request.method in METHODS else "other"
        metrics.HTTP_REQUESTS.labels(
            view=view, method=method, status=str(response.status_code)
        ).inc()
        metrics.HTTP_DURATION.labels(view=view).observe(duration)
        metrics.HTTP_SQL_QUERIES.labels(view=view).observe(queries)
        account = account_label(request)
        if account is not None:
            metrics.HTTP_REQUESTS_BY_ACCOUNT.labels(account=account).inc()
        logger.info(
            "%s %s %s",
            method,
            view,
            response.status_code,
            extra={
                "view": view,
                "method": method,
                "status": response.status_code,
                "duration_ms": round(duration * 1000, 1),
                "sql_queries": queries,
                "user_id": request_user_id(request),
            },
        )
