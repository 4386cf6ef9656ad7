from __future__ import annotations

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        import logging

        from celery import signals
        from django.conf import settings

        if settings.LOG_FORMAT == "json":
            # Python's warnings as log records too: one JSON object per line, always.
            logging.captureWarnings(True)

        from operations.worker_metrics import on_worker_init

        # A Celery worker sets Django up (its import_modules signal) before worker_init.
        signals.worker_init.connect(on_worker_init, weak=False)
