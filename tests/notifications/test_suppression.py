"""Bounce and complaint suppression through the real tracking webhook URLs, with Mailgun
and Postmark payloads: a hard bounce, a rejection or a spam complaint suppresses the
address for the account that sent the message (found from our own outbox row), and no
other; soft bounces do not; a suppressed recipient gets nothing while the others of the
same change do; agents alike; lifting restores delivery; authentication is required;
malformed payloads are a 400 and unknown message ids are ignored."""

import pytest
from django.test import Client

from notifications.models import Delivery, Suppression
from notifications.suppressions import suppression_add, suppression_lift
from tests.factories import EndUserFactory, make_ticket
from tests.notifications.conftest import by_recipient
from tests.notifications.payloads import (
    MAILGUN_SIGNING_KEY,
    WEBHOOK_SECRET,
    webhook_client,
)
from tests.notifications.tracking_payloads import (
    mailgun_event,
    mailgun_hard_bounce,
    mailgun_signature,
    mailgun_soft_bounce,
    post_mailgun_tracking,
    post_postmark_tracking,
    postmark_bounce,
    postmark_delivery,
    postmark_spam_complaint,
)
from tickets.services import comment_add, ticket_update

MAILGUN_ID = "<20261123090000.1.5F3B2A1C0D@mg.localhost>"
POSTMARK_ID = "883953f4-6105-42a2-a16a-77a8eac79483"


@pytest.fixture(autouse=True)
def webhooks_on(settings):
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY,
    }


def row_to(account, email) -> Delivery:
    return Delivery.objects.for_account(account).filter(to_email=email).latest("id")


def stamp(row: Delivery, provider_id: str) -> Delivery:
    """What the ESP answered when the row was sent (the test backend numbers messages)."""
    Delivery.all_accounts.filter(pk=row.pk).update(provider_message_id=provider_id)
    row.refresh_from_db()
    return row


def suppressed(account) -> dict[str, str]:
    return dict(Suppression.objects.for_account(account).values_list("email", "reason"))


@pytest.fixture
def emailed(acme, acme_user, sent):
    """acme emailed its end user (the receipt of a new request): the row, sent."""
    sent(make_ticket, account=acme, submitter=acme_user)
    row = row_to(acme, acme_user.email)
    assert row.state == Delivery.State.SENT
    return row


# Which address, for which account --------------------------------------------------------


def test_mailgun_hard_bounce_suppresses_the_address_for_the_sending_account_only(
    acme, globex, acme_user, acme_agent, emailed, sent
):
    twin = EndUserFactory(account=globex, email=acme_user.email)
    stamp(emailed, MAILGUN_ID)
    response = post_mailgun_tracking(
        mailgun_hard_bounce(recipient=acme_user.email, message_id=MAILGUN_ID)
    )
    assert response.status_code == 200
    assert suppressed(acme) == {acme_user.email: Suppression.Reason.BOUNCED}
    assert suppressed(globex) == {}
    emailed.refresh_from_db()
    assert emailed.state == Delivery.State.BOUNCED
    assert "does not exist" in emailed.last_error
    # globex still emails the same address; acme does not any more.
    assert by_recipient(sent(make_ticket, account=globex, submitter=twin), twin.email)
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    assert (
        by_recipient(sent(comment_add, ticket=ticket, author=acme_agent, body="Hi"), twin.email)
        == []
    )


@pytest.mark.parametrize(
    "payload, reason",
    [
        (postmark_bounce, Suppression.Reason.BOUNCED),
        (postmark_spam_complaint, Suppression.Reason.COMPLAINED),
    ],
)
def test_postmark_hard_bounce_and_spam_complaint_suppress(
    acme, globex, acme_user, emailed, payload, reason
):
    stamp(emailed, POSTMARK_ID)
    response = post_postmark_tracking(payload(email=acme_user.email, message_id=POSTMARK_ID))
    assert response.status_code == 200
    assert suppressed(acme) == {acme_user.email: reason}
    assert suppressed(globex) == {}
    assert Suppression.objects.for_account(acme).get().delivery_id == emailed.pk


def test_mailgun_rejection_and_complaint_suppress(acme, acme_user, emailed):
    stamp(emailed, MAILGUN_ID)
    rejected = mailgun_event(
        event="rejected", recipient=acme_user.email, message_id=MAILGUN_ID, code=605
    )
    rejected["event-data"]["reject"] = {"reason": "Sending to previously bounced address"}
    assert post_mailgun_tracking(rejected).status_code == 200
    assert suppressed(acme) == {acme_user.email: Suppression.Reason.REJECTED}
    # A later complaint keeps the first reason: one row per address.
    complained = mailgun_event(event="complained", recipient=acme_user.email, message_id=MAILGUN_ID)
    assert post_mailgun_tracking(complained).status_code == 200
    assert suppressed(acme) == {acme_user.email: Suppression.Reason.REJECTED}


