"""Support addresses: validation, forwarding verification coming back through the
webhook path, mail forwarded from a support address answered from it, and the
connection test's clear errors against a real Dovecot."""

from __future__ import annotations

import pytest
from anymail.inbound import AnymailInboundMessage
from django.core.exceptions import ValidationError

from accounts.field_crypto import decrypt
from mailchannels import services
from mailchannels.models import SupportAddress, TicketAddress
from notifications import addresses
from notifications.inbound import email_receive
from notifications.models import Delivery, InboundEmail
from tests.mailchannels.conftest import make_channel, message
from tickets.models import Ticket


def forwarded(account, raw: bytes) -> AnymailInboundMessage:
    """A mail as the ESP webhook hands it over after the customer's forward."""
    parsed = AnymailInboundMessage.parse_raw_mime_bytes(raw)
    parsed.envelope_recipient = addresses.support_address(account)
    return parsed


@pytest.mark.django_db
def test_addresses_are_validated(acme, globex):
    services.address_create(account=acme, email="Billing@Acme.example")
    with pytest.raises(ValidationError):
        services.address_create(account=acme, email="billing@acme.example")
    with pytest.raises(ValidationError):
        services.address_create(account=acme, email="not an address")
    with pytest.raises(ValidationError):
        services.address_create(account=acme, email=addresses.support_address(acme))
    # Another account may list the same address (its own mailbox, its own problem).
    services.address_create(account=globex, email="billing@acme.example")


@pytest.mark.django_db
def test_a_forwarded_address_is_verified_by_its_confirmation_coming_back(acme, outbox):
    address = services.address_create(
        account=acme, email="help@acme.example", arrival=SupportAddress.Arrival.FORWARD
    )
    assert address.verified_at is None
    [row] = Delivery.objects.for_account(acme).filter(kind=Delivery.Kind.VERIFY)
    assert row.to_email == "help@acme.example"
    # The confirmation, come back through the forward, from our own sender.
    raw = (
        f"From: {row.from_email}\r\nTo: help@acme.example\r\nSubject: {row.subject}\r\n"
        f"Message-ID: {row.message_id}\r\n\r\n{row.body_text}\r\n"
    ).encode()
    result = email_receive(message=forwarded(acme, raw))
    assert result.outcome == InboundEmail.Outcome.DROPPED
    address.refresh_from_db()
    assert address.verified_at is not None
    assert not Ticket.objects.for_account(acme).exists()


@pytest.mark.django_db
def test_a_wrong_token_verifies_nothing(acme, outbox):
    address = services.address_create(
        account=acme, email="help@acme.example", arrival=SupportAddress.Arrival.FORWARD
    )
    raw = message(subject="Hi [sportello-verify " + "0" * 32 + "]")
    email_receive(message=forwarded(acme, raw))
    address.refresh_from_db()
    assert address.verified_at is None


@pytest.mark.django_db
def test_mail_forwarded_from_a_support_address_is_answered_from_it(
    acme, outbox, django_capture_on_commit_callbacks
):
    services.address_create(
        account=acme,
        email="billing@acme.example",
        display_name="Acme Billing",
        arrival=SupportAddress.Arrival.WEBHOOK,
    )
    raw = message(to="Acme Billing <billing@acme.example>", subject="Invoice")
    with django_capture_on_commit_callbacks(execute=True):
        result = email_receive(message=forwarded(acme, raw))
    ticket = result.ticket
    assert TicketAddress.objects.for_account(acme).get(ticket=ticket).address.email == (
        "billing@acme.example"
    )
    rows = list(Delivery.objects.for_account(acme).filter(ticket=ticket))
    assert rows and {r.from_email for r in rows} == {"Acme Billing <billing@acme.example>"}
    assert {m.from_email for m in outbox} == {"Acme Billing <billing@acme.example>"}
    assert all(m.reply_to == [addresses.reply_address(ticket)] for m in outbox)


@pytest.mark.django_db
def test_mail_to_the_internal_address_still_goes_out_from_the_platform(acme, outbox):
    raw = message(to=addresses.support_address(acme), subject="Plain")
    result = email_receive(message=forwarded(acme, raw))
    rows = list(Delivery.objects.for_account(acme).filter(ticket=result.ticket))
    assert rows and all(r.from_email == addresses.from_address(acme) for r in rows)


@pytest.mark.django_db
def test_passwords_are_stored_encrypted(acme, support, settings):
    channel = services.channel_create(
        account=acme, address=support, host="imap.example", username="u", password="hunter22"
    )
    assert "hunter22" not in channel.password_encrypted
    assert decrypt(channel.password_encrypted) == "hunter22"
    services.channel_update(channel=channel, host="imap.example", username="u", password="")
    channel.refresh_from_db()
    assert decrypt(channel.password_encrypted) == "hunter22"  # blank keeps it


@pytest.mark.slow
@pytest.mark.django_db
def test_the_connection_test_says_what_is_wrong(acme, support, dovecot, settings):
    channel = make_channel(acme, support, dovecot)
    dovecot.deliver(message())
    assert services.channel_test(channel=channel) == (True, "Connected: 1 messages in INBOX.")

    wrong = make_channel(acme, support, dovecot, password="wrong")
    ok, error = services.channel_test(channel=wrong)
    assert not ok and error.startswith("Authentication failed")
    wrong.refresh_from_db()
    assert wrong.last_error.startswith("Authentication failed")

    folder = make_channel(acme, support, dovecot, folder="Nope")
    assert services.channel_test(channel=folder) == (False, "Folder Nope not found.")

    settings.MAILBOX_CA_FILE = ""
    ok, error = services.channel_test(channel=channel)
    assert not ok and error.startswith("Certificate not trusted")

    closed = make_channel(acme, support, dovecot, port=1)
    ok, error = services.channel_test(channel=closed)
    assert not ok and error.startswith("Connection refused")
