"""A real Dovecot (tests/mailchannels/dovecot.py): messages delivered by IMAP APPEND are
imported through the webhook path's service — tickets, threading, drops, attachments,
the 64K rule — exactly once, with the after-import options applied on the server."""

from __future__ import annotations

import base64

import pytest

from mailchannels.fetch import channel_fetch, fetch_sweep, import_one
from mailchannels.models import FetchedMessage, MailboxChannel, TicketAddress
from notifications import addresses
from notifications.models import Delivery, InboundEmail
from tests.factories import EndUserFactory, make_ticket
from tests.mailchannels.conftest import make_channel, message
from tickets.models import COMMENT_MAX_CHARS, Attachment, Channel, Comment, Ticket

pytestmark = pytest.mark.slow


def tickets(account):
    return list(Ticket.objects.for_account(account).order_by("number"))


def test_a_new_message_becomes_a_ticket_from_its_sender(acme, channel, dovecot, outbox):
    dovecot.deliver(message(subject="Printer on fire"))
    report = channel_fetch(channel)
    assert (report.imported, report.failed, report.error) == (1, 0, "")
    [ticket] = tickets(acme)
    assert ticket.subject == "Printer on fire"
    assert ticket.requester.email == "user@customer.example"
    assert ticket.channel == Channel.EMAIL and ticket.is_public
    channel.refresh_from_db()
    assert channel.imported_count == 1 and channel.last_success_at is not None
    assert TicketAddress.objects.for_account(acme).get().ticket == ticket


def test_a_second_fetch_imports_nothing_again(acme, channel, dovecot):
    dovecot.deliver(message(), message(subject="Second"))
    assert channel_fetch(channel).imported == 2
    dovecot.deliver(message(subject="Third"))
    channel.refresh_from_db()
    assert channel_fetch(channel).imported == 1
    channel.refresh_from_db()
    assert channel_fetch(channel).imported == 0
    assert len(tickets(acme)) == 3


def test_the_same_uid_is_never_imported_twice(acme, channel, dovecot):
    dovecot.deliver(message())
    channel_fetch(channel)
    channel.refresh_from_db()
    raw = message(subject="A retry of UID 1")
    assert import_one(channel, channel.uidvalidity, 1, raw) == "skipped"
    assert len(tickets(acme)) == 1


def test_replies_thread_by_references_and_strangers_open_their_own(
    acme, acme_user, acme_agent, channel, dovecot
):
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Printer on fire")
    root = addresses.thread_id(ticket)
    stranger = EndUserFactory(account=acme, email="eve@else.example")
    dovecot.deliver(
        message(subject="Re: Printer on fire", text="Thanks!", headers=[("References", root)]),
        message(
            sender=stranger.email,
            subject="Re: Printer on fire",
            text="Me too",
            headers=[("In-Reply-To", root)],
        ),
    )
    channel_fetch(channel)
    bodies = list(
        Comment.objects.for_account(acme).filter(ticket=ticket).values_list("body", flat=True)
    )
    assert "Thanks!" in bodies and "Me too" not in bodies
    other = Ticket.objects.for_account(acme).exclude(pk=ticket.pk).get()
    assert other.requester == stranger


@pytest.mark.parametrize(
    "headers",
    [[("Auto-Submitted", "auto-replied")], [("Precedence", "bulk")], [("X-Autoreply", "yes")]],
)
def test_auto_replies_are_dropped_and_counted_as_imported(acme, channel, dovecot, headers):
    dovecot.deliver(message(headers=headers))
    assert channel_fetch(channel).imported == 1
    assert tickets(acme) == []
    assert InboundEmail.objects.for_account(acme).get().outcome == InboundEmail.Outcome.DROPPED


def test_bounces_and_mail_from_the_support_address_itself_are_dropped(acme, channel, dovecot):
    dovecot.deliver(
        message(sender="MAILER-DAEMON@mx.customer.example", subject="Undelivered"),
        message(sender="Acme Support <support@acme.example>", subject="Our own copy"),
    )
    channel_fetch(channel)
    assert tickets(acme) == []
    reasons = set(InboundEmail.objects.for_account(acme).values_list("reason", flat=True))
    assert reasons == {"mailer-daemon sender", "sent from our own address"}


def test_attachments_follow_the_accounts_rules_and_long_bodies_are_cut(acme, channel, dovecot):
    acme.max_attachment_bytes = 1000
    acme.save()
    small = base64.b64encode(b"hello").decode()
    big = base64.b64encode(b"x" * 5000).decode()
    raw = (
        "From: user@customer.example\r\nTo: support@acme.example\r\nSubject: Files\r\n"
        "Message-ID: <files@customer.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        f"--b\r\nContent-Type: text/plain\r\n\r\n{'y' * (COMMENT_MAX_CHARS + 100)}\r\n"
        '--b\r\nContent-Type: text/plain; name="small.txt"\r\nContent-Disposition: attachment;'
        f' filename="small.txt"\r\nContent-Transfer-Encoding: base64\r\n\r\n{small}\r\n'
        '--b\r\nContent-Type: application/octet-stream; name="big.bin"\r\nContent-Disposition: '
        f'attachment; filename="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n{big}\r\n'
        "--b--\r\n"
    ).encode()
    dovecot.deliver(raw)
    channel_fetch(channel)
    [ticket] = tickets(acme)
    comment = Comment.objects.for_account(acme).get(ticket=ticket)
    assert len(comment.body) == COMMENT_MAX_CHARS
    # The 64K rule: the full text kept as an attachment; the big file refused.
    names = sorted(Attachment.objects.for_account(acme).values_list("filename", flat=True))
    assert names == ["original-comment.txt", "small.txt"]


