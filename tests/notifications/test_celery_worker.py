"""Integration: a real Celery worker and Redis. A comment leads to exactly one email per
recipient (its rows sent as one batch task); with the worker killed mid-batch and
restarted (and the sweeper doing its periodic job), still exactly one each."""

from __future__ import annotations

import email
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis
from celery import Celery
from django.db import connection

from notifications.models import Delivery
from notifications.outbox import deliveries_sweep
from tests.factories import EndUserFactory, make_ticket
from tickets.services import comment_add, ticket_set_ccs

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
IN_CI = os.environ.get("CI", "").lower() == "true"
WAIT_SECONDS = 60


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url():
    if not _redis_up():
        if IN_CI:
            pytest.fail("Redis is not running; .ci/run starts it")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return REDIS_URL


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A `celery worker` subprocess on its own queue, talking to the test database."""

    def __init__(self, *, redis_url: str, queue: str, mail_dir: Path, send_seconds: float):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.celery_worker_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": redis_url,
            "NOTIFY_TEST_MAIL_DIR": str(mail_dir),
            "NOTIFY_TEST_SEND_SECONDS": str(send_seconds),
            "NOTIFY_TEST_LEASE_SECONDS": "2",
        }
        self.queue = queue
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "helpdesk",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                self.queue,
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=WARNING",
                "-n",
                f"{self.queue}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def wait_for(predicate, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


def recipients_in(mail_dir: Path) -> list[str]:
    found = []
    for path in mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        found.append(message["To"])
    return sorted(found)


@pytest.mark.django_db(transaction=True)
def test_exactly_one_email_per_recipient_even_when_the_worker_dies(
    redis_url, tmp_path, acme, acme_agent, acme_user, settings
):
    settings.NOTIFICATIONS_SEND_LEASE_SECONDS = 2
    queue = f"notify-test-{uuid.uuid4().hex[:8]}"
    # Not the current app: shared tasks imported later (api.tasks...) would then be
    # looked up in this bare publisher, and other tests' .delay() would fail.
    publisher = Celery("notify-test-publisher", broker=redis_url, set_as_current=False)
    broker = redis.Redis.from_url(redis_url)

    def publish(pk):
        publisher.send_task("notifications.tasks.delivery_send_task", args=[pk], queue=queue)

    def publish_batch(pks):  # a change's rows travel as one task
        publisher.send_task("notifications.tasks.deliveries_send_task", args=[pks], queue=queue)

    def publishing():
        return mock.patch.multiple(
            "notifications.tasks",
            delivery_send_task=mock.Mock(delay=publish),
            deliveries_send_task=mock.Mock(delay=publish_batch),
        )

    ccs = [EndUserFactory(account=acme, email=f"cc{n}@customer.example") for n in range(4)]
    with (
        mock.patch("notifications.tasks.delivery_send_task.delay"),
        mock.patch("notifications.tasks.deliveries_send_task.delay"),
    ):
        ticket = make_ticket(account=acme, submitter=acme_user)
        ticket_set_ccs(ticket=ticket, actor=acme_agent, users=ccs)
    Delivery.objects.for_account(acme).delete()
    expected = sorted([acme_user.email, *(c.email for c in ccs)])

    worker = Worker(redis_url=redis_url, queue=queue, mail_dir=tmp_path, send_seconds=1.5)
    try:
        worker.start()
        with publishing():
            comment_add(ticket=ticket, author=acme_agent, body="Please restart the printer.")
        assert Delivery.objects.for_account(acme).count() == len(expected)

        # Kill it while it is inside a send: one email out, the next one started.
        wait_for(
            lambda: (
                len(recipients_in(tmp_path)) >= 1
                and len(list(tmp_path.glob("*.started"))) > len(recipients_in(tmp_path))
            ),
            "the worker to be in the middle of its second email",
        )
        worker.kill()
        assert len(recipients_in(tmp_path)) < len(expected)

        worker.start()
        # The killed task's message is not redelivered before Redis's visibility timeout:
        # the periodic sweeper re-queues the rows once their send lease is over (at once,
        # not after the two minutes a queued row waits before it counts as lost).
        time.sleep(settings.NOTIFICATIONS_SEND_LEASE_SECONDS + 0.5)
        with publishing():
            assert deliveries_sweep()
        wait_for(
            lambda: (
                not Delivery.objects.for_account(acme).exclude(state=Delivery.State.SENT).exists()
            ),
            "every delivery to be sent",
        )
        # A duplicate message for a sent row (a sweep racing a live task) sends nothing.
        pks = list(Delivery.objects.for_account(acme).values_list("pk", flat=True))
        for pk in pks:
            publish(pk)
        publish_batch(pks)  # the killed batch, should Redis hand it out again
        wait_for(lambda: broker.llen(queue) == 0, "the duplicates to be consumed")
        time.sleep(1)  # the last one may still be running: it must find nothing to send
    finally:
        worker.kill()
        publisher.close()
        broker.delete(queue)
    assert recipients_in(tmp_path) == expected
