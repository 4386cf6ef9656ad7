"""Admin settings → Webhooks: create, edit, deactivate, delete, send a test, reveal the
signing secret, the delivery log; secrets never rendered back; the list's queries fixed."""

from __future__ import annotations

import io
import tarfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.identity_models import AuditEntry
from webhooks.models import Webhook, WebhookCall
from webhooks.services import webhook_create

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Orders",
    "description": "Tell the orders system",
    "endpoint": "https://hooks.example.com/orders",
    "http_method": "POST",
    "active": "on",
    "auth_type": "bearer_token",
    "auth_name": "",
    "auth_secret": "top-secret-token",
}


def test_an_admin_creates_edits_and_deletes_a_webhook_without_seeing_its_secrets(
    client_for, acme, acme_admin
):
    client = client_for(acme_admin)
    response = client.post("/agent/settings/webhooks/new/", FORM)
    assert response.status_code == 302
    webhook = Webhook.objects.for_account(acme).get()
    assert (webhook.auth_type, webhook.auth_secret) == ("bearer_token", "top-secret-token")
    page = client.get(f"/agent/settings/webhooks/{webhook.number}/").content.decode()
    assert "hooks.example.com/orders" in page
    assert "top-secret-token" not in page and webhook.signing_secret not in page
    # Saved again with the secret left empty: the stored one stays.
    response = client.post(
        f"/agent/settings/webhooks/{webhook.number}/",
        {**FORM, "name": "Orders 2", "auth_secret": ""},
    )
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert (webhook.name, webhook.auth_secret) == ("Orders 2", "top-secret-token")
    # The explicit reveal is the one page with the signing secret.
    revealed = client.post(f"/agent/settings/webhooks/{webhook.number}/secret/")
    assert webhook.signing_secret in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    old = webhook.signing_secret
    client.post(f"/agent/settings/webhooks/{webhook.number}/secret/", {"reset": "1"})
    webhook.refresh_from_db()
    assert webhook.signing_secret != old
    client.post(f"/agent/settings/webhooks/{webhook.number}/toggle/")
    webhook.refresh_from_db()
    assert webhook.status == Webhook.Status.INACTIVE
    client.post(f"/agent/settings/webhooks/{webhook.number}/delete/")
    assert not Webhook.objects.for_account(acme).exists()
    # Every step in the account's audit log, never with a secret's value.
    entries = AuditEntry.objects.for_account(acme).filter(action__startswith="webhook.")
    assert list(entries.order_by("id").values_list("action", flat=True)) == [
        "webhook.created",
        "webhook.updated",
        "webhook.secret_shown",
        "webhook.secret_shown",
        "webhook.updated",
        "webhook.deleted",
    ]
    logged = str(list(entries.values_list("changes", flat=True)))
    assert "top-secret-token" not in logged and old not in logged
    assert webhook.signing_secret not in logged


def test_bad_input_is_a_form_error_and_nothing_is_lost(client_for, acme, acme_admin, settings):
    settings.WEBHOOKS_ALLOW_LOCALHOST = False
    client = client_for(acme_admin)
    for endpoint, words in (
        ("http://hooks.example.com/x", "https://"),
        ("https://192.168.1.10/x", "private"),
        ("http://localhost:8000/x", "https://"),
        ("not a url", "https://"),
    ):
        response = client.post("/agent/settings/webhooks/new/", {**FORM, "endpoint": endpoint})
        assert response.status_code == 400
        page = response.content.decode()
        assert words in page and "Tell the orders system" in page
    response = client.post(
        "/agent/settings/webhooks/new/", {**FORM, "auth_type": "basic_auth", "auth_secret": "pw"}
    )
    assert response.status_code == 400 and "user name" in response.content.decode()
    assert not Webhook.objects.for_account(acme).exists()


def test_send_test_and_the_delivery_log(
    client_for, acme, acme_admin, receiver, django_capture_on_commit_callbacks
):
    webhook = webhook_create(account=acme, actor=acme_admin, name="Local", endpoint=receiver.url)
    receiver.answers = ["500"]
    client = client_for(acme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/agent/settings/webhooks/{webhook.number}/test/")
    assert response.status_code == 302
    call = WebhookCall.objects.for_account(acme).get()
    assert call.is_test and len(receiver.received) == 1
    log = client.get(f"/agent/settings/webhooks/{webhook.number}/log/").content.decode()
    assert "500" in log and "ms" in log and "&quot;ok&quot;: false" in log


def test_agents_are_told_forbidden_and_another_accounts_webhook_is_not_found(
    client_for, acme, acme_agent, acme_admin, globex
):
    from tests.factories import AdminFactory

    theirs = webhook_create(
        account=globex,
        actor=AdminFactory(account=globex),
        name="Theirs",
        endpoint="https://example.com/g",
    )
    assert client_for(acme_agent).get("/agent/settings/webhooks/").status_code == 403
    admin = client_for(acme_admin)
    assert admin.get(f"/agent/settings/webhooks/{theirs.number}/").status_code == 404
    assert admin.post(f"/agent/settings/webhooks/{theirs.number}/delete/").status_code == 404
    assert Webhook.objects.for_account(globex).filter(pk=theirs.pk).exists()


def test_the_list_runs_a_fixed_number_of_queries(client_for, acme, acme_admin):
    client = client_for(acme_admin)

    def measure() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/agent/settings/webhooks/")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    webhook_create(account=acme, actor=acme_admin, name="One", endpoint="https://example.com/1")
    few = measure()
    for i in range(5):
        webhook_create(
            account=acme, actor=acme_admin, name=f"More {i}", endpoint="https://example.com/m"
        )
    assert measure() == few
    assert few <= 12


def test_both_rule_editors_offer_notify_webhook(client_for, acme_admin):
    client = client_for(acme_admin)
    for path in ("/agent/settings/triggers/new/", "/agent/settings/automations/new/"):
        assert 'value="notify_webhook"' in client.get(path).content.decode(), path


def test_an_imported_webhook_arrives_inactive_with_fresh_secrets(acme, acme_admin, tmp_path):
    """accounts/portability: secrets are left out of an export (unless --with-passwords);
    the copy gets a new random signing secret, an unusable credential, and waits inactive."""
    from django.core.management import call_command

    from accounts.dbsession import account_context
    from accounts.portability.importing import account_import

    webhook = webhook_create(
        account=acme,
        actor=acme_admin,
        name="Orders",
        endpoint="https://hooks.example.com/orders",
        auth_type="bearer_token",
        auth_secret="token-123",
    )
    archive = tmp_path / "acme.tar.gz"
    call_command("account_export", "acme", "--output", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        contents = b"".join(
            tar.extractfile(m).read()
            for m in tar.getmembers()
            if m.isfile()  # type: ignore[union-attr]
        )
    assert b"token-123" not in contents and webhook.signing_secret.encode() not in contents
    copy, _loaded = account_import(archive=archive, subdomain="acme-moved")
    with account_context(copy):
        moved = Webhook.objects.for_account(copy).get()
    assert (moved.name, moved.endpoint, moved.status) == ("Orders", webhook.endpoint, "inactive")
    assert moved.signing_secret not in ("", webhook.signing_secret)
    assert moved.auth_secret != "token-123"
