"""A change's rows leave as one batch task (issue 8), claimed together (suppressed
addresses withheld in the same pass, rows another worker holds skipped) and each sent
and marked on its own: a failure retries that row alone, a repeated batch sends nothing
twice, a lost batch is the sweeper's like a lost single task, a slow batch never sends a
row on an expired claim, and rows a stopped batch never tried go back to the queue."""

from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import claims, mailer, outbox
from notifications.models import Delivery, Suppression
from notifications.outbox import deliveries_send, deliveries_sweep
from notifications.suppressions import suppression_add
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


@pytest.fixture
def queued(acme, acme_agent, ticket, django_capture_on_commit_callbacks, outbox):
    """The five rows of one comment (requester and four CCs), queued, none sent yet."""
    with django_capture_on_commit_callbacks(execute=False):
        comment_add(ticket=ticket, author=acme_agent, body="Restart the printer.")
    return list(Delivery.objects.for_account(acme).order_by("id"))


def state_of(pk):
    return Delivery.all_accounts.get(pk=pk).state


def test_a_suppressed_row_in_a_batch_is_withheld_with_its_reason_and_the_rest_sent(
    acme, globex, queued
):
    listed = queued[2]
    suppression_add(
        account_id=acme.pk, email=listed.to_email.upper(), reason=Suppression.Reason.BOUNCED
    )
    # Another account's list says nothing about acme's rows.
    suppression_add(
        account_id=globex.pk, email=queued[3].to_email, reason=Suppression.Reason.COMPLAINED
    )
    results = deliveries_send(delivery_ids=[row.pk for row in queued])
    assert {pk: r.state for pk, r in results.items()} == {
        row.pk: "suppressed" if row == listed else "sent" for row in queued
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        row.to_email for row in queued if row != listed
    )
    listed.refresh_from_db()
    assert listed.state == Delivery.State.SUPPRESSED and listed.attempts == 0
    assert f"{listed.to_email} is suppressed (Hard bounce)" in listed.last_error


def test_a_row_another_worker_claimed_is_skipped_and_left_to_it(queued):
    held = queued[1]
    Delivery.all_accounts.filter(pk=held.pk).update(
        state=Delivery.State.SENDING, claim_token="other-worker", claimed_at=timezone.now()
    )
    results = deliveries_send(delivery_ids=[row.pk for row in queued])
    assert results[held.pk].state == "skipped"
    assert [results[row.pk].state for row in queued if row != held] == ["sent"] * 4
    held.refresh_from_db()
    assert (held.state, held.claim_token) == (Delivery.State.SENDING, "other-worker")
    assert held.to_email not in [m.to[0] for m in mail.outbox]


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_by_a_claim_in_progress_is_skipped_not_waited_for(
    acme, acme_agent, acme_user, outbox
):
    from django.db import connections

    with mock.patch("notifications.tasks.delivery_send_task.delay"):
        make_ticket(account=acme, submitter=acme_user)
    [row] = Delivery.objects.for_account(acme)
    # Another worker's claim transaction holds the row's lock on its own connection.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT id FROM notifications_delivery WHERE id = %s FOR UPDATE", [row.pk]
            )
            with connection.cursor() as mine:  # a regression fails instead of hanging
                mine.execute("SET lock_timeout = '5s'")
            assert deliveries_send(delivery_ids=[row.pk])[row.pk].state == "skipped"
            cursor.execute("ROLLBACK")
    finally:
        other.close()
        with connection.cursor() as mine:
            mine.execute("RESET lock_timeout")
    assert outbox == [] and state_of(row.pk) == Delivery.State.QUEUED


