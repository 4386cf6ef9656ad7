"""Integration: real Celery workers and Redis record the SLA alerts. Two passes at once on
two workers (two beats by mistake): every ticket's warning is recorded once, and the
trigger asking about it emails the assignee once (one outbox row per ticket)."""

from __future__ import annotations

import time
import uuid
from collections import Counter

import pytest
import redis
from celery import Celery

from automations.models import Automation
from notifications.models import Delivery
from notifications.services import trigger_create
from servicelevels.policies import sla_policy_create
from tests.factories import make_ticket
from tests.notifications.test_celery_worker import Worker, redis_url, wait_for  # noqa: F401
from tests.slow_events import slow_event_inserts
from tickets.models import TicketEvent
from tickets.services import ticket_update

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TICKETS = 20
TASK = "automations.tasks.automations_run_task"
# Each alert waits 0.15 s in the database (a trigger on its Activity line): a pass lasts
# seconds, long enough for the second one to meet the rows the first holds.


@pytest.fixture
def due_soon(acme, acme_agent, acme_user):
    """Urgent tickets whose first reply is due in 30 minutes: inside the warning hour."""
    Automation.objects.for_account(acme).update(active=False)
    sla_policy_create(
        account=acme,
        title="Urgent",
        conditions={},
        metrics=[{"priority": "urgent", "metric": "first_reply_time", "target": 30}],
    )
    trigger = trigger_create(
        account=acme,
        name="Warn the assignee",
        conditions=[{"field": "sla", "operator": "warning_reached"}],
        actions=[{"action": "email_assignee", "subject": "SLA", "body": "{{ticket.url}}"}],
    )
    tickets = []
    for n in range(TICKETS):
        ticket = make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, priority="urgent"
        )
        tickets.append(ticket_update(ticket=ticket, actor=acme_agent, assignee=acme_agent).ticket)
        del n
    with slow_event_inserts("sla_warning"):
        yield tickets, trigger


def _warnings(acme) -> Counter:
    events = TicketEvent.objects.for_account(acme).filter(field="sla_warning")
    return Counter(events.values_list("ticket_id", flat=True))


def test_two_passes_at_once_record_each_warning_once(
    redis_url,  # noqa: F811
    tmp_path,
    acme,
    due_soon,
    monkeypatch,
):
    tickets, trigger = due_soon
    monkeypatch.setenv("AUTOMATIONS_CHUNK", "1")  # a commit per alert: races land between
    queue = f"sla-alerts-test-{uuid.uuid4().hex[:8]}"
    publisher = Celery("sla-alerts-test-publisher", broker=redis_url, set_as_current=False)
    broker = redis.Redis.from_url(redis_url)
    workers = [
        Worker(redis_url=redis_url, queue=queue, mail_dir=tmp_path, send_seconds=0)
        for _ in range(2)
    ]
    try:
        for worker in workers:
            worker.start()
        time.sleep(2)  # both consuming before the two beats publish
        publisher.send_task(TASK, queue=queue)
        publisher.send_task(TASK, queue=queue)
        wait_for(lambda: broker.llen(queue) == 0, "both workers to take a pass")
        wait_for(lambda: sum(_warnings(acme).values()) >= TICKETS, "every warning")
        time.sleep(TICKETS * 0.15 + 2)  # the slower pass walks its list to the end
    finally:
        for worker in workers:
            worker.kill()
        publisher.close()
        broker.delete(queue)
    assert _warnings(acme) == Counter({t.pk: 1 for t in tickets})
    mails = Counter(
        Delivery.objects.for_account(acme)
        .filter(trigger=trigger)
        .values_list("ticket_id", flat=True)
    )
    assert mails == Counter({t.pk: 1 for t in tickets})
