"""A Celery worker's metrics (task durations: ``helpdesk.metrics.TASK_DURATION``), served
by the worker itself on ``CELERY_METRICS_PORT``: its tasks run in the pool's processes,
in another container than the web's, so ``/metrics`` of the web cannot see them.

The pool's processes count into ``PROMETHEUS_MULTIPROC_DIR`` (set it for the worker as
for gunicorn; emptied when the worker starts), and the worker's main process serves
their sum over HTTP, to the same clients as ``/metrics`` (``operations.guard``); anyone
else gets a 404.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import REGISTRY, CollectorRegistry, make_wsgi_app, multiprocess

from operations.guard import operator_allowed

logger = logging.getLogger(__name__)


def clear_multiprocess_dir() -> None:
    """A fresh start: files of processes of an earlier run would be added in for ever."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    for stale in Path(directory).glob("*.db"):
        stale.unlink(missing_ok=True)


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def guarded_app() -> Callable[..., Iterable[bytes]]:
    metrics_app = make_wsgi_app(_registry())

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").rstrip("/") != "/metrics" or not operator_allowed(environ):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not Found\n"]
        return metrics_app(environ, start_response)

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass  # a scrape every 15 s is not news


def serve(port: int, address: str = "0.0.0.0") -> WSGIServer:  # noqa: S104 - the container's
    server = make_server(address, port, guarded_app(), handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    logger.info("Worker metrics served on port %s at /metrics", port)
    return server


def on_worker_init(**kwargs: Any) -> None:
    """Before the pool forks: a fresh ``PROMETHEUS_MULTIPROC_DIR``, and the worker's own
    ``/metrics`` when ``CELERY_METRICS_PORT`` is set."""
    from django.conf import settings

    clear_multiprocess_dir()
    if settings.CELERY_METRICS_PORT:
        serve(settings.CELERY_METRICS_PORT)
