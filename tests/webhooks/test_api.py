"""/api/v2/webhooks in Zendesk's shape: Zendesk's own example bodies, admins only,
secrets never in a webhook's JSON, another account's webhook a 404."""

from __future__ import annotations

import jsonschema_rs
import pytest

from api.openapi import openapi_schema
from tests.api.zendesk import _as_json_schema
from tests.factories import AdminFactory
from webhooks.models import Webhook, WebhookCall
from webhooks.services import webhook_create

pytestmark = pytest.mark.django_db

# Zendesk's "Create or Clone Webhook" example, authentication included.
ZENDESK_EXAMPLE = {
    "webhook": {
        "authentication": {
            "add_position": "header",
            "data": {"password": "hello_123", "username": "john_smith"},
            "type": "basic_auth",
        },
        "endpoint": "https://example.com/status/200",
        "http_method": "GET",
        "name": "Example Webhook",
        "request_format": "json",
        "status": "active",
        "subscriptions": ["conditional_ticket_events"],
    }
}
WEBHOOK_KEYS = {
    "id",
    "name",
    "description",
    "status",
    "subscriptions",
    "endpoint",
    "http_method",
    "request_format",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
}


def assert_described(body: dict, name: str) -> None:
    """``body`` matches the schema /api/v2/openapi.json gives it (api/openapi/webhooks.py)."""
    schemas = openapi_schema(server_url="http://acme.localhost/api/v2")["components"]["schemas"]
    defs = {k: _as_json_schema(v) for k, v in schemas.items()}
    validator = jsonschema_rs.Draft202012Validator({"$defs": defs, "$ref": f"#/$defs/{name}"})
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors[:5]


@pytest.fixture
def admin_api(api_for, acme_admin):
    return api_for(acme_admin)


def test_create_show_list_update_and_delete_in_zendesks_shape(admin_api, acme, acme_admin):
    response = admin_api.post("/api/v2/webhooks", ZENDESK_EXAMPLE, format="json")
    assert response.status_code == 201, response.content
    webhook = response.json()["webhook"]
    assert_described(webhook, "Webhook")
    assert_described(ZENDESK_EXAMPLE["webhook"], "WebhookWrite")
    assert WEBHOOK_KEYS | {"authentication"} == set(webhook)
    assert webhook["authentication"] == {"type": "basic_auth", "add_position": "header"}
    assert (webhook["id"], webhook["http_method"], webhook["status"]) == ("1", "GET", "active")
    assert webhook["created_by"] == str(acme_admin.number)
    assert "hello_123" not in response.content.decode()
    stored = Webhook.objects.for_account(acme).get()
    assert (stored.auth_name, stored.auth_secret) == ("john_smith", "hello_123")
    assert stored.signing_secret not in response.content.decode()

    shown = admin_api.get("/api/v2/webhooks/1.json")
    assert shown.status_code == 200 and shown.json()["webhook"] == webhook
    assert "hello_123" not in shown.content.decode()
    assert stored.signing_secret not in shown.content.decode()

    listed = admin_api.get("/api/v2/webhooks")
    paths = admin_api.get("/api/v2/openapi.json").json()["paths"]
    assert {"/webhooks.json", "/webhooks/{id}.json", "/webhooks/{id}/signing_secret.json"} <= set(
        paths
    )
    assert listed.json()["webhooks"] == [webhook]
    assert listed.json()["meta"] == {"has_more": False, "after_cursor": None, "before_cursor": None}

    update = {
        "webhook": {"name": "Renamed", "endpoint": "https://example.com/new", "status": "inactive"}
    }
    assert admin_api.put("/api/v2/webhooks/1", update, format="json").status_code == 204
    assert (
        admin_api.patch(
            "/api/v2/webhooks/1", {"webhook": {"http_method": "POST"}}, format="json"
        ).status_code
        == 204
    )
    stored.refresh_from_db()
    assert (stored.name, stored.status, stored.http_method, stored.auth_secret) == (
        "Renamed",
        "inactive",
        "POST",
        "hello_123",  # not given: kept
    )
    assert admin_api.delete("/api/v2/webhooks/1").status_code == 204
    assert not Webhook.objects.for_account(acme).exists()
    assert admin_api.get("/api/v2/webhooks/1").status_code == 404


