"""Microsoft 365 / Gmail over POP3: the channel the admin connected with the provider's
consent is switched to POP3 on its settings page and signs in with AUTH XOAUTH2 (RFC 5034
SASL) against Dovecot's pop3 service and its oauth2 passdb, which asks the local fake
provider whether the bearer token is live; a refused token asks the admin to reconnect."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mailchannels import services
from mailchannels.fetch import channel_fetch
from mailchannels.models import MailboxChannel
from tests.mailchannels.conftest import message
from tests.mailchannels.dovecot import running_dovecot
from tests.mailchannels.oauth_provider import LocalOAuthProvider
from tests.mailchannels.test_oauth import connected
from tickets.models import Ticket

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def provider():
    with LocalOAuthProvider() as running:
        yield running


@pytest.fixture
def pop3_oauth_dovecot(settings, provider):
    with running_dovecot(oauth_introspection_url=f"{provider.url}/introspect", pop3=True) as server:
        settings.MAILBOX_CA_FILE = server.ca_file
        settings.MAILBOX_OAUTH = {
            "microsoft": {**provider.settings(), "imap_port": server.port},
            "google": {**provider.settings(), "client_id": ""},
        }
        yield server


def switch_to_pop3(client, channel, server) -> MailboxChannel:
    response = client.post(
        reverse("mailchannels:channel_edit", args=[channel.number], urlconf="helpdesk.urls_tenant"),
        {
            "protocol": "pop3",
            "host": server.host,
            "port": server.pop3_port,
            "security": "ssl",
            "folder": "INBOX",
            "after_import": "delete",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    channel.refresh_from_db()
    assert (channel.protocol, channel.port) == ("pop3", server.pop3_port)
    assert channel.auth == MailboxChannel.Auth.MICROSOFT  # still the consent, no password
    return channel


def test_a_microsoft_365_mailbox_is_read_over_pop3_with_xoauth2(
    acme, acme_admin, client_for, provider, pop3_oauth_dovecot
):
    client = client_for(acme_admin)
    channel = switch_to_pop3(client, connected(client, provider, acme), pop3_oauth_dovecot)
    assert services.channel_test(channel=channel) == (True, "Connected: 0 messages in INBOX.")
    before = provider.introspections
    pop3_oauth_dovecot.deliver(message(subject="Over POP3 with OAuth2"))
    report = channel_fetch(channel)
    assert (report.imported, report.error) == (1, "")
    assert provider.introspections > before  # Dovecot checked the bearer token
    assert Ticket.objects.for_account(acme).get().subject == "Over POP3 with OAuth2"
    assert pop3_oauth_dovecot.uids() == []  # deleted after import, over POP3


def test_a_token_the_server_refuses_over_pop3_asks_to_reconnect(
    acme, acme_admin, client_for, provider, pop3_oauth_dovecot
):
    client = client_for(acme_admin)
    channel = switch_to_pop3(client, connected(client, provider, acme), pop3_oauth_dovecot)
    provider.expire_access()  # still valid to us; Dovecot's introspection says no
    pop3_oauth_dovecot.deliver(message())
    report = channel_fetch(channel)
    assert report.imported == 0 and "reconnect the mailbox" in report.error
    assert "Microsoft 365" in report.error
    ok, said = services.channel_test(channel=channel)
    assert not ok and "reconnect" in said
    assert pop3_oauth_dovecot.uids() != []  # nothing lost
