"""gunicorn's settings for the web service (docker-compose.yml, Dockerfile): the metrics of
several workers (README, "Operations") and its own log lines as JSON like the app's.

- ``PROMETHEUS_MULTIPROC_DIR`` (a fresh temporary directory when unset): each worker
  counts into files there; a scrape of ``/metrics`` by any worker adds them up. Emptied
  when gunicorn starts (files of an earlier run would be added in for ever); a dead
  worker's live gauges are dropped.
- With ``LOG_FORMAT=json`` (the default with ``DEBUG`` off) gunicorn's own lines (start,
  worker boots and timeouts) are JSON objects too. No access log: the application's
  request line (operations/requests.py) replaces it, without paths or query strings.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Set before the workers import the application (no preload_app): without it each worker
# would answer /metrics with its own counts only. A directory of this run's own unless
# the environment names one.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="sportello-prometheus-")

_debug = os.environ.get("DEBUG", "true").lower() in ("1", "true", "yes", "on")
_format = os.environ.get("LOG_FORMAT", "text" if _debug else "json")


def on_starting(server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink(missing_ok=True)


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


if _format == "json":
    # gunicorn replaces its defaults' top-level keys with these: all of them, then.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "operations.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {
                "level": "INFO",
                "handlers": ["error_console"],
                "propagate": False,
                "qualname": "gunicorn.error",
            },
            "gunicorn.access": {
                "level": "INFO",
                "handlers": ["console"],
                "propagate": False,
                "qualname": "gunicorn.access",
            },
        },
    }