def test_a_message_that_cannot_be_imported_is_kept_flagged_and_left(
    acme, channel, dovecot, settings
):
    settings.MAILBOX_MAX_MESSAGE_BYTES = 2000
    dovecot.deliver(message(subject="Huge", text="z" * 5000), message(subject="Fine"))
    report = channel_fetch(channel)
    assert (report.imported, report.failed) == (1, 1)
    failed = FetchedMessage.objects.for_account(acme).get(status=FetchedMessage.Status.FAILED)
    assert "over the 2000 byte limit" in failed.reason
    assert failed.subject == "Huge" and bytes(failed.raw).endswith(b"z" * 10 + b"\r\n")
    assert [t.subject for t in tickets(acme)] == ["Fine"]
    # Left unread in the mailbox, the imported one marked read.
    assert dovecot.uids(criteria="UNSEEN") == [1]
    channel.refresh_from_db()
    assert channel.failed_count == 1 and channel.imported_count == 1


@pytest.mark.parametrize("after", ["move", "delete"])
def test_after_import_the_message_is_moved_or_deleted(acme, support, dovecot, after):
    channel = make_channel(acme, support, dovecot, after_import=after, move_to="Archive")
    dovecot.deliver(message(), message())
    channel_fetch(channel)
    assert dovecot.uids() == []
    assert len(dovecot.uids(folder="Archive")) == (2 if after == "move" else 0)
    assert len(tickets(acme)) == 2


def test_an_action_left_undone_by_a_dead_fetch_is_done_next_time(acme, support, dovecot):
    channel = make_channel(acme, support, dovecot, after_import="delete")
    dovecot.deliver(message())
    # The import committed, then the worker died before deleting.
    with dovecot.mailbox() as box:
        validity = int(box.folder.status("INBOX", ["UIDVALIDITY"])["UIDVALIDITY"])
    MailboxChannel.objects.for_account(acme).filter(pk=channel.pk).update(uidvalidity=validity)
    channel.refresh_from_db()
    assert import_one(channel, validity, 1, message()) == "imported"
    channel.refresh_from_db()
    assert channel_fetch(channel).imported == 0
    assert dovecot.uids() == [] and len(tickets(acme)) == 1


def test_new_tickets_go_to_the_addresss_group_and_mail_goes_out_from_it(
    acme, acme_agent, support, dovecot, outbox, django_capture_on_commit_callbacks
):
    from accounts.models import AgentGroup

    group = AgentGroup.objects.create(account=acme, name="Billing")
    support.group = group
    support.save()
    channel = make_channel(acme, support, dovecot)
    dovecot.deliver(message())
    with django_capture_on_commit_callbacks(execute=True):
        channel_fetch(channel)
    [ticket] = tickets(acme)
    assert ticket.group == group
    rows = list(Delivery.objects.for_account(acme).filter(ticket=ticket))
    assert rows and all(r.from_email == "Acme Support <support@acme.example>" for r in rows)
    assert all(r.reply_to == addresses.reply_address(ticket) for r in rows)


def test_the_sweep_reads_every_accounts_channels_under_its_own_account(
    acme, globex, channel, dovecot
):
    from mailchannels import services

    other = services.address_create(account=globex, email="billing@acme.example")
    make_channel(globex, other, dovecot)
    dovecot.deliver(message(subject="For Acme"))
    dovecot.deliver(message(subject="For Globex"), user="billing@acme.example")
    result = fetch_sweep()
    assert sorted(result.values()) == [1, 1]
    assert [t.subject for t in tickets(acme)] == ["For Acme"]
    assert [t.subject for t in tickets(globex)] == ["For Globex"]


def test_reply_tokens_thread_and_email_never_makes_a_private_ticket(
    acme, acme_agent, acme_user, channel, dovecot
):
    acme.private_tickets_enabled = True
    acme.save()
    private = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, public=False, body="Internal"
    )
    dovecot.deliver(
        # Our reply address (its token), no References: threads into the private ticket
        # as an internal note.
        message(sender=acme_user.email, to=addresses.reply_address(private), text="Hello?"),
        message(sender="new@customer.example", subject="Brand new", text="Help"),
    )
    assert channel_fetch(channel).imported == 2
    note = Comment.objects.for_account(acme).filter(ticket=private).order_by("pk").last()
    assert (note.body, note.public) == ("Hello?", False)
    private.refresh_from_db()
    assert private.is_private
    new = Ticket.objects.for_account(acme).get(subject="Brand new")
    assert not new.is_private
