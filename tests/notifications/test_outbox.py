"""The outbox: a row per recipient written with the change, sent after commit, exactly
once; failures retry with back-off and end as failed; the sweeper re-queues rows left
behind; a broken broker or a notification bug never loses the user's change."""

import datetime as dt
from unittest import mock

import pytest
from anymail.exceptions import AnymailAPIError
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from notifications import outbox as outbox_module
from notifications.models import Delivery
from notifications.outbox import backoff_seconds, deliveries_sweep, delivery_send
from tests.factories import make_ticket
from tickets.models import Comment
from tickets.services import comment_add


class FlakyBackend(BaseEmailBackend):
    """Fails the first ``failures`` sends with an error that mentions a password."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise AnymailAPIError("ESP said 503 Service Unavailable")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def flaky(settings, outbox):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    FlakyBackend.failures = 0
    return FlakyBackend


def rows(account):
    return list(Delivery.objects.for_account(account).order_by("id"))


@pytest.fixture
def ticket(acme, acme_user):
    """A ticket whose own creation emails are out of the way."""
    ticket = make_ticket(account=acme, submitter=acme_user)
    Delivery.objects.for_account(acme).delete()
    return ticket


def make_due(delivery):
    Delivery.all_accounts.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_row_per_recipient_is_written_with_the_change_and_sent_after_commit(
    acme, acme_agent, acme_user, outbox, django_capture_on_commit_callbacks
):
    ticket = make_ticket(account=acme, submitter=acme_user)
    Delivery.objects.for_account(acme).delete()
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment_add(ticket=ticket, author=acme_agent, body="Hi")
    [row] = rows(acme)
    assert row.state == Delivery.State.QUEUED and outbox == []
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT and len(outbox) == 1


def test_sending_is_idempotent_per_row(acme, acme_agent, acme_user, outbox, sent):
    ticket = make_ticket(account=acme, submitter=acme_user)
    sent(comment_add, ticket=ticket, author=acme_agent, body="Hi")
    row = rows(acme)[-1]
    before = len(outbox)
    # A duplicated or re-delivered task finds nothing to claim.
    assert delivery_send(delivery_id=row.pk).state == "skipped"
    assert delivery_send(delivery_id=row.pk).state == "skipped"
    assert len(outbox) == before
    row.refresh_from_db()
    assert row.attempts == 1


def test_failures_retry_with_backoff_then_send(acme, acme_agent, acme_user, flaky, sent):
    ticket = make_ticket(account=acme, submitter=acme_user)
    flaky.failures = 1
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="Hi")
    assert messages == []
    row = rows(acme)[-1]
    assert row.state == Delivery.State.QUEUED
    assert row.attempts == 1
    assert "503" in row.last_error
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    # Not due yet: nothing happens.
    assert delivery_send(delivery_id=row.pk).state == "skipped"
    make_due(row)
    assert delivery_send(delivery_id=row.pk).state == "sent"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (Delivery.State.SENT, 2, "")


def test_backoff_doubles_and_is_capped(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(50) == 45 * 60
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert backoff_seconds(50) < visibility


def test_a_row_that_keeps_failing_ends_as_failed(acme, acme_agent, acme_user, flaky, sent):
    ticket = make_ticket(account=acme, submitter=acme_user)
    flaky.failures = 100
    sent(comment_add, ticket=ticket, author=acme_agent, body="Hi")
    row = rows(acme)[-1]
    for _ in range(5):
        make_due(row)
        delivery_send(delivery_id=row.pk)
    row.refresh_from_db()
    assert row.state == Delivery.State.FAILED
    assert row.attempts == 3
    assert "AnymailAPIError" in row.last_error


def test_sweeper_sends_rows_whose_task_was_lost(acme, acme_agent, ticket, outbox, sent):
    # The broker is down at commit: enqueueing fails, the change still commits.
    with mock.patch(
        "notifications.tasks.delivery_send_task.delay", side_effect=ConnectionError("redis down")
    ):
        assert sent(comment_add, ticket=ticket, author=acme_agent, body="Still saved") == []
    assert Comment.objects.for_account(acme).filter(body="Still saved").exists()
    [row] = rows(acme)
    assert row.state == Delivery.State.QUEUED
    # Too recent for the sweeper (its task may still be on its way) ...
    assert deliveries_sweep() == []
    # ... until it is stale.
    messages = sent(deliveries_sweep, stale_after=0)
    assert sent.result == [row.pk]
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT
    assert len(messages) == 1


def test_sweeper_requeues_a_row_whose_worker_died_mid_send(acme, acme_agent, ticket, sent):
    with mock.patch("notifications.tasks.delivery_send_task.delay"):
        sent(comment_add, ticket=ticket, author=acme_agent, body="Hi")
    row = rows(acme)[-1]
    stale = timezone.now() - dt.timedelta(seconds=outbox_module.lease_seconds() + 1)
    Delivery.all_accounts.filter(pk=row.pk).update(
        state=Delivery.State.SENDING, claim_token="dead-worker", claimed_at=stale, attempts=1
    )
    messages = sent(deliveries_sweep, stale_after=0)
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT
    assert len(messages) == 1
    # Sent rows are never picked up again.
    assert sent(deliveries_sweep, stale_after=0) == []


def test_a_fresh_sending_row_is_not_stolen(acme, acme_agent, ticket, sent):
    with mock.patch("notifications.tasks.delivery_send_task.delay"):
        sent(comment_add, ticket=ticket, author=acme_agent, body="Hi")
    row = rows(acme)[-1]
    Delivery.all_accounts.filter(pk=row.pk).update(
        state=Delivery.State.SENDING, claim_token="live", claimed_at=timezone.now()
    )
    assert delivery_send(delivery_id=row.pk).state == "skipped"
    assert sent(deliveries_sweep, stale_after=0) == []


def test_a_notification_bug_never_rolls_back_the_change(acme, acme_agent, acme_user, sent):
    ticket = make_ticket(account=acme, submitter=acme_user)
    with mock.patch("notifications.services.compose", side_effect=RuntimeError("bug")):
        sent(comment_add, ticket=ticket, author=acme_agent, body="Kept")
    assert Comment.objects.for_account(acme).filter(body="Kept").exists()


def test_the_sweeper_is_scheduled_periodically(settings):
    from helpdesk.celery import app

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "notifications.tasks.deliveries_sweep_task" in schedule
    assert "notifications.tasks.deliveries_sweep_task" in app.tasks
