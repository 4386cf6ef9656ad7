"""Inbound email through the real webhook URLs, with Postmark and Mailgun payloads:
replies thread into the right ticket of the right account; private tickets get internal
notes; loops are dropped with a trace; strangers and forgeries never post into a ticket;
authentication is required; malformed payloads are a 4xx, never a 500."""

import json

import pytest

from accounts.models import User
from notifications import addresses
from notifications.models import Delivery, InboundEmail
from tests.factories import EndUserFactory, make_ticket
from tests.notifications.payloads import (
    MAILGUN_SIGNING_KEY,
    WEBHOOK_SECRET,
    mailgun_fields,
    mime_message,
    post_mailgun,
    post_postmark,
    postmark_payload,
    webhook_client,
)
from tickets.models import Channel, Comment, Ticket
from tickets.services import comment_add

QUOTED = (
    "Thanks, that worked!\n\n"
    "On Mon, Nov 23, 2026 at 9:00 AM Acme Inc. <support@localhost> wrote:\n"
    "> ##- Please type your reply above this line -##\n"
    "> Alan Agent wrote: have you tried turning it off?\n"
)


@pytest.fixture(autouse=True)
def inbound_on(settings, outbox):
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY,
    }


@pytest.fixture
def ticket(acme, acme_user, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Printer on fire")
    comment_add(ticket=ticket, author=acme_agent, body="Have you tried turning it off?")
    return ticket


def comments(ticket):
    return list(Comment.objects.for_account(ticket.account).filter(ticket=ticket).order_by("id"))


def test_postmark_reply_to_the_reply_address_becomes_a_public_comment(ticket, acme_user):
    colleague = EndUserFactory(account=ticket.account, email="col@customer.example")
    payload = postmark_payload(
        sender=acme_user.email,
        to=addresses.reply_address(ticket),
        text=QUOTED,
        cc=["col@customer.example", "stranger@elsewhere.example"],
        attachments=[("log.txt", b"printer log", "text/plain")],
    )
    response = post_postmark(payload)
    assert response.status_code == 200
    comment = comments(ticket)[-1]
    assert comment.author == acme_user
    assert comment.public is True
    assert comment.channel == Channel.EMAIL
    assert comment.body == "Thanks, that worked!"
    assert [a.filename for a in comment.attachments.all()] == ["log.txt"]
    # The CC'd colleague (a known user) is added; a stranger is not subscribed.
    cc_emails = set(ticket.cc_links.values_list("user__email", flat=True))
    assert cc_emails == {colleague.email}
    assert (
        not User.objects.for_account(ticket.account)
        .filter(email="stranger@elsewhere.example")
        .exists()
    )


def test_mailgun_reply_threads_by_in_reply_to_header(ticket, acme_user, acme):
    delivery = Delivery.objects.for_account(acme).filter(ticket=ticket).first()
    mime = mime_message(
        sender=acme_user.email,
        to=f"support@{addresses.account_mail_domain(acme)}",
        text="Still broken.",
        headers=[("In-Reply-To", delivery.message_id), ("References", delivery.references)],
    )
    fields = mailgun_fields(
        mime=mime,
        recipient=f"support@{addresses.account_mail_domain(acme)}",
        sender=acme_user.email,
    )
    response = post_mailgun(fields)
    assert response.status_code == 200
    assert comments(ticket)[-1].body == "Still broken."
    assert Ticket.objects.for_account(acme).count() == 1


def test_reply_to_a_private_ticket_becomes_an_internal_note(acme, acme_agent, acme_user):
    acme.private_tickets_enabled = True
    acme.save()
    private = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, public=False, body="Internal"
    )
    assert private.is_private
    response = post_postmark(
        postmark_payload(sender=acme_user.email, to=addresses.reply_address(private), text="Hello?")
    )
    assert response.status_code == 200
    note = comments(private)[-1]
    assert (note.body, note.public) == ("Hello?", False)
    private.refresh_from_db()
    assert private.is_private


def test_an_agents_emailed_reply_is_an_internal_note(ticket, acme_agent):
    post_postmark(
        postmark_payload(
            sender=acme_agent.email, to=addresses.reply_address(ticket), text="Note to self"
        )
    )
    note = comments(ticket)[-1]
    assert (note.author, note.public) == (acme_agent, False)


@pytest.mark.parametrize(
    "header",
    [
        ("Auto-Submitted", "auto-replied"),
        ("Precedence", "bulk"),
        ("Precedence", "junk"),
        ("Precedence", "auto_reply"),
        ("X-Autoreply", "yes"),
        ("List-Id", "<news.customer.example>"),
        ("X-Loop", "support@acme.localhost"),
        ("X-Auto-Response-Suppress", "All"),
        ("Precedence", "list"),
    ],
)
def test_auto_replies_are_dropped_and_logged(ticket, acme_user, header):
    before = len(comments(ticket))
    response = post_postmark(
        postmark_payload(
            sender=acme_user.email,
            to=addresses.reply_address(ticket),
            text="I am out of office",
            headers=[header],
        )
    )
    assert response.status_code == 200
    assert len(comments(ticket)) == before
    record = InboundEmail.objects.for_account(ticket.account).get()
    assert record.outcome == InboundEmail.Outcome.DROPPED
    assert header[0] in record.reason


