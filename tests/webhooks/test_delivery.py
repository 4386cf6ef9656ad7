"""Triggers and automations call webhooks through the outbox, after commit: signed,
retried with back-off against a real local receiver that fails, times out and recovers,
logged per attempt, turned off after repeated failures (the admins emailed), never sent
twice once sent, and never across accounts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from automations.runs import automation_run
from automations.services import automation_create
from notifications.models import Delivery, Trigger
from notifications.services import trigger_create
from tests.factories import AdminFactory, make_ticket
from tickets.models import Ticket
from tickets.services import ticket_update
from webhooks.delivery import call_send, calls_sweep
from webhooks.models import Webhook, WebhookAttempt, WebhookCall
from webhooks.services import webhook_create, webhook_set_status, webhook_test_send

pytestmark = pytest.mark.django_db

BODY = (
    '{"ticket": {"id": {{ticket.id}}, "title": "{{ticket.title}}", "who": "{{current_user.name}}"}}'
)


def on_create(account, webhook, body=BODY):
    return trigger_create(
        account=account,
        name=f"Tell {webhook.name}",
        conditions=[{"field": "update_type", "operator": "is", "value": "created"}],
        actions=[{"action": "notify_webhook", "value": str(webhook.number), "body": body}],
    )


def calls(account):
    return list(WebhookCall.objects.for_account(account).order_by("id"))


def log(webhook):
    return list(
        WebhookAttempt.objects.for_account(webhook.account).filter(webhook=webhook).order_by("id")
    )


def make_due(call):
    WebhookCall.all_accounts.filter(pk=call.pk).update(next_attempt_at=timezone.now())


def test_a_trigger_calls_its_webhook_after_commit_signed_with_its_secret(
    acme, acme_agent, webhook, receiver, committed, django_capture_on_commit_callbacks
):
    on_create(acme, webhook)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = make_ticket(account=acme, submitter=acme_agent, subject='Say "hi" \\ {please}')
    [call] = calls(acme)
    assert call.state == WebhookCall.State.QUEUED and receiver.received == []
    for callback in callbacks:
        callback()
    [request] = receiver.received
    assert request.method == "POST" and request.path == "/hook"
    webhook.refresh_from_db()
    assert request.signature_valid(webhook.signing_secret)
    assert not request.signature_valid("another secret")
    # Placeholders JSON-escaped: the body stays JSON whatever the title holds.
    assert request.json() == {
        "ticket": {"id": ticket.number, "title": 'Say "hi" \\ {please}', "who": acme_agent.name}
    }
    assert request.headers["x-zendesk-webhook-id"] == str(webhook.number)
    assert request.headers["x-zendesk-webhook-invocation-id"] == call.invocation_id
    call.refresh_from_db()
    assert (call.state, call.attempts, call.ticket_id) == (WebhookCall.State.SENT, 1, ticket.pk)
    [attempt] = log(webhook)
    assert (attempt.succeeded, attempt.status_code) == (True, 200)
    assert '"ok": true' in attempt.response_excerpt
    assert attempt.duration_ms >= 0


def test_failures_retry_with_exponential_backoff_then_recover(
    acme, acme_agent, webhook, receiver, committed
):
    on_create(acme, webhook)
    receiver.answers = ["500", "timeout"]
    committed(make_ticket, account=acme, submitter=acme_agent)
    [call] = calls(acme)
    assert (call.state, call.attempts, call.last_error) == (WebhookCall.State.QUEUED, 1, "HTTP 500")
    first_wait = call.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=20) < first_wait <= dt.timedelta(seconds=30)
    # Not due yet: nothing is sent.
    assert call_send(call_id=call.pk).state == "skipped"
    assert len(receiver.received) == 1

    make_due(call)
    assert call_send(call_id=call.pk).state == "retry"  # the receiver took too long
    call.refresh_from_db()
    assert call.last_error == "Timed out"
    assert call.next_attempt_at - timezone.now() > dt.timedelta(seconds=50)  # doubled

    make_due(call)
    assert call_send(call_id=call.pk).state == "sent"
    attempts = log(webhook)
    assert [(a.attempt, a.status_code, a.succeeded) for a in attempts] == [
        (1, 500, False),
        (2, None, False),
        (3, 200, True),
    ]
    assert attempts[1].error == "Timed out"
    assert len(receiver.received) == 3
    # Every attempt is the same invocation, each signed afresh.
    assert len({r.headers["x-zendesk-webhook-invocation-id"] for r in receiver.received}) == 1
    webhook.refresh_from_db()
    assert all(r.signature_valid(webhook.signing_secret) for r in receiver.received)
    assert webhook.consecutive_failures == 0


def test_a_call_that_keeps_failing_ends_failed_after_the_last_attempt(
    acme, acme_agent, webhook, receiver, committed, settings
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    on_create(acme, webhook)
    receiver.answers = ["503"] * 5
    committed(make_ticket, account=acme, submitter=acme_agent)
    [call] = calls(acme)
    make_due(call)
    assert call_send(call_id=call.pk).state == "failed"
    make_due(call)
    assert call_send(call_id=call.pk).state == "skipped"
    assert len(receiver.received) == 2


def test_repeated_failures_deactivate_the_webhook_and_email_the_admins(
    acme, acme_admin, acme_agent, globex, webhook, receiver, committed, settings
):
    settings.WEBHOOKS_DEACTIVATE_AFTER = 3
    second_admin = AdminFactory(account=acme, email="second@acme.example")
    AdminFactory(account=globex, email="admin@globex.example")
    on_create(acme, webhook)
    receiver.answers = ["500"] * 10
    for _ in range(2):
        committed(make_ticket, account=acme, submitter=acme_agent)
    first, second = calls(acme)
    make_due(first)
    call_send(call_id=first.pk)
    webhook.refresh_from_db()
    assert (webhook.status, webhook.consecutive_failures) == (Webhook.Status.INACTIVE, 3)
    emails = Delivery.objects.for_account(acme).filter(kind=Delivery.Kind.WEBHOOK)
    assert sorted(emails.values_list("to_email", flat=True)) == sorted(
        [acme_admin.email, second_admin.email]
    )
    assert all("Orders system" in e.subject for e in emails)
    assert not Delivery.objects.for_account(globex).filter(kind=Delivery.Kind.WEBHOOK).exists()
    # Turned off: its waiting calls fail without a request, new changes call nothing.
    sent_so_far = len(receiver.received)
    make_due(second)
    assert call_send(call_id=second.pk).state == "failed"
    committed(make_ticket, account=acme, submitter=acme_agent)
    assert len(calls(acme)) == 2 and len(receiver.received) == sent_so_far
    # An admin turns it on again: the count starts over, and it recovers.
    webhook_set_status(webhook=webhook, actor=acme_admin, active=True)
    webhook.refresh_from_db()
    assert (webhook.consecutive_failures, webhook.deactivated_reason) == (0, "")
    receiver.answers = []
    committed(make_ticket, account=acme, submitter=acme_agent)
    assert calls(acme)[-1].state == WebhookCall.State.SENT


def test_a_call_already_sent_is_never_sent_again(acme, acme_agent, webhook, receiver, committed):
    on_create(acme, webhook)
    committed(make_ticket, account=acme, submitter=acme_agent)
    [call] = calls(acme)
    # A duplicated task, or one re-delivered after its worker died after the send.
    assert call_send(call_id=call.pk).state == "skipped"
    make_due(call)
    assert call_send(call_id=call.pk).state == "skipped"
    assert calls_sweep(stale_after=0) == []
    assert len(receiver.received) == 1
    call.refresh_from_db()
    assert call.attempts == 1


def test_a_worker_that_died_holding_a_call_leaves_it_to_the_sweeper_once(
    acme, acme_agent, webhook, receiver, django_capture_on_commit_callbacks
):
    on_create(acme, webhook)
    with django_capture_on_commit_callbacks(execute=False):  # the task never ran
        make_ticket(account=acme, submitter=acme_agent)
    [call] = calls(acme)
    # Claimed by a worker killed before its request: "sending", its lease long over.
    WebhookCall.all_accounts.filter(pk=call.pk).update(
        state=WebhookCall.State.SENDING,
        claim_token="dead",
        claimed_at=timezone.now() - dt.timedelta(hours=1),
        attempts=1,
    )
    assert calls_sweep(stale_after=0) == [call.pk]
    call.refresh_from_db()
    assert call.state == WebhookCall.State.SENT
    assert calls_sweep(stale_after=0) == []
    assert len(receiver.received) == 1


def test_an_automation_notifies_a_webhook_too(acme, acme_agent, webhook, receiver, committed):
    automation_create(
        account=acme,
        name="Pending too long",
        conditions={
            "all": [{"field": "status", "operator": "is", "value": "pending"}],
            "any": [],
        },
        actions=[
            {"action": "set_status", "value": "open"},
            {"action": "notify_webhook", "value": str(webhook.number), "body": BODY},
        ],
    )
    ticket = make_ticket(account=acme, submitter=acme_agent, subject="Waiting")
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.PENDING)
    from automations.models import Automation

    automation = Automation.objects.for_account(acme).get(name="Pending too long")
    assert committed(automation_run, automation=automation) == 1
    [request] = receiver.received
    assert request.json()["ticket"]["title"] == "Waiting"
    assert request.json()["ticket"]["who"] == "System"


def test_a_rule_never_reaches_another_accounts_webhook(
    acme, acme_agent, globex, receiver, committed
):
    globex_admin = AdminFactory(account=globex)
    theirs = webhook_create(
        account=globex, actor=globex_admin, name="Theirs", endpoint=receiver.url
    )
    assert theirs.number == 1
    action = {"action": "notify_webhook", "value": "1", "body": "{}"}
    with pytest.raises(ValidationError, match="No webhook with number 1"):
        trigger_create(
            account=acme,
            name="Reach out",
            conditions=[{"field": "update_type", "operator": "is", "value": "created"}],
            actions=[action],
        )
    # Even written past the validation, it names a number in acme only: nothing is sent.
    trigger = on_create(
        acme, webhook_create(account=acme, actor=None, name="Ours", endpoint=receiver.url)
    )
    Webhook.objects.for_account(acme).delete()
    Trigger.objects.for_account(acme).filter(pk=trigger.pk).update(actions=[action])
    committed(make_ticket, account=acme, submitter=acme_agent)
    assert calls(acme) == [] and calls(globex) == []
    assert receiver.received == []


def test_a_test_request_is_sent_even_while_inactive_and_never_counts_against_it(
    acme, acme_admin, webhook, receiver, committed
):
    webhook_set_status(webhook=webhook, actor=acme_admin, active=False)
    receiver.answers = ["500"]
    call = committed(webhook_test_send, webhook=webhook, actor=acme_admin)
    call.refresh_from_db()
    assert call.state == WebhookCall.State.QUEUED and call.is_test
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0
    [request] = receiver.received
    assert request.json()["test"] is True


def test_an_endpoint_refused_at_send_time_is_never_called(
    acme, acme_agent, webhook, receiver, committed, settings
):
    on_create(acme, webhook)
    settings.WEBHOOKS_ALLOW_LOCALHOST = False  # production: this server is no target
    committed(make_ticket, account=acme, submitter=acme_agent)
    [call] = calls(acme)
    assert call.state == WebhookCall.State.FAILED
    assert receiver.received == []
    [attempt] = log(webhook)
    assert "http" in attempt.error.lower()
