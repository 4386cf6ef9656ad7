"""The sweeper re-queues what is really stuck, and soon: a dead worker's rows one short
lease after its death (a live worker renews its lease while it sends, however long a
send takes), rows whose task never reached the broker at once, and rows whose message
was lost once the queue is empty; never rows merely waiting behind a long queue."""

import datetime as dt
import socket

import pytest
import redis
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from notifications.claims import lease_seconds
from notifications.models import Delivery
from notifications.outbox import deliveries_sweep, delivery_send
from tests.broker import broker_at

SWEEP_TASK = "notifications.tasks.deliveries_sweep_task"
SEND_ONE = "notifications.tasks.delivery_send_task"
TEST_BROKER = "redis://127.0.0.1:6379/13"


def make_row(account, n=0, **fields) -> Delivery:
    return Delivery.objects.create(
        account=account,
        to_email=f"person{n}@customer.example",
        from_email="support@acme.localhost",
        subject=f"Row {n}",
        body_text="Hello",
        **fields,
    )


def test_a_killed_workers_emails_leave_within_90_seconds(settings):
    """Its rows are free one lease after its last renewal, and the next sweep (at most
    one beat interval later) re-queues them."""
    [sweep] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == SWEEP_TASK]
    assert lease_seconds() + sweep["schedule"] <= 90


class SlowBackend(BaseEmailBackend):
    """Holds the send until the row's lease has been renewed past its first length, then
    runs the sweeper, as a beat tick during a slow send would."""

    swept: list = []

    def send_messages(self, messages):
        row = Delivery.all_accounts.get(to_email=messages[0].to[0])
        first = row.claimed_at
        deadline = timezone.now() + dt.timedelta(seconds=30)
        while timezone.now() < deadline:
            row.refresh_from_db(fields=["claimed_at"])
            if row.claimed_at > first + dt.timedelta(seconds=lease_seconds()):
                break
        else:
            raise AssertionError("the lease was never renewed during the send")
        SlowBackend.swept = deliveries_sweep(stale_after=0)
        mail.outbox.extend(messages)
        return len(messages)


@pytest.mark.django_db(transaction=True)
def test_a_live_worker_keeps_its_lease_through_a_send_slower_than_the_lease(acme, settings):
    settings.NOTIFICATIONS_SEND_LEASE_SECONDS = 1.5
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.SlowBackend"}}
    mail.outbox = []
    row = make_row(acme)
    assert delivery_send(delivery_id=row.pk).state == "sent"
    assert SlowBackend.swept == []  # the sweeper left the row to its live worker
    row.refresh_from_db()
    assert (row.state, row.attempts, len(mail.outbox)) == (Delivery.State.SENT, 1, 1)


@pytest.fixture
def busy_broker():
    """A real Redis as the broker, its mail queue holding one task nobody consumes."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    queue = redis.Redis.from_url(TEST_BROKER)
    queue.delete("mail", "default")
    with broker_at(TEST_BROKER) as app:
        app.send_task(SEND_ONE, args=[0])  # a backlog of one; routed to "mail"
        yield queue
    queue.delete("mail", "default")
    queue.close()


def test_rows_waiting_behind_a_busy_queue_are_left_to_their_tasks(acme, busy_broker):
    old = timezone.now() - dt.timedelta(minutes=10)
    waiting = [make_row(acme, n, created_at=old, next_attempt_at=old) for n in range(5)]
    lost = make_row(acme, 9, created_at=old, next_attempt_at=old, enqueue_failed=True)
    assert busy_broker.llen("mail") == 1

    # The queue is busy: only the row known to have no task is enqueued.
    assert deliveries_sweep() == [lost.pk]
    assert busy_broker.llen("mail") == 2
    lost.refresh_from_db()
    assert lost.enqueue_failed is False  # its task is in the queue now
    assert deliveries_sweep() == []  # and is not sent a second one

    # The queue drained and they are still queued: their messages were lost.
    busy_broker.delete("mail")
    assert sorted(deliveries_sweep()) == sorted(row.pk for row in waiting + [lost])
    assert busy_broker.llen("mail") == 1  # one batch task for the six


def test_a_dead_workers_rows_are_taken_back_even_while_the_queue_is_busy(acme, busy_broker):
    expired = timezone.now() - dt.timedelta(seconds=lease_seconds() + 1)
    dead = make_row(acme, state=Delivery.State.SENDING, claim_token="dead", claimed_at=expired)
    live = make_row(
        acme, 1, state=Delivery.State.SENDING, claim_token="live", claimed_at=timezone.now()
    )
    assert deliveries_sweep() == [dead.pk]
    dead.refresh_from_db()
    live.refresh_from_db()
    assert (dead.state, dead.claim_token) == (Delivery.State.QUEUED, "")
    assert (live.state, live.claim_token) == (Delivery.State.SENDING, "live")
    assert busy_broker.llen("mail") == 2


def test_a_backlog_in_another_queue_does_not_hold_up_lost_rows(acme, busy_broker):
    """Only the mail queue's backlog can hide a row's task: bulk jobs waiting in
    ``default`` do not keep the sweeper from sending rows whose message was lost."""
    busy_broker.delete("mail")
    with broker_at(TEST_BROKER) as app:
        for _ in range(3):
            app.send_task(SWEEP_TASK)
    assert (busy_broker.llen("default"), busy_broker.llen("mail")) == (3, 0)
    old = timezone.now() - dt.timedelta(minutes=10)
    lost = make_row(acme, created_at=old, next_attempt_at=old)
    assert deliveries_sweep() == [lost.pk]
    assert busy_broker.llen("mail") == 1
