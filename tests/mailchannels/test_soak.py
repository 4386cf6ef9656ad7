"""Soak: 2,000 messages in a real Dovecot, imported by a real Celery worker that is
killed twice mid-fetch (SIGKILL: no clean-up, the transaction in hand dies with it);
every message ends up exactly one ticket or one comment, and the bookkeeping agrees."""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter

import pytest
import redis
from celery import Celery

from mailchannels.models import FetchedMessage, MailboxChannel
from notifications import addresses
from notifications.models import InboundEmail, Trigger
from tests.factories import make_ticket
from tests.mailchannels.conftest import make_channel, message
from tests.notifications.test_celery_worker import Worker, redis_url  # noqa: F401
from tickets.models import Comment, Ticket

pytestmark = [pytest.mark.slow, pytest.mark.long, pytest.mark.django_db(transaction=True)]

MESSAGES = int(os.environ.get("SOAK_MESSAGES", "2000"))
REPLY_EVERY = 10  # every tenth message answers one of the existing tickets (one each:
# more than five from one sender to one ticket in ten minutes is a burst, dropped)
TASK = "mailchannels.tasks.mailboxes_fetch_task"


STALL_SECONDS = 180.0  # no import at all for this long: the worker is stuck, give up


def _wait(predicate, what: str, progress=lambda: 0) -> None:
    """Waits until ``predicate()``; gives up only when ``progress()`` (the imports so far)
    has not moved for STALL_SECONDS. A fixed deadline failed this test under load (at
    ~3 imports/s 2,000 messages take longer than any deadline chosen on a quiet machine);
    a stall is what a real failure looks like."""
    last, moved = progress(), time.monotonic()
    while not predicate():
        now, seen = time.monotonic(), progress()
        if seen != last:
            last, moved = seen, now
        elif now - moved > STALL_SECONDS:
            pytest.fail(f"gave up waiting for {what}: stuck at {seen} for {STALL_SECONDS:.0f} s")
        time.sleep(0.2)


def _done(account) -> int:
    return FetchedMessage.objects.for_account(account).count()


def test_two_kills_mid_fetch_still_import_every_message_exactly_once(
    redis_url,  # noqa: F811
    tmp_path,
    acme,
    acme_user,
    support,
    dovecot,
    monkeypatch,
):
    # No emails (the worker would queue them on the test broker): only imports here.
    Trigger.objects.for_account(acme).update(active=False)
    existing = [
        make_ticket(account=acme, submitter=acme_user, subject=f"Ongoing {n}")
        for n in range(MESSAGES // REPLY_EVERY)
    ]
    make_channel(acme, support, dovecot)
    raws = []
    for i in range(MESSAGES):
        if i % REPLY_EVERY == 0:
            root = addresses.thread_id(existing[i // REPLY_EVERY])
            raws.append(
                message(subject="Re: Ongoing", text=f"soak-{i}", headers=[("References", root)])
            )
        else:
            raws.append(
                message(sender=f"c{i}@customer.example", subject=f"Soak {i}", text=f"soak-{i}")
            )
    dovecot.deliver(*raws)

    monkeypatch.setenv("MAILBOX_CA_FILE", dovecot.ca_file)
    monkeypatch.setenv("MAILBOX_MESSAGES_PER_FETCH", str(MESSAGES))
    queue = f"mailchannels-test-{uuid.uuid4().hex[:8]}"
    publisher = Celery("mailchannels-test-publisher", broker=redis_url, set_as_current=False)
    broker = redis.Redis.from_url(redis_url)
    worker = Worker(redis_url=redis_url, queue=queue, mail_dir=tmp_path, send_seconds=0)
    kills = []
    try:
        for threshold in (MESSAGES // 10, MESSAGES * 9 // 20):
            worker.start()
            publisher.send_task(TASK, queue=queue)
            _wait(
                lambda t=threshold: _done(acme) >= t,
                f"{threshold} imports",
                progress=lambda: _done(acme),
            )
            worker.kill()
            kills.append(_done(acme))
        worker.start()
        publisher.send_task(TASK, queue=queue)  # the next beat
        _wait(lambda: _done(acme) == MESSAGES, "every message", progress=lambda: _done(acme))
        _wait(
            lambda: broker.llen(queue) == 0,
            "the queue to drain",
            progress=lambda: broker.llen(queue),
        )
        time.sleep(1)
    finally:
        worker.kill()
        publisher.close()
        broker.delete(queue)

    assert all(k < MESSAGES for k in kills), kills  # both kills landed mid-fetch
    bodies = Counter(
        Comment.objects.for_account(acme)
        .filter(body__startswith="soak-")
        .values_list("body", flat=True)
    )
    outcomes = Counter(
        InboundEmail.objects.for_account(acme).values_list("outcome", "reason", "ticket__subject")
    )
    assert bodies == Counter({f"soak-{i}": 1 for i in range(MESSAGES)}), outcomes
    replies = Comment.objects.for_account(acme).filter(
        ticket__in=existing, body__startswith="soak-"
    )
    assert replies.count() == len(existing)
    assert Ticket.objects.for_account(acme).count() == MESSAGES
    uids = list(FetchedMessage.objects.for_account(acme).values_list("uid", flat=True))
    assert sorted(uids) == list(range(1, MESSAGES + 1))
    channel = MailboxChannel.objects.for_account(acme).get()
    assert channel.last_uid == MESSAGES and channel.imported_count == MESSAGES
    assert dovecot.uids(criteria="UNSEEN") == []  # all marked read in the end
