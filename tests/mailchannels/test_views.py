"""Email channel settings: admins only, per-account numbers, the password never
rendered back, clear errors, a fixed number of queries for the settings page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.field_crypto import decrypt
from mailchannels import services
from mailchannels.models import MailboxChannel, SupportAddress
from tests.mailchannels.conftest import message


def url(name, *args):
    return reverse(f"mailchannels:{name}", args=args, urlconf="helpdesk.urls_tenant")


@pytest.fixture
def saved(acme, support):
    return services.channel_create(
        account=acme,
        address=support,
        host="127.0.0.1",
        port=9,
        username="support@acme.example",
        password="do-not-show-me",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who, status", [("acme_agent", 403), ("acme_user", 404)])
def test_only_admins_open_the_email_settings(who, status, request, client_for, saved):
    client = client_for(request.getfixturevalue(who))
    assert client.get(url("email_settings")).status_code == status
    assert client.get(url("channel_edit", saved.number)).status_code == status
    assert client.post(url("channel_delete", saved.number)).status_code == status
    assert MailboxChannel.objects.for_account(saved.account).exists()


@pytest.mark.django_db
def test_another_accounts_channel_is_a_404(globex, acme_admin, client_for, saved):
    other = services.mailbox_connect(
        account=globex, email="x@globex.example", password="p", host="h.example", username="u"
    )
    other2 = services.mailbox_connect(
        account=globex, email="y@globex.example", password="p", host="h.example", username="u"
    )
    client = client_for(acme_admin)
    assert client.get(url("channel_edit", other2.number)).status_code == 404
    assert client.post(url("channel_delete", other2.number)).status_code == 404
    assert MailboxChannel.objects.for_account(globex).count() == 2 and other


@pytest.mark.django_db
def test_the_admin_connects_a_mailbox_and_the_password_is_never_shown(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    response = client.post(
        url("channel_new"),
        {
            "email": "Help@Acme.example",
            "display_name": "Acme Help",
            "host": "imap.acme.example",
            "port": "993",
            "security": "ssl",
            "username": "help",
            "password": "do-not-show-me",
            "folder": "INBOX",
            "after_import": "mark_read",
            "active": "on",
        },
    )
    channel = MailboxChannel.objects.for_account(acme).get()
    assert response.status_code == 302
    assert response["Location"] == url("channel_edit", channel.number)
    assert channel.address.email == "help@acme.example"
    assert channel.address.arrival == SupportAddress.Arrival.MAILBOX
    assert decrypt(channel.password_encrypted) == "do-not-show-me"
    for page in (url("channel_edit", channel.number), url("email_settings")):
        html = client.get(page).content.decode()
        assert "do-not-show-me" not in html and channel.password_encrypted not in html
    # Saving without a password keeps it.
    client.post(
        url("channel_edit", channel.number),
        {
            "host": "imap2.acme.example",
            "port": "993",
            "security": "ssl",
            "username": "help",
            "password": "",
            "folder": "INBOX",
            "after_import": "mark_read",
        },
    )
    channel.refresh_from_db()
    assert channel.host == "imap2.acme.example" and not channel.active
    assert decrypt(channel.password_encrypted) == "do-not-show-me"


@pytest.mark.django_db
def test_bad_input_is_a_400_with_the_reason(acme_admin, client_for):
    response = client_for(acme_admin).post(
        url("channel_new"),
        {
            "email": "help@acme.example",
            "host": "imap.acme.example",
            "port": "993",
            "security": "ssl",
            "username": "help",
            "password": "p",
            "folder": "INBOX",
            "after_import": "move",
            "move_to": "",
        },
    )
    assert response.status_code == 400
    assert "Name the folder imported messages are moved to." in response.content.decode()


@pytest.mark.django_db
def test_an_unreachable_server_is_a_clear_message_not_a_500(acme_admin, client_for, saved):
    client = client_for(acme_admin)
    response = client.post(url("channel_test", saved.number), follow=True)
    assert response.status_code == 200
    assert "Connection refused by 127.0.0.1:9." in response.content.decode()
    response = client.post(url("channel_fetch", saved.number), follow=True)
    assert "Connection refused by 127.0.0.1:9." in response.content.decode()
    saved.refresh_from_db()
    assert saved.last_fetch_at is not None and saved.last_error.startswith("Connection refused")


@pytest.mark.django_db
def test_the_settings_page_costs_a_fixed_number_of_queries(
    acme, acme_admin, client_for, django_assert_max_num_queries, saved
):
    client = client_for(acme_admin)
    client.get(url("email_settings"))
    for i in range(5):
        services.mailbox_connect(
            account=acme, email=f"s{i}@acme.example", password="p", host="h.example", username="u"
        )
    with django_assert_max_num_queries(12) as few:
        client.get(url("email_settings"))
    count = len(few.captured_queries)
    for i in range(5, 10):
        services.address_create(account=acme, email=f"a{i}@acme.example")
    with django_assert_max_num_queries(count):
        client.get(url("email_settings"))


@pytest.mark.slow
@pytest.mark.django_db
def test_fetch_now_imports_and_failed_messages_are_listed(
    acme, acme_admin, client_for, channel, dovecot, settings
):
    settings.MAILBOX_MAX_MESSAGE_BYTES = 2000
    dovecot.deliver(message(subject="Huge one", text="z" * 5000), message(subject="Fine"))
    client = client_for(acme_admin)
    response = client.post(url("channel_fetch", channel.number), follow=True)
    html = response.content.decode()
    assert "1 messages imported, 1 could not be imported." in html
    assert "Huge one" in html and "over the 2000 byte limit" in html


def _failed(channel, uid, raw, status="failed"):
    from mailchannels.models import FetchedMessage

    return FetchedMessage.objects.create(
        account=channel.account,
        channel=channel,
        uidvalidity=11,
        uid=uid,
        status=status,
        reason="ValueError: empty message" if status == "failed" else "",
        subject="Broken",
        raw=raw if status == "failed" else None,
    )


@pytest.mark.django_db
def test_the_admin_downloads_a_failed_messages_bytes_from_the_status_page(
    acme, acme_admin, client_for, saved
):
    raw = b"Subject: Broken\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script>\xff\r\n"
    _failed(saved, 4, raw)
    client = client_for(acme_admin)
    page = client.get(url("channel_edit", saved.number)).content.decode()
    link = url("failed_message_download", saved.number, 11, 4)
    assert link in page
    response = client.get(link)
    assert response.status_code == 200 and response.content == raw
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_imported_missing_and_other_accounts_messages_are_404s(
    acme, globex, acme_admin, acme_agent, client_for, saved
):
    _failed(saved, 4, b"x")
    _failed(saved, 5, b"", status="imported")
    other = services.mailbox_connect(
        account=globex, email="x@globex.example", password="p", host="h.example", username="u"
    )
    _failed(other, 6, b"globex secret")
    client = client_for(acme_admin)
    assert client.get(url("failed_message_download", saved.number, 11, 5)).status_code == 404
    assert client.get(url("failed_message_download", saved.number, 11, 6)).status_code == 404
    assert client.get(url("failed_message_download", saved.number, 12, 4)).status_code == 404
    assert client.get(url("failed_message_download", other.number + 1, 11, 6)).status_code == 404
    agent = client_for(acme_agent)
    assert agent.get(url("failed_message_download", saved.number, 11, 4)).status_code == 403


@pytest.mark.django_db
def test_the_spf_hint_names_the_domains_mail_goes_out_from(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    page = client.get(url("email_settings")).text
    hint = page.split("email-dns-help")[1]
    assert "localhost" not in hint and "once you add a support address" in hint
    services.address_create(account=acme, email="help@acme.example")
    services.address_create(account=acme, email="billing@Shop.Example")
    services.address_create(account=acme, email="sales@acme.example")
    hint = client.get(url("email_settings")).text.split("email-dns-help")[1]
    assert "SPF: in the DNS of acme.example, shop.example, add" in hint
    assert "localhost" not in hint
