"""The Celery app pointed at another broker for one test: a closed port (what a Redis
outage looks like to code that enqueues: ``.delay()`` raises kombu's OperationalError),
or a real Redis whose queue the test can look into."""

from __future__ import annotations

from contextlib import contextmanager

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@contextmanager
def broker_at(url: str):
    """Tasks are published (not run eagerly) to ``url``; publishing gives up at once
    rather than after kombu's retries. The app is as it was after."""
    from helpdesk.celery import app

    keys = ("task_always_eager", "broker_url", "task_publish_retry")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(task_always_eager=False, broker_url=url, task_publish_retry=False)
    _forget_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _forget_connections(app)


def broker_down():
    return broker_at(CLOSED_PORT_BROKER)


def _forget_connections(app) -> None:
    """Drop the app's pooled connections and producers, which stay bound to the broker
    they were made for (Celery forgets both after a fork the same way). Not
    ``app.close()``: that also takes the app off Celery's list of active apps, and a
    shared task imported afterwards (``api.tasks`` on its first use) is then never
    registered with it: ``NotRegistered`` in whichever test runs next."""
    app._pool = None  # what close() does, less the deregistering
    app.amqp._producer_pool = None
