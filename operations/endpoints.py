"""``/healthz``, ``/readyz`` and ``/metrics``: answered before anything else runs.

First in ``MIDDLEWARE``, so on every host name (the base domain, any account's
subdomain, an IP address: what a load balancer or ``docker-compose``'s healthcheck
sends) and before the tenant is looked up, the HTTPS redirect or a session: a probe
needs no account, and ``/healthz`` touches no database, cache or broker at all. They
are not in any URLconf, so to a client outside the operators' network
(``operations.guard``) they are what any unknown path is: the request goes on through
the stack as if this middleware were not there, to the usual 404.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from operations import health
from operations.collectors import OperationsCollector
from operations.guard import operator_allowed


def _json(payload: dict, status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload, indent=1), content_type="application/json", status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def healthz() -> HttpResponse:
    return _json({"status": "ok"}, 200)


def readyz() -> HttpResponse:
    results = health.readiness()
    failed = [name for name, check in results.items() if not check.ok]
    checks = {
        name: {"ok": check.ok, **({"detail": check.detail} if check.detail else {})}
        for name, check in results.items()
    }
    payload = {"status": "fail" if failed else "ok", "failed": failed, "checks": checks}
    return _json(payload, 503 if failed else 200)


def metrics() -> HttpResponse:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every gunicorn worker's counts, from their files (helpdesk/metrics.py).
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(OperationsCollector())
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY) + generate_latest(_scrape_time_registry())
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


def _scrape_time_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(OperationsCollector())
    return registry


ANSWERS: dict[str, Callable[[], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics,
}


class OperationsEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        answer = ANSWERS.get(request.path_info.rstrip("/") or "/")
        if answer is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not operator_allowed(request.META):
            return self.get_response(request)  # the 404 of any path no URLconf has
        return answer()