def test_a_batchs_statements_do_not_grow_with_its_rows_but_for_one_mark_each(
    acme, acme_agent, ticket, django_capture_on_commit_callbacks, outbox
):
    def statements_to_send(n_ccs):
        ticket_set_ccs(
            ticket=ticket,
            actor=acme_agent,
            users=[
                EndUserFactory(account=acme, email=f"n{n_ccs}-{i}@customer.example")
                for i in range(n_ccs)
            ],
        )
        Delivery.objects.for_account(acme).delete()
        with django_capture_on_commit_callbacks(execute=False):
            comment_add(ticket=ticket, author=acme_agent, body="Hi")
        pks = list(Delivery.objects.for_account(acme).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as queries:
            results = deliveries_send(delivery_ids=pks)
        assert [r.state for r in results.values()] == ["sent"] * len(pks)
        return len(pks), len(queries)

    rows_small, small = statements_to_send(1)
    rows_big, big = statements_to_send(9)
    assert big - small == rows_big - rows_small  # one UPDATE marks each sent row


def test_a_slow_batch_never_sends_a_row_the_sweeper_took_back(queued, settings):
    settings.NOTIFICATIONS_SEND_LEASE_SECONDS = 0  # every send outlasts half the lease
    taken = queued[3]
    real_send = mailer.process_mailer.send

    def send_then_sweep(message):
        real_send(message)
        if message.to == [queued[0].to_email]:  # the sweeper re-queues a lapsed claim
            Delivery.all_accounts.filter(pk=taken.pk).update(
                state=Delivery.State.QUEUED, claim_token=""
            )

    with mock.patch.object(mailer.process_mailer, "send", side_effect=send_then_sweep):
        results = deliveries_send(delivery_ids=[row.pk for row in queued])
    assert results[taken.pk].state == "skipped"
    assert state_of(taken.pk) == Delivery.State.QUEUED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        row.to_email for row in queued if row != taken
    )


class WorkerShutdown(BaseException):
    """What stops a batch between two sends without being a send error."""


def test_rows_a_stopped_batch_never_tried_go_back_to_the_queue(queued):
    with (
        mock.patch.object(mailer.process_mailer, "send", side_effect=WorkerShutdown),
        pytest.raises(WorkerShutdown),
    ):
        deliveries_send(delivery_ids=[row.pk for row in queued])
    first, *rest = queued
    # The row being sent may have left: it waits for its lease and the sweeper.
    assert state_of(first.pk) == Delivery.State.SENDING
    for row in rest:
        row.refresh_from_db()
        assert (row.state, row.claim_token, row.attempts) == (Delivery.State.QUEUED, "", 0)
    assert len(sent_after_sweep := deliveries_send(delivery_ids=[r.pk for r in rest])) == 4
    assert {r.state for r in sent_after_sweep.values()} == {"sent"}


def test_the_claim_takes_expired_leases_and_leaves_rows_not_due_yet(queued):
    import datetime as dt

    now = timezone.now()
    expired, retry_later, _fresh, *rest = queued
    Delivery.all_accounts.filter(pk=expired.pk).update(
        state=Delivery.State.SENDING,
        claim_token="dead-worker",
        claimed_at=now - dt.timedelta(seconds=outbox.lease_seconds() + 1),
        attempts=1,
    )
    Delivery.all_accounts.filter(pk=retry_later.pk).update(
        next_attempt_at=now + dt.timedelta(minutes=5), attempts=1
    )
    claimed, withheld = claims.claim([row.pk for row in queued], "my-token")
    assert withheld == []
    assert [row.pk for row in claimed] == sorted(row.pk for row in queued if row != retry_later)
    by_pk = {row.pk: row for row in claimed}
    assert by_pk[expired.pk].attempts == 2 and by_pk[rest[0].pk].attempts == 1
    for row in claimed:  # what the claim returned is what it wrote
        stored = Delivery.all_accounts.get(pk=row.pk)
        assert (
            (row.state, row.claim_token, row.attempts)
            == (
                stored.state,
                stored.claim_token,
                stored.attempts,
            )
            == (Delivery.State.SENDING, "my-token", row.attempts)
        )
        assert (row.to_email, row.body_html, row.message_id) == (
            stored.to_email,
            stored.body_html,
            stored.message_id,
        )
    assert state_of(retry_later.pk) == Delivery.State.QUEUED
    # Claimed already: a second claim finds nothing.
    assert claims.claim([row.pk for row in queued], "other-token") == ([], [])


def test_a_suppression_lifted_before_the_withhold_lets_the_row_go(queued):
    row = queued[0]
    # claim saw the address suppressed; the admin lifted it before claim_locked ran.
    claimed, withheld = claims.claim_locked([row.pk], "my-token")
    assert [r.pk for r in claimed] == [row.pk] and withheld == []
    assert state_of(row.pk) == Delivery.State.SENDING
