"""Microsoft 365 / Gmail through OAuth2, for real: the admin's consent on a local fake
provider (tests/mailchannels/oauth_provider.py: authorize, token, introspection), the
refresh token stored encrypted, and IMAP sign-in with XOAUTH2 against Dovecot's oauth2
passdb, which asks that provider whether the access token is live."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from accounts.field_crypto import decrypt
from mailchannels import services
from mailchannels.fetch import channel_fetch
from mailchannels.models import MailboxChannel
from tests.factories import AdminFactory
from tests.mailchannels.conftest import message
from tests.mailchannels.dovecot import running_dovecot
from tests.mailchannels.oauth_provider import LocalOAuthProvider
from tickets.models import Ticket

pytestmark = pytest.mark.slow


def url(name, *args):
    return reverse(f"mailchannels:{name}", args=args, urlconf="helpdesk.urls_tenant")


@pytest.fixture
def provider():
    with LocalOAuthProvider() as running:
        yield running


@pytest.fixture
def oauth_dovecot(settings, provider):
    with running_dovecot(oauth_introspection_url=f"{provider.url}/introspect") as server:
        settings.MAILBOX_CA_FILE = server.ca_file
        settings.MAILBOX_OAUTH = {
            "microsoft": {**provider.settings(), "imap_port": server.port},
            "google": {**provider.settings(), "client_id": ""},  # not registered here
        }
        yield server


def consent(client, provider, **post):
    """The admin's start, the provider's Accept, the callback: the callback's response."""
    started = client.post(url("oauth_start", "microsoft"), post)
    assert started.status_code == 302
    location = started["Location"]
    assert location.startswith(f"{provider.url}/authorize?")
    page = requests.get(location, timeout=10)
    assert page.status_code == 200 and "Accept" in page.text  # PKCE and client accepted
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    back = urlsplit(provider.approve(params))
    return client.get(back.path, parse_qs(back.query))


def connected(client, provider, acme) -> MailboxChannel:
    response = consent(client, provider, email="support@acme.example")
    channel = MailboxChannel.objects.for_account(acme).get()
    assert response.status_code == 302
    assert response["Location"] == url("channel_edit", channel.number)
    return channel


@pytest.mark.django_db
def test_the_admin_connects_microsoft_365_and_mail_is_read_with_xoauth2(
    acme, acme_admin, client_for, provider, oauth_dovecot
):
    client = client_for(acme_admin)
    page = client.get(url("email_settings")).content.decode()
    assert "Connect Microsoft 365" in page and "Connect Gmail" not in page
    channel = connected(client, provider, acme)
    assert channel.auth == MailboxChannel.Auth.MICROSOFT
    assert channel.username == "support@acme.example" and channel.address.arrival == "mailbox"
    [refresh] = provider.refresh_tokens
    assert refresh not in channel.oauth_refresh_encrypted  # encrypted at rest
    assert decrypt(channel.oauth_refresh_encrypted) == refresh
    assert refresh not in client.get(url("channel_edit", channel.number)).content.decode()

    oauth_dovecot.deliver(message(subject="Sent to Microsoft 365"))
    report = channel_fetch(channel)
    assert (report.imported, report.error) == (1, "")
    assert provider.introspections >= 1  # Dovecot checked the bearer token
    assert Ticket.objects.for_account(acme).get().subject == "Sent to Microsoft 365"


@pytest.mark.django_db
def test_an_access_token_about_to_expire_is_renewed_before_signing_in(
    acme, acme_admin, client_for, provider, oauth_dovecot
):
    channel = connected(client_for(acme_admin), provider, acme)
    old = decrypt(channel.oauth_access_encrypted)
    MailboxChannel.objects.for_account(acme).filter(pk=channel.pk).update(
        oauth_expires_at=timezone.now() + timedelta(minutes=1)
    )
    provider.expire_access()  # the old one would be refused by Dovecot now
    channel.refresh_from_db()
    oauth_dovecot.deliver(message())
    assert channel_fetch(channel).imported == 1
    channel.refresh_from_db()
    assert provider.grants.count("refresh_token") == 1
    assert decrypt(channel.oauth_access_encrypted) not in ("", old)
    assert channel.oauth_expires_at > timezone.now() + timedelta(minutes=30)
    # Still valid: no second refresh.
    channel_fetch(channel)
    assert provider.grants.count("refresh_token") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["revoked", "refused_at_sign_in"])