def test_bounces_and_mailer_daemons_are_dropped(ticket, acme_user):
    bounce = postmark_payload(sender=acme_user.email, to=addresses.reply_address(ticket))
    bounce["Headers"][0]["Value"] = "<>"  # an empty Return-Path: a delivery report
    post_postmark(bounce)
    post_postmark(
        postmark_payload(
            sender="MAILER-DAEMON@mx.customer.example", to=addresses.reply_address(ticket)
        )
    )
    reasons = set(InboundEmail.objects.for_account(ticket.account).values_list("reason", flat=True))
    assert reasons == {"empty Return-Path (bounce)", "mailer-daemon sender"}
    assert [c.body for c in comments(ticket)].count("Thanks, that worked!") == 0


def test_auto_submitted_no_is_a_person(ticket, acme_user):
    post_postmark(
        postmark_payload(
            sender=acme_user.email,
            to=addresses.reply_address(ticket),
            text="Real reply",
            headers=[("Auto-Submitted", "no")],
        )
    )
    assert comments(ticket)[-1].body == "Real reply"


def test_mail_from_our_own_address_is_a_loop(ticket, settings):
    post_postmark(
        postmark_payload(sender=settings.DEFAULT_FROM_EMAIL, to=addresses.reply_address(ticket))
    )
    assert InboundEmail.objects.for_account(ticket.account).get().reason == (
        "sent from our own address"
    )


def test_a_burst_from_one_sender_to_one_ticket_is_throttled(ticket, acme_user):
    for n in range(7):
        post_postmark(
            postmark_payload(
                sender=acme_user.email, to=addresses.reply_address(ticket), text=f"ping {n}"
            )
        )
    from notifications.inbound import BURST_LIMIT

    added = [c.body for c in comments(ticket) if c.body.startswith("ping")]
    assert len(added) == BURST_LIMIT
    assert InboundEmail.objects.for_account(ticket.account).filter(reason="burst").count() == 2


def test_unknown_sender_becomes_an_end_user_with_a_new_public_email_ticket(acme):
    response = post_postmark(
        postmark_payload(
            sender="New.Person@Example.org",
            sender_name="New Person",
            to=f"support@{addresses.account_mail_domain(acme)}",
            subject="Cannot log in",
            text="Help please",
        )
    )
    assert response.status_code == 200
    user = User.objects.for_account(acme).get(email="new.person@example.org")
    assert user.is_end_user and user.name == "New Person"
    ticket = Ticket.objects.for_account(acme).get(requester=user)
    assert (ticket.subject, ticket.channel, ticket.is_public) == ("Cannot log in", "email", True)


def test_a_stranger_replying_into_a_thread_opens_their_own_ticket(ticket, acme):
    post_postmark(
        postmark_payload(
            sender="mallory@evil.example", to=addresses.reply_address(ticket), text="Injected"
        )
    )
    assert "Injected" not in [c.body for c in comments(ticket)]
    theirs = Ticket.objects.for_account(acme).exclude(pk=ticket.pk).get()
    assert theirs.requester.email == "mallory@evil.example"


def test_a_forged_reply_token_does_not_match_the_ticket(ticket, acme_user, acme):
    forged = f"reply+{ticket.number}-{'0' * 24}@{addresses.account_mail_domain(acme)}"
    post_postmark(postmark_payload(sender=acme_user.email, to=forged, text="Forged"))
    assert "Forged" not in [c.body for c in comments(ticket)]


def test_another_accounts_reply_token_never_reaches_this_account(ticket, acme_user, globex):
    # acme's valid token, sent to globex's domain: the account comes from the address.
    local = addresses.reply_address(ticket).split("@")[0]
    post_postmark(
        postmark_payload(
            sender=acme_user.email,
            to=f"{local}@{addresses.account_mail_domain(globex)}",
            text="Wrong door",
        )
    )
    assert "Wrong door" not in [c.body for c in comments(ticket)]
    opened = Ticket.objects.for_account(globex).get()
    assert opened.requester.account == globex


def test_mail_for_none_of_our_addresses_is_dropped_quietly(acme_user):
    response = post_postmark(
        postmark_payload(sender=acme_user.email, to="someone@unrelated.example")
    )
    assert response.status_code == 200
    assert Ticket.all_accounts.count() == 0


def test_a_provider_retry_of_the_same_message_is_processed_once(ticket, acme_user):
    payload = postmark_payload(
        sender=acme_user.email, to=addresses.reply_address(ticket), text="Once"
    )
    post_postmark(payload)
    post_postmark(payload)
    assert [c.body for c in comments(ticket)].count("Once") == 1


def test_oversized_attachments_are_skipped_but_the_comment_is_kept(ticket, acme_user):
    big = b"x" * (ticket.account.max_attachment_size_kb * 1024 + 1)
    post_postmark(
        postmark_payload(
            sender=acme_user.email,
            to=addresses.reply_address(ticket),
            text="See attached",
            attachments=[("big.bin", big, "application/octet-stream")],
        )
    )
    comment = comments(ticket)[-1]
    assert comment.body == "See attached"
    assert comment.attachments.count() == 0