def test_the_same_event_posted_twice_suppresses_once(acme, acme_user, emailed):
    stamp(emailed, POSTMARK_ID)
    payload = postmark_bounce(email=acme_user.email, message_id=POSTMARK_ID)
    assert post_postmark_tracking(payload).status_code == 200
    assert post_postmark_tracking(payload).status_code == 200
    assert Suppression.objects.for_account(acme).count() == 1


@pytest.mark.parametrize(
    "post, payload",
    [
        (post_mailgun_tracking, lambda e: mailgun_soft_bounce(recipient=e, message_id=MAILGUN_ID)),
        (
            post_postmark_tracking,
            lambda e: postmark_bounce(email=e, message_id=POSTMARK_ID, type_="SoftBounce"),
        ),
        (
            post_postmark_tracking,
            lambda e: postmark_bounce(email=e, message_id=POSTMARK_ID, type_="Transient"),
        ),
    ],
)
def test_soft_bounces_do_not_suppress(acme, acme_user, emailed, post, payload):
    stamp(emailed, MAILGUN_ID if post is post_mailgun_tracking else POSTMARK_ID)
    assert post(payload(acme_user.email)).status_code == 200
    assert suppressed(acme) == {}
    emailed.refresh_from_db()
    assert emailed.state == Delivery.State.SENT


@pytest.mark.parametrize(
    "post, payload, provider_id",
    [
        (
            post_mailgun_tracking,
            lambda e: mailgun_event(event="delivered", recipient=e, message_id=MAILGUN_ID),
            MAILGUN_ID,
        ),
        (
            post_postmark_tracking,
            lambda e: postmark_delivery(email=e, message_id=POSTMARK_ID),
            POSTMARK_ID,
        ),
    ],
)
def test_delivered_marks_the_row_delivered(acme, acme_user, emailed, post, payload, provider_id):
    stamp(emailed, provider_id)
    assert post(payload(acme_user.email)).status_code == 200
    emailed.refresh_from_db()
    assert emailed.state == Delivery.State.DELIVERED
    assert suppressed(acme) == {}


def test_an_event_for_another_recipient_than_the_row_suppresses_nothing(
    acme, globex, acme_user, emailed
):
    """The payload cannot pick the address: only the one our row was sent to."""
    stamp(emailed, POSTMARK_ID)
    payload = postmark_bounce(email="victim@elsewhere.example", message_id=POSTMARK_ID)
    assert post_postmark_tracking(payload).status_code == 200
    assert suppressed(acme) == {} and suppressed(globex) == {}


def test_unknown_message_id_is_ignored_with_a_log_line(acme, acme_user, emailed, caplog):
    caplog.set_level("INFO", logger="notifications.suppressions")
    stamp(emailed, POSTMARK_ID)
    payload = postmark_bounce(email=acme_user.email, message_id="00000000-dead-beef")
    assert post_postmark_tracking(payload).status_code == 200
    assert suppressed(acme) == {}
    assert "unknown message id 00000000-dead-beef ignored" in caplog.text


# Authentication and malformed payloads ---------------------------------------------------


def test_a_wrong_secret_or_signature_is_refused(acme, acme_user, emailed):
    stamp(emailed, POSTMARK_ID)
    bounce = postmark_bounce(email=acme_user.email, message_id=POSTMARK_ID)
    # As the inbound webhook answers: 401 for wrong or missing credentials.
    assert post_postmark_tracking(bounce, client=webhook_client("inbound:wrong")).status_code == 401
    assert post_postmark_tracking(bounce, client=Client(HTTP_HOST="localhost")).status_code == 401
    forged = mailgun_hard_bounce(recipient=acme_user.email, message_id=MAILGUN_ID)
    forged["signature"] = mailgun_signature(key="key-not-the-right-one")
    assert post_mailgun_tracking(forged).status_code == 401
    assert suppressed(acme) == {}


def test_a_replayed_or_old_mailgun_signature_is_refused(acme, acme_user, emailed):
    stamp(emailed, MAILGUN_ID)
    old = mailgun_hard_bounce(recipient=acme_user.email, message_id=MAILGUN_ID)
    old["signature"] = mailgun_signature(timestamp=1_700_000_000)
    assert post_mailgun_tracking(old).status_code == 401
    delivered = mailgun_event(event="delivered", recipient=acme_user.email, message_id=MAILGUN_ID)
    assert post_mailgun_tracking(delivered).status_code == 200
    assert post_mailgun_tracking(delivered).status_code == 401