def test_cursor_pages(admin_api, acme, acme_admin):
    for i in range(3):
        webhook_create(
            account=acme, actor=acme_admin, name=f"Hook {i}", endpoint="https://example.com/h"
        )
    first = admin_api.get("/api/v2/webhooks?page[size]=2").json()
    assert [w["name"] for w in first["webhooks"]] == ["Hook 0", "Hook 1"]
    assert first["meta"]["has_more"] is True
    second = admin_api.get(
        f"/api/v2/webhooks?page[size]=2&page[after]={first['meta']['after_cursor']}"
    ).json()
    assert [w["name"] for w in second["webhooks"]] == ["Hook 2"]
    assert second["meta"]["has_more"] is False
    assert admin_api.get("/api/v2/webhooks?page[size]=0").status_code == 400
    assert admin_api.get("/api/v2/webhooks?filter[status]=nope").status_code == 400
    named = admin_api.get("/api/v2/webhooks?filter[name_contains]=hook 1").json()
    assert [w["name"] for w in named["webhooks"]] == ["Hook 1"]


def test_the_signing_secret_is_revealed_and_reset_for_admins_only(
    admin_api, api_for, acme, acme_admin, acme_agent
):
    webhook = webhook_create(
        account=acme, actor=acme_admin, name="Hook", endpoint="https://example.com/h"
    )
    revealed = admin_api.get(f"/api/v2/webhooks/{webhook.number}/signing_secret")
    assert revealed.status_code == 200
    assert_described(revealed.json(), "WebhookSigningSecret")
    assert revealed.json() == {
        "signing_secret": {"algorithm": "SHA256", "secret": webhook.signing_secret}
    }
    assert revealed["Cache-Control"] == "no-store"
    reset = admin_api.post(f"/api/v2/webhooks/{webhook.number}/signing_secret")
    assert reset.status_code == 201
    webhook.refresh_from_db()
    assert reset.json()["signing_secret"]["secret"] == webhook.signing_secret
    assert reset.json()["signing_secret"]["secret"] != revealed.json()["signing_secret"]["secret"]
    agent = api_for(acme_agent)
    assert agent.get(f"/api/v2/webhooks/{webhook.number}/signing_secret").status_code == 403
    assert agent.get("/api/v2/webhooks").status_code == 403


def test_bad_input_is_a_clear_422_never_a_500(admin_api, acme):
    cases = [
        ({"webhook": {"name": "x", "endpoint": "http://example.com/h"}}, "https://"),
        ({"webhook": {"name": "x", "endpoint": "https://10.1.2.3/h"}}, "private"),
        ({"webhook": {"name": "x", "endpoint": "https://169.254.169.254/latest"}}, "private"),
        ({"webhook": {"name": "x", "endpoint": "https://u:p@example.com/h"}}, "credentials"),
        ({"webhook": {"name": "", "endpoint": "https://example.com/h"}}, "name"),
        (
            {"webhook": {"name": "x", "endpoint": "https://example.com", "http_method": "TRACE"}},
            "method",
        ),
        (
            {"webhook": {"name": "x", "endpoint": "https://example.com", "request_format": "xml"}},
            "json",
        ),
        (
            {
                "webhook": {
                    "name": "x",
                    "endpoint": "https://example.com",
                    "authentication": {"type": "magic"},
                }
            },
            "basic_auth",
        ),
        ({"webhook": "nope"}, "webhook"),
        ({"webhook": {"name": "x", "endpoint": "https://example.com:99999/"}}, "URL"),
    ]
    for body, words in cases:
        response = admin_api.post("/api/v2/webhooks", body, format="json")
        assert response.status_code in (400, 422), (body, response.status_code)
        assert words in response.content.decode(), (body, response.content)
    assert not Webhook.objects.for_account(acme).exists()


def test_another_accounts_webhook_is_not_found_and_end_users_are_refused(
    admin_api, api_for, acme, globex, acme_user
):
    theirs = webhook_create(
        account=globex,
        actor=AdminFactory(account=globex),
        name="Theirs",
        endpoint="https://example.com/g",
    )
    for method in ("get", "put", "patch", "delete"):
        response = getattr(admin_api, method)(
            f"/api/v2/webhooks/{theirs.number}", {"webhook": {"name": "mine"}}, format="json"
        )
        assert response.status_code == 404
    assert admin_api.get(f"/api/v2/webhooks/{theirs.number}/signing_secret").status_code == 404
    assert admin_api.get("/api/v2/webhooks").json()["webhooks"] == []
    assert api_for(acme_user).get("/api/v2/webhooks").status_code == 403
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_a_test_request_is_queued(admin_api, acme, acme_admin):
    webhook = webhook_create(
        account=acme, actor=acme_admin, name="Hook", endpoint="https://example.com/h"
    )
    response = admin_api.post(f"/api/v2/webhooks/{webhook.number}/test")
    assert response.status_code == 202
    call = WebhookCall.objects.for_account(acme).get()
    assert call.is_test and response.json()["response"]["invocation_id"] == call.invocation_id