# Authentication and malformed input --------------------------------------------------


def test_postmark_without_the_right_basic_auth_is_refused(ticket, acme_user):
    payload = postmark_payload(sender=acme_user.email, to=addresses.reply_address(ticket))
    assert post_postmark(payload, client=webhook_client("inbound:wrong")).status_code == 401
    from django.test import Client

    assert post_postmark(payload, client=Client(HTTP_HOST="localhost")).status_code == 401
    assert InboundEmail.objects.for_account(ticket.account).count() == 0


def test_mailgun_bad_signature_is_refused(ticket, acme_user):
    to = addresses.reply_address(ticket)
    mime = mime_message(sender=acme_user.email, to=to, text="Forged")
    fields = mailgun_fields(mime=mime, recipient=to, sender=acme_user.email, key="key-wrong")
    assert post_mailgun(fields).status_code == 401
    assert "Forged" not in [c.body for c in comments(ticket)]


def test_mailgun_old_or_replayed_signature_is_refused(ticket, acme_user):
    to = addresses.reply_address(ticket)
    mime = mime_message(sender=acme_user.email, to=to, text="Replay")
    old = mailgun_fields(mime=mime, recipient=to, sender=acme_user.email, timestamp=1_000_000)
    assert post_mailgun(old).status_code == 401
    fresh = mailgun_fields(mime=mime, recipient=to, sender=acme_user.email)
    assert post_mailgun(fresh).status_code == 200
    assert post_mailgun(fresh).status_code == 401
    assert [c.body for c in comments(ticket)].count("Replay") == 1


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")
def test_without_a_webhook_secret_inbound_is_off(settings, ticket, acme_user):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": ""}
    payload = postmark_payload(sender=acme_user.email, to=addresses.reply_address(ticket))
    assert post_postmark(payload).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        json.dumps([1, 2, 3]),
        json.dumps({"FromFull": "nope", "ToFull": 7, "Headers": "x"}),
        json.dumps({"RecordType": "Bounce"}),
        json.dumps({"RawEmail": 12}),
        b"\xff\xfe\x00garbage",
    ],
)
def test_malformed_postmark_payload_is_a_400_not_a_500(body, acme, caplog):
    response = post_postmark(body)
    assert response.status_code == 400
    assert "Inbound Postmark webhook payload rejected" in caplog.text


def test_malformed_mailgun_payload_is_a_400_not_a_500(acme):
    fields = mailgun_fields(mime="", recipient="support@acme.localhost", sender="a@b.example")
    fields["event"] = "delivered"
    assert post_mailgun(fields).status_code == 400
    fields = mailgun_fields(mime="", recipient="x", sender="y")
    fields["timestamp"] = "not-a-number"
    assert post_mailgun(fields).status_code in (400, 401)


def test_a_mail_without_a_sender_is_dropped_with_a_trace(acme):
    support = f"support@{addresses.account_mail_domain(acme)}"
    mime = mime_message(sender="x@y.example", to=support).replace(
        "From: Uma User <x@y.example>\r\n", ""
    )
    response = post_mailgun(mailgun_fields(mime=mime, recipient=support, sender="x@y.example"))
    assert response.status_code == 200
    assert InboundEmail.objects.for_account(acme).get().reason == "no sender"


def test_an_unparseable_sender_is_a_400_not_a_500(acme):
    payload = postmark_payload(sender="", to=f"support@{addresses.account_mail_domain(acme)}")
    assert post_postmark(payload).status_code == 400


def test_provider_flagged_spam_is_dropped(ticket, acme_user):
    payload = postmark_payload(
        sender=acme_user.email, to=addresses.reply_address(ticket), text="Cheap pills"
    )
    payload["Headers"][1]["Value"] = "Yes"  # X-Spam-Status
    post_postmark(payload)
    assert "Cheap pills" not in [c.body for c in comments(ticket)]
    assert "spam" in InboundEmail.objects.for_account(ticket.account).get().reason


def test_a_reply_to_a_closed_request_opens_a_new_ticket(ticket, acme, acme_user):
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    post_postmark(
        postmark_payload(
            sender=acme_user.email, to=addresses.reply_address(ticket), text="It broke again"
        )
    )
    assert "It broke again" not in [c.body for c in comments(ticket)]
    new = Ticket.objects.for_account(acme).exclude(pk=ticket.pk).get()
    assert new.requester == acme_user and new.channel == "email"


def test_html_only_mail_and_italian_quote_headers(ticket, acme_user):
    html = (
        "<div>Grazie, <b>funziona</b>!</div>"
        "<div>Il giorno lun 23 nov 2026 alle 09:00 Acme ha scritto:</div>"
        "<blockquote>testo precedente</blockquote>"
    )
    post_postmark(
        postmark_payload(
            sender=acme_user.email, to=addresses.reply_address(ticket), text="", html=html
        )
    )
    body = comments(ticket)[-1].body
    assert "Grazie" in body and "funziona" in body
    assert "testo precedente" not in body and "<b>" not in body
