"""A change's rows leave as one batch task (issue 8), each row still claimed, sent and
marked on its own: a failure retries that row alone, a repeated batch sends nothing
twice, and a lost batch is the sweeper's like a lost single task."""

from unittest import mock

import pytest
from django.core import mail

from notifications.models import Delivery
from notifications.outbox import deliveries_sweep
from notifications.tasks import deliveries_send_task
from tests.factories import EndUserFactory, make_ticket
from tests.notifications.test_mail_connection import CountingBackend
from tickets.services import comment_add, ticket_set_ccs


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    ccs = [EndUserFactory(account=acme, email=f"cc{n}@customer.example") for n in range(4)]
    with mock.patch("notifications.tasks.deliveries_send_task.delay"):
        ticket = make_ticket(account=acme, submitter=acme_user)
        ticket_set_ccs(ticket=ticket, actor=acme_agent, users=ccs)
    Delivery.objects.for_account(acme).delete()
    return ticket


def states(acme):
    return sorted(Delivery.objects.for_account(acme).values_list("state", flat=True))


def test_a_changes_rows_go_as_one_batch(acme, acme_agent, ticket, sent):
    with (
        mock.patch("notifications.tasks.deliveries_send_task.delay") as batch,
        mock.patch("notifications.tasks.delivery_send_task.delay") as single,
    ):
        sent(comment_add, ticket=ticket, author=acme_agent, body="Hi all")
    [(ids,)] = [c.args for c in batch.call_args_list]
    assert sorted(ids) == sorted(Delivery.objects.for_account(acme).values_list("pk", flat=True))
    assert len(ids) == 5 and not single.called


def test_batches_are_capped(acme, acme_agent, ticket, sent, settings):
    settings.NOTIFICATIONS_SEND_BATCH = 2
    with mock.patch("notifications.tasks.deliveries_send_task.delay") as batch:
        sent(comment_add, ticket=ticket, author=acme_agent, body="Hi all")
    assert [len(c.args[0]) for c in batch.call_args_list] == [2, 2, 1]


def test_a_batch_sends_each_row_once_even_when_repeated(acme, acme_agent, ticket, sent):
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="Hi all")
    assert len(messages) == 5 and states(acme) == ["sent"] * 5
    ids = list(Delivery.objects.for_account(acme).values_list("pk", flat=True))
    before = len(mail.outbox)
    assert deliveries_send_task.apply(args=[ids]).get() == 0
    assert len(mail.outbox) == before


def test_a_failing_row_is_retried_alone(acme, acme_agent, ticket, settings, sent):
    settings.MAILERS = {"default": {"BACKEND": f"{CountingBackend.__module__}.CountingBackend"}}
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    CountingBackend.failures = 1
    with mock.patch("notifications.tasks.delivery_send_task.apply_async") as retry:
        sent(comment_add, ticket=ticket, author=acme_agent, body="Hi all")
    assert states(acme) == ["queued"] + ["sent"] * 4
    failed = Delivery.objects.for_account(acme).get(state="queued")
    retry.assert_called_once_with((failed.pk,), countdown=30)
    CountingBackend.failures = 0


def test_a_lost_batch_is_swept(acme, acme_agent, ticket, sent):
    with mock.patch(
        "notifications.tasks.deliveries_send_task.delay", side_effect=ConnectionError("down")
    ):
        assert sent(comment_add, ticket=ticket, author=acme_agent, body="Kept") == []
    assert states(acme) == ["queued"] * 5
    assert len(sent(deliveries_sweep, stale_after=0)) == 5
    assert states(acme) == ["sent"] * 5
