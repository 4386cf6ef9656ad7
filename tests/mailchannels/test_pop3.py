"""POP3 channels against a real Dovecot (Debian's dovecot-pop3d, POP3S): messages become
tickets exactly once by UIDL, delete-after-import deletes only what was imported, a fetch
that dies before QUIT deletes nothing and the next one imports nothing twice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mailchannels import pop3, services
from mailchannels.fetch import channel_fetch
from mailchannels.fetch_pop3 import import_pop3
from mailchannels.models import FetchedMessage, MailboxChannel
from tests.mailchannels.conftest import make_channel, message
from tests.mailchannels.dovecot import running_dovecot
from tickets.models import Ticket

pytestmark = pytest.mark.slow


@pytest.fixture
def pop3_dovecot(settings):
    with running_dovecot(pop3=True) as server:
        settings.MAILBOX_CA_FILE = server.ca_file
        yield server


def pop3_channel(acme, support, server, **fields) -> MailboxChannel:
    return make_channel(acme, support, server, protocol="pop3", port=server.pop3_port, **fields)


def subjects(account) -> list[str]:
    return sorted(Ticket.objects.for_account(account).values_list("subject", flat=True))


@pytest.mark.django_db
def test_pop3_messages_become_tickets_once_and_stay_on_the_server(acme, support, pop3_dovecot):
    channel = pop3_channel(acme, support, pop3_dovecot)
    pop3_dovecot.deliver(message(subject="One"), message(subject="Two"))
    report = channel_fetch(channel)
    assert (report.imported, report.failed, report.error) == (2, 0, "")
    assert subjects(acme) == ["One", "Two"]
    pop3_dovecot.deliver(message(subject="Three"))
    channel.refresh_from_db()
    assert channel_fetch(channel).imported == 1
    assert channel_fetch(channel).imported == 0
    assert subjects(acme) == ["One", "Three", "Two"]
    assert len(pop3_dovecot.uids()) == 3  # "mark as read": left on the server
    assert set(FetchedMessage.objects.for_account(acme).values_list("uidl", flat=True)).isdisjoint(
        {""}
    )


@pytest.mark.django_db
def test_delete_after_import_deletes_only_the_imported_ones(acme, support, pop3_dovecot, settings):
    settings.MAILBOX_MAX_MESSAGE_BYTES = 2000
    channel = pop3_channel(acme, support, pop3_dovecot, after_import="delete")
    pop3_dovecot.deliver(message(subject="Fine"), message(subject="Huge", text="x" * 5000))
    report = channel_fetch(channel)
    assert (report.imported, report.failed) == (1, 1)
    assert subjects(acme) == ["Fine"]
    assert len(pop3_dovecot.uids()) == 1  # the failed one stays in the maildrop
    failed = FetchedMessage.objects.for_account(acme).get(status="failed")
    assert failed.subject == "Huge" and b"x" * 100 in bytes(failed.raw)
    assert channel_fetch(channel).failed == 0  # not retried as new


@pytest.mark.django_db
def test_a_fetch_dying_before_quit_deletes_nothing_and_nothing_is_imported_twice(
    acme, support, pop3_dovecot
):
    channel = pop3_channel(acme, support, pop3_dovecot, after_import="delete")
    pop3_dovecot.deliver(message(subject="First"), message(subject="Second"))
    with pytest.raises(RuntimeError), pop3.opened(channel) as client:
        number, uidl = pop3.listing(client)[0]
        assert import_pop3(channel, uidl, pop3.retrieve(client, number)) == "imported"
        pop3.mark_deleted(client, number)
        raise RuntimeError("worker killed before QUIT")
    assert len(pop3_dovecot.uids()) == 2  # no QUIT, no deletion
    report = channel_fetch(channel)
    assert (report.imported, report.error) == (1, "")
    assert subjects(acme) == ["First", "Second"]
    assert pop3_dovecot.uids() == []  # the earlier import deleted now too
    assert import_pop3(channel, uidl, message()) == "skipped"


@pytest.mark.django_db
def test_pop3_connection_test_says_what_is_wrong(acme, support, pop3_dovecot):
    channel = pop3_channel(acme, support, pop3_dovecot)
    pop3_dovecot.deliver(message())
    assert services.channel_test(channel=channel) == (True, "Connected: 1 messages in INBOX.")
    services.channel_update(channel=channel, password="wrong", **_fields(channel))
    ok, said = services.channel_test(channel=channel)
    assert not ok and said.startswith("Authentication failed")
    services.channel_update(channel=channel, **{**_fields(channel), "port": 9})
    report = channel_fetch(channel)
    assert report.error.startswith("Connection refused")


def _fields(channel):
    return {
        name: getattr(channel, name)
        for name in ("protocol", "host", "port", "security", "username", "folder", "after_import")
    }


@pytest.mark.django_db
def test_pop3_cannot_move_to_a_folder(acme, support):
    with pytest.raises(ValidationError, match="POP3 has no folders"):
        services.channel_create(
            account=acme,
            address=support,
            password="p",
            protocol="pop3",
            host="pop.example",
            port=995,
            username="u",
            after_import="move",
            move_to="Archive",
        )


@pytest.mark.django_db
def test_the_admin_adds_a_pop3_channel_from_the_settings_page(
    acme, acme_admin, client_for, pop3_dovecot
):
    client = client_for(acme_admin)
    response = client.post(
        reverse("mailchannels:channel_new", urlconf="helpdesk.urls_tenant"),
        {
            "email": "support@acme.example",
            "protocol": "pop3",
            "host": "127.0.0.1",
            "port": pop3_dovecot.pop3_port,
            "security": "ssl",
            "username": "support@acme.example",
            "password": "s3cret-imap",
            "folder": "INBOX",
            "after_import": "delete",
            "active": "on",
        },
    )
    assert response.status_code == 302
    channel = MailboxChannel.objects.for_account(acme).get()
    assert channel.protocol == "pop3" and channel.after_import == "delete"
    pop3_dovecot.deliver(message(subject="Via POP3"))
    assert channel_fetch(channel).imported == 1 and subjects(acme) == ["Via POP3"]
