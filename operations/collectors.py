"""Gauges read when Prometheus scrapes: the outbox's rows and the Celery queues.

They describe shared state (the database, the broker), not a process, so they are read
from there at each scrape, by whichever web process answers, and never kept in
prometheus-client's per-process files. A source that cannot be read is reported as
``sportello_metrics_source_up{source=...} 0`` and its gauges are left out: the scrape
itself never fails, so the request metrics still arrive while the database is down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from helpdesk.celery import app as celery_app
from notifications.models import Delivery
from operations import health

logger = logging.getLogger(__name__)

PENDING = (Delivery.State.QUEUED, Delivery.State.SENDING)


def _queue_names() -> list[str]:
    queues = celery_app.conf.task_queues
    names = [q.name for q in queues] if queues else []
    return names or [celery_app.conf.task_default_queue]


def queue_lengths() -> dict[str, int]:
    """Messages waiting in each queue: the Redis list the transport keeps per queue
    (kombu's priority steps are lists of their own, named ``<queue>\\x06\\x16<n>``)."""
    import redis

    client = redis.Redis.from_url(
        celery_app.conf.broker_url, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        lengths = {}
        for name in _queue_names():
            keys = [name] + [f"{name}\x06\x16{step}" for step in range(1, 10)]
            with client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.llen(key)
                lengths[name] = sum(pipe.execute())
        return lengths
    finally:
        client.close()


class OperationsCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily(
            "sportello_metrics_source_up",
            "Whether the source of the scrape-time gauges could be read (1) or not (0).",
            labels=["source"],
        )
        yield from self._outbox(up)
        yield from self._queues(up)
        yield up

    def _outbox(self, up: GaugeMetricFamily) -> Iterator[GaugeMetricFamily]:
        try:
            rows = list(
                Delivery.all_accounts.filter(state__in=[*PENDING, Delivery.State.FAILED])
                .values("kind", "state")
                .annotate(n=Count("*"))  # COUNT(*): index-only on delivery_state_kind
                .order_by()
            )
            age = health.oldest_pending_age()
        except Exception:  # noqa: BLE001 - reported as the source being down
            logger.warning("Metrics: the outbox could not be read", exc_info=True)
            up.add_metric(["database"], 0)
            return
        up.add_metric(["database"], 1)
        pending = {kind: 0 for kind in Delivery.Kind.values}
        failed = dict(pending)
        for row in rows:
            target = failed if row["state"] == Delivery.State.FAILED else pending
            target[row["kind"]] = target.get(row["kind"], 0) + row["n"]
        for name, help_text, values in (
            ("sportello_outbox_pending", "Emails queued or being sent, by kind.", pending),
            ("sportello_outbox_failed", "Emails that failed for good, by kind.", failed),
        ):
            family = GaugeMetricFamily(name, help_text, labels=["kind"])
            for kind, count in sorted(values.items()):
                family.add_metric([kind], count)
            yield family
        yield GaugeMetricFamily(
            "sportello_outbox_oldest_pending_age_seconds",
            "How long the oldest email due to be sent has waited (0: none waits).",
            value=age.total_seconds() if age else 0,
        )

    def _queues(self, up: GaugeMetricFamily) -> Iterator[GaugeMetricFamily]:
        broker_url = str(celery_app.conf.broker_url or "")
        if celery_app.conf.task_always_eager or not broker_url.startswith(("redis", "rediss")):
            return  # no broker, or one whose queues are not Redis lists
        try:
            lengths = queue_lengths()
        except Exception:  # noqa: BLE001
            logger.warning("Metrics: the broker's queues could not be read", exc_info=True)
            up.add_metric(["broker"], 0)
            return
        up.add_metric(["broker"], 1)
        family = GaugeMetricFamily(
            "sportello_celery_queue_length",
            "Tasks waiting in the broker, by queue.",
            labels=["queue"],
        )
        for name, length in sorted(lengths.items()):
            family.add_metric([name], length)
        yield family
