"""Integration: a real Celery worker and Redis call a real local receiver. The first
request fails (500), the worker's retry (its back-off shortened to a second) succeeds,
and duplicate task messages for the sent call send nothing more."""

from __future__ import annotations

import time
import uuid
from unittest import mock

import pytest
import redis
from celery import Celery

from notifications.services import trigger_create
from tests.factories import make_ticket
from tests.notifications.test_celery_worker import Worker, wait_for
from tests.notifications.test_celery_worker import redis_url as redis_url  # noqa: F401 - fixture
from webhooks.models import WebhookAttempt, WebhookCall
from webhooks.services import webhook_create


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_and_never_sends_a_sent_call_again(
    redis_url,  # noqa: F811 - the fixture imported above
    tmp_path,
    acme,
    acme_admin,
    acme_agent,
    receiver,
):
    queue = f"webhook-test-{uuid.uuid4().hex[:8]}"
    publisher = Celery("webhook-test-publisher", broker=redis_url, set_as_current=False)
    broker = redis.Redis.from_url(redis_url)

    def publish(pk):
        publisher.send_task("webhooks.tasks.webhook_call_send_task", args=[pk], queue=queue)

    webhook = webhook_create(account=acme, actor=acme_admin, name="Local", endpoint=receiver.url)
    trigger_create(
        account=acme,
        name="Tell the receiver",
        conditions=[{"field": "update_type", "operator": "is", "value": "created"}],
        actions=[{"action": "notify_webhook", "value": str(webhook.number), "body": ""}],
    )
    receiver.answers = ["500"]
    worker = Worker(redis_url=redis_url, queue=queue, mail_dir=tmp_path, send_seconds=0)
    worker.env.update(
        WEBHOOKS_ALLOW_LOCALHOST="true",
        WEBHOOKS_RETRY_BASE_SECONDS="1",
        WEBHOOKS_READ_TIMEOUT="2",
    )
    try:
        worker.start()
        with mock.patch("webhooks.tasks.webhook_call_send_task.delay", publish):
            ticket = make_ticket(account=acme, submitter=acme_agent, subject="Worker test")
        [call] = WebhookCall.objects.for_account(acme)
        wait_for(
            lambda: WebhookCall.objects.for_account(acme).filter(state="sent").exists(),
            "the call to be sent after its retry",
        )
        for _ in range(3):  # duplicates, as a re-delivered message would be
            publish(call.pk)
        wait_for(lambda: broker.llen(queue) == 0, "the duplicates to be consumed")
        time.sleep(1)  # the last one may still be running: it must find nothing to send
    finally:
        worker.kill()
        publisher.close()
        broker.delete(queue)
    assert [r.json()["ticket"]["title"] for r in receiver.received] == ["Worker test"] * 2
    webhook.refresh_from_db()
    assert all(r.signature_valid(webhook.signing_secret) for r in receiver.received)
    attempts = WebhookAttempt.objects.for_account(acme).order_by("id")
    assert [(a.status_code, a.succeeded) for a in attempts] == [(500, False), (200, True)]
    assert ticket.number == 1
