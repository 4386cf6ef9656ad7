from __future__ import annotations

import secrets

import pytest
from django.core import mail

from mailchannels import services
from mailchannels.models import MailboxChannel, SupportAddress
from tests.mailchannels.dovecot import USERS, running_dovecot


@pytest.fixture
def dovecot(settings):
    with running_dovecot() as server:
        settings.MAILBOX_CA_FILE = server.ca_file
        yield server


@pytest.fixture
def outbox(settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def support(acme) -> SupportAddress:
    return services.address_create(
        account=acme, email="support@acme.example", display_name="Acme Support"
    )


def make_channel(account, address, server, **fields) -> MailboxChannel:
    values = {
        "host": server.host,
        "port": server.port,
        "username": address.email,
        "password": USERS[address.email],
        **fields,
    }
    return services.channel_create(account=account, address=address, **values)


@pytest.fixture
def channel(acme, support, dovecot) -> MailboxChannel:
    return make_channel(acme, support, dovecot)


def message(
    *,
    sender: str = "Uma User <user@customer.example>",
    to: str = "support@acme.example",
    subject: str = "Printer on fire",
    text: str = "It is burning.",
    message_id: str | None = None,
    headers: list[tuple[str, str]] = (),
) -> bytes:
    message_id = message_id or f"<{secrets.token_hex(8)}@customer.example>"
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
        f"Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n{extra}MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="UTF-8"\r\n\r\n'
        f"{text}\r\n"
    ).encode()
