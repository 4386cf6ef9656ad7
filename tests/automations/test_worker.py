"""Integration: real Celery workers and Redis run the scheduled pass. A worker killed in
the middle of a pass, then a fresh pass, and two passes at once on two workers (two beats
by mistake): every matching ticket is closed by the automation exactly once, with one
"Automation" line in its Activity and one status change."""

from __future__ import annotations

import time
import uuid
from collections import Counter

import pytest
import redis
from celery import Celery

from automations.models import Automation
from tests.automations.conftest import age
from tests.factories import make_ticket
from tests.notifications.test_celery_worker import Worker, redis_url, wait_for  # noqa: F401
from tests.slow_events import slow_event_inserts
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_update

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TICKETS = 30
TASK = "automations.tasks.automations_run_task"
# Each application waits 0.15 s in the database (a trigger on its Activity line), so a
# pass over TICKETS tickets lasts seconds: long enough to be killed, or raced, midway.


@pytest.fixture
def solved_long_ago(acme, acme_agent):
    tickets = []
    for n in range(TICKETS):
        ticket = make_ticket(account=acme, submitter=acme_agent, subject=f"Old {n}")
        ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.SOLVED)
        tickets.append(age(ticket, solved_at=100))
    return tickets


@pytest.fixture
def slow_applications():
    with slow_event_inserts("automation"):
        yield


def _closed(acme) -> int:
    return Ticket.objects.for_account(acme).filter(status=Ticket.Status.CLOSED).count()


def _applications(acme) -> tuple[Counter, Counter]:
    """Per ticket: its "Automation" Activity lines, and its changes to Closed."""
    events = TicketEvent.objects.for_account(acme).filter(kind=TicketEvent.Kind.CHANGE)
    lines = Counter(events.filter(field="automation").values_list("ticket_id", flat=True))
    closes = Counter(
        events.filter(field="status", new_value="closed").values_list("ticket_id", flat=True)
    )
    return lines, closes


def _assert_each_closed_once(acme, tickets) -> None:
    lines, closes = _applications(acme)
    assert _closed(acme) == TICKETS
    assert lines == Counter({t.pk: 1 for t in tickets})
    assert closes == Counter({t.pk: 1 for t in tickets})


def _workers(redis_url, queue, tmp_path, count, monkeypatch):  # noqa: F811
    # A transaction per ticket (not per chunk): the pass commits as it goes, so a kill
    # lands between commits and a racing pass meets tickets already done.
    monkeypatch.setenv("AUTOMATIONS_CHUNK", "1")
    return [
        Worker(redis_url=redis_url, queue=queue, mail_dir=tmp_path, send_seconds=0)
        for _ in range(count)
    ]


def test_a_worker_killed_mid_pass_then_a_new_pass_closes_each_ticket_once(
    redis_url,  # noqa: F811
    tmp_path,
    acme,
    solved_long_ago,
    slow_applications,
    monkeypatch,
):
    assert Automation.objects.for_account(acme).filter(default_key="close_solved", active=True)
    queue = f"automations-test-{uuid.uuid4().hex[:8]}"
    publisher = Celery("automations-test-publisher", broker=redis_url, set_as_current=False)
    broker = redis.Redis.from_url(redis_url)
    (worker,) = _workers(redis_url, queue, tmp_path, 1, monkeypatch)
    try:
        worker.start()
        publisher.send_task(TASK, queue=queue)
        wait_for(lambda: _closed(acme) >= 3, "the pass to be under way")
        worker.kill()
        interrupted = _closed(acme)
        assert 3 <= interrupted < TICKETS  # killed mid-pass: some closed, some not

        worker.start()
        publisher.send_task(TASK, queue=queue)  # the next beat
        wait_for(lambda: _closed(acme) == TICKETS, "the next pass to close the rest")
        wait_for(lambda: broker.llen(queue) == 0, "the queue to drain")
        time.sleep(1)
    finally:
        worker.kill()
        publisher.close()
        broker.delete(queue)
    _assert_each_closed_once(acme, solved_long_ago)


def test_two_passes_at_once_never_apply_an_automation_twice_to_a_ticket(
    redis_url,  # noqa: F811
    tmp_path,
    acme,
    solved_long_ago,
    slow_applications,
    monkeypatch,
):
    queue = f"automations-test-{uuid.uuid4().hex[:8]}"
    publisher = Celery("automations-test-publisher", broker=redis_url, set_as_current=False)
    broker = redis.Redis.from_url(redis_url)
    workers = _workers(redis_url, queue, tmp_path, 2, monkeypatch)
    try:
        for worker in workers:
            worker.start()
        time.sleep(2)  # both consuming before the two beats publish
        publisher.send_task(TASK, queue=queue)
        publisher.send_task(TASK, queue=queue)
        wait_for(lambda: broker.llen(queue) == 0, "both workers to take a pass")
        wait_for(lambda: _closed(acme) == TICKETS, "the passes to close every ticket")
        # The slower pass is still walking its list: it must find nothing left to do.
        time.sleep(TICKETS * 0.15 + 2)
    finally:
        for worker in workers:
            worker.kill()
        publisher.close()
        broker.delete(queue)
    _assert_each_closed_once(acme, solved_long_ago)