def test_revoked_access_asks_the_admin_to_reconnect_without_crashing(
    how, acme, acme_admin, client_for, provider, oauth_dovecot
):
    client = client_for(acme_admin)
    channel = connected(client, provider, acme)
    if how == "revoked":  # the refresh is refused
        provider.revoke()
        MailboxChannel.objects.for_account(acme).filter(pk=channel.pk).update(
            oauth_expires_at=timezone.now()
        )
    else:  # the token looks valid to us, Dovecot's introspection says no
        provider.expire_access()
    channel.refresh_from_db()
    oauth_dovecot.deliver(message())
    report = channel_fetch(channel)
    assert report.imported == 0 and "reconnect" in report.error
    channel.refresh_from_db()
    assert "Microsoft 365" in channel.last_error and "reconnect" in channel.last_error
    page = client.get(url("channel_edit", channel.number)).content.decode()
    assert "reconnect the mailbox" in page and "Reconnect" in page
    ok, said = services.channel_test(channel=channel)
    assert not ok and "reconnect" in said


@pytest.mark.django_db
def test_reconnecting_replaces_the_tokens_and_clears_the_error(
    acme, acme_admin, client_for, provider, oauth_dovecot
):
    client = client_for(acme_admin)
    channel = connected(client, provider, acme)
    provider.revoke()
    MailboxChannel.objects.for_account(acme).filter(pk=channel.pk).update(
        oauth_expires_at=timezone.now()
    )
    channel.refresh_from_db()
    assert channel_fetch(channel).error
    response = consent(client, provider, channel=str(channel.number))
    assert response["Location"] == url("channel_edit", channel.number)
    channel.refresh_from_db()
    assert channel.last_error == "" and MailboxChannel.objects.for_account(acme).count() == 1
    oauth_dovecot.deliver(message())
    assert channel_fetch(channel).imported == 1


@pytest.mark.django_db
def test_a_callback_not_started_by_this_admin_in_this_account_is_refused(
    acme, acme_admin, client_for, provider, oauth_dovecot
):
    client = client_for(acme_admin)
    started = client.post(url("oauth_start", "microsoft"), {"email": "support@acme.example"})
    params = {k: v[0] for k, v in parse_qs(urlsplit(started["Location"]).query).items()}
    back = urlsplit(provider.approve(params))
    # Another admin of the account, handed the link: their session started nothing.
    other = AdminFactory(account=acme)
    refused = client_for(other).get(back.path, parse_qs(back.query), follow=True)
    assert "not started here" in refused.content.decode()
    # A forged state in the right session: refused, and the start is spent.
    forged = {**parse_qs(back.query), "state": "forged"}
    assert "not started here" in client.get(back.path, forged, follow=True).content.decode()
    assert (
        "not started here"
        in client.get(back.path, parse_qs(back.query), follow=True).content.decode()
    )
    assert not MailboxChannel.objects.for_account(acme).exists()
    assert provider.grants == []  # no code was ever exchanged


@pytest.mark.django_db
def test_a_provider_without_an_app_registration_is_not_offered(
    acme_admin, client_for, oauth_dovecot
):
    client = client_for(acme_admin)
    assert client.post(url("oauth_start", "google"), {"email": "a@acme.example"}).status_code == 404
    assert client.post(url("oauth_start", "yahoo"), {"email": "a@acme.example"}).status_code == 404


@pytest.mark.django_db
def test_the_provider_declining_consent_leaves_nothing(
    acme, acme_admin, client_for, provider, oauth_dovecot
):
    client = client_for(acme_admin)
    started = client.post(url("oauth_start", "microsoft"), {"email": "support@acme.example"})
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    page = client.get(
        url("oauth_callback"), {"error": "access_denied", "state": state}, follow=True
    ).content.decode()
    assert "did not give access" in page
    assert not MailboxChannel.objects.for_account(acme).exists()


@pytest.mark.django_db
def test_the_pages_that_start_a_consent_let_their_forms_reach_the_provider(
    acme, acme_admin, client_for, provider, oauth_dovecot
):
    # CSP form-action applies to a submission's redirects: with 'self' only, the browser
    # blocks oauth_start's redirect to the consent page and Connect does nothing.
    client = client_for(acme_admin)
    policy = client.get(url("email_settings"))["Content-Security-Policy"]
    form_action = next(p for p in policy.split(";") if "form-action" in p).split()
    assert form_action == ["form-action", "'self'", provider.url]
    channel = connected(client, provider, acme)
    policy = client.get(url("channel_edit", channel.number))["Content-Security-Policy"]
    assert provider.url in policy  # Reconnect
    assert "'self'" in policy and "script-src 'self' 'nonce-" in policy  # the rest unchanged