def test_without_a_webhook_secret_tracking_is_off(settings, acme, acme_user, emailed):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": ""}
    stamp(emailed, POSTMARK_ID)
    bounce = postmark_bounce(email=acme_user.email, message_id=POSTMARK_ID)
    assert post_postmark_tracking(bounce).status_code == 403
    mailgun = mailgun_hard_bounce(recipient=acme_user.email, message_id=MAILGUN_ID)
    assert post_mailgun_tracking(mailgun).status_code == 403
    assert suppressed(acme) == {}


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        "{}",
        '{"RecordType": "Bounce", "Type": "HardBounce", "Email": "a@b.example"}',
        '{"RecordType": "Inbound", "FromFull": {"Email": "a@b.example"}}',
    ],
)
def test_malformed_postmark_payloads_are_a_400(body, acme, caplog):
    assert post_postmark_tracking(body).status_code == 400
    assert "Tracking Postmark webhook payload rejected" in caplog.text


def test_malformed_mailgun_payloads_are_a_400(acme):
    assert post_mailgun_tracking({"signature": mailgun_signature()}).status_code == 400
    no_event = {"signature": mailgun_signature(), "event-data": {"recipient": "a@b.example"}}
    assert post_mailgun_tracking(no_event).status_code == 400
    no_id = mailgun_hard_bounce(recipient="a@b.example", message_id="x")
    del no_id["event-data"]["message"]
    assert post_mailgun_tracking(no_id).status_code == 400


# Sending to suppressed addresses -----------------------------------------------------------


def test_a_suppressed_recipient_gets_no_email_while_the_others_of_the_change_do(
    acme, acme_user, acme_agent, sent
):
    colleague = EndUserFactory(account=acme, email="col@customer.example")
    ticket = make_ticket(account=acme, submitter=acme_user, ccs=[colleague])
    suppression_add(
        account_id=acme.pk,
        email="COL@customer.example",
        reason=Suppression.Reason.COMPLAINED,
    )
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="Have you tried?")
    assert by_recipient(messages, acme_user.email)
    assert by_recipient(messages, colleague.email) == []
    row = row_to(acme, colleague.email)
    assert row.state == Delivery.State.SUPPRESSED
    assert "col@customer.example is suppressed (Marked as spam)" in row.last_error
    assert row_to(acme, acme_user.email).state == Delivery.State.SENT


def test_an_agents_own_address_is_suppressed_the_same_way(
    acme, acme_user, acme_agent, acme_admin, sent
):
    ticket = make_ticket(account=acme, submitter=acme_user)
    suppression_add(account_id=acme.pk, email=acme_agent.email, reason=Suppression.Reason.BOUNCED)
    messages = sent(ticket_update, ticket=ticket, actor=acme_admin, assignee=acme_agent)
    assert by_recipient(messages, acme_agent.email) == []
    assert row_to(acme, acme_agent.email).state == Delivery.State.SUPPRESSED


def test_lifting_restores_delivery(acme, acme_user, acme_admin, acme_agent, sent):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    suppression = suppression_add(
        account_id=acme.pk, email=acme_user.email, reason=Suppression.Reason.BOUNCED
    )
    assert (
        by_recipient(sent(comment_add, ticket=ticket, author=acme_agent, body="1"), acme_user.email)
        == []
    )
    held = row_to(acme, acme_user.email)
    suppression_lift(suppression=suppression, actor=acme_admin)
    assert by_recipient(
        sent(comment_add, ticket=ticket, author=acme_agent, body="2"), acme_user.email
    )
    assert row_to(acme, acme_user.email).state == Delivery.State.SENT
    held.refresh_from_db()
    assert held.state == Delivery.State.SUPPRESSED  # what happened then stays on record


@pytest.mark.parametrize("type_", ["Unconfirmed", "DMARCPolicy"])
def test_a_refusal_caused_by_our_own_sending_setup_fails_the_row_but_suppresses_nothing(
    acme, acme_user, emailed, type_
):
    stamp(emailed, POSTMARK_ID)
    payload = postmark_bounce(email=acme_user.email, message_id=POSTMARK_ID, type_=type_)
    assert post_postmark_tracking(payload).status_code == 200
    assert suppressed(acme) == {}
    emailed.refresh_from_db()
    assert emailed.state == Delivery.State.FAILED
    assert emailed.last_error
