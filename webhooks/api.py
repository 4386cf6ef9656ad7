"""/api/v2/webhooks… in Zendesk's shape (admins only): list (cursor pages), create,
show, update (PUT and PATCH, 204), delete, the signing secret (GET reveals, POST resets)
and a test request. The authentication's password, token or key and the signing secret
are never part of a webhook's JSON."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from api.permissions import IsAdmin as AdminOnly
from api.serializers.output import absolute, timestamp
from api.views.base import ApiView, query_param
from webhooks import services
from webhooks.access import webhook_for_admin
from webhooks.models import Webhook
from webhooks.selectors import webhooks_page

MAX_PAGE = 100


class IsAdmin(AdminOnly):
    message = "Only admins manage webhooks."


def webhook_json(webhook: Webhook) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(webhook.number),
        "name": webhook.name,
        "description": webhook.description,
        "status": webhook.status,
        "subscriptions": webhook.subscriptions,
        "endpoint": webhook.endpoint,
        "http_method": webhook.http_method,
        "request_format": webhook.request_format,
        "created_at": timestamp(webhook.created_at),
        "created_by": str(webhook.created_by.number) if webhook.created_by else None,
        "updated_at": timestamp(webhook.updated_at),
        "updated_by": str(webhook.updated_by.number) if webhook.updated_by else None,
    }
    if webhook.auth_type:
        item["authentication"] = {"type": webhook.auth_type, "add_position": "header"}
    return item


AUTH_DATA = {
    Webhook.Auth.BASIC: ("username", "password"),
    Webhook.Auth.BEARER: (None, "token"),
    Webhook.Auth.API_KEY: ("name", "value"),
}


def _payload(request) -> dict[str, Any]:
    data = request.data.get("webhook") if isinstance(request.data, dict) else None
    if not isinstance(data, dict):
        raise ValidationError({"webhook": 'Send a webhook object: {"webhook": {…}}.'})
    fields = {
        name: data[name]
        for name in (
            "name",
            "description",
            "endpoint",
            "http_method",
            "request_format",
            "status",
            "subscriptions",
        )
        if name in data
    }
    if "authentication" in data:
        auth = data["authentication"]
        if auth is None:
            fields["auth_type"] = ""
        elif not isinstance(auth, dict) or auth.get("type") not in AUTH_DATA:
            raise ValidationError(
                {"authentication": "type is basic_auth, bearer_token or api_key."}
            )
        else:
            if auth.get("add_position", "header") != "header":
                raise ValidationError({"authentication": "add_position must be header."})
            secret_data = auth.get("data") or {}
            if not isinstance(secret_data, dict):
                raise ValidationError({"authentication": "data must be an object."})
            name_key, secret_key = AUTH_DATA[auth["type"]]
            fields["auth_type"] = auth["type"]
            fields["auth_name"] = str(secret_data.get(name_key) or "") if name_key else ""
            fields["auth_secret"] = str(secret_data.get(secret_key) or "")
    return fields


def _page_size(request) -> int:
    raw = query_param(request, "page[size]") or str(MAX_PAGE)
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ParseError(f"page[size] is a number from 1 to {MAX_PAGE}.")
    return int(raw)


class WebhookList(ApiView):
    permission_classes = [IsAdmin]

    def get(self, request):
        size, after = _page_size(request), query_param(request, "page[after]")
        if after and not (after.isdigit() and len(after) <= 18):
            raise ParseError("page[after] is a cursor from a previous page.")
        state = query_param(request, "filter[status]")
        if state and state not in Webhook.Status.values:
            raise ParseError("filter[status] is active or inactive.")
        name = query_param(request, "filter[name_contains]")[:200]
        webhooks, more = webhooks_page(
            account=request.account,
            after=int(after) if after else None,
            size=size,
            name_contains=name,
            status=state,
        )
        cursor = str(webhooks[-1].number) if more and webhooks else None
        query = {"page[size]": size, "page[after]": cursor}
        return Response(
            {
                "webhooks": [webhook_json(w) for w in webhooks],
                "meta": {"has_more": more, "after_cursor": cursor, "before_cursor": None},
                "links": {
                    "next": absolute(request, f"/api/v2/webhooks?{urlencode(query)}")
                    if cursor
                    else None,
                    "prev": None,
                },
            }
        )

    def post(self, request):
        webhook = services.webhook_create(
            account=request.account, actor=request.user, **_payload(request)
        )
        return Response({"webhook": webhook_json(webhook)}, status=status.HTTP_201_CREATED)


class WebhookDetail(ApiView):
    permission_classes = [IsAdmin]

    def get(self, request, number):
        webhook = webhook_for_admin(account=request.account, number=number)
        return Response({"webhook": webhook_json(webhook)})

    def put(self, request, number):
        webhook = webhook_for_admin(account=request.account, number=number)
        services.webhook_update(webhook=webhook, actor=request.user, **_payload(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    patch = put

    def delete(self, request, number):
        webhook = webhook_for_admin(account=request.account, number=number)
        services.webhook_delete(webhook=webhook, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSigningSecret(ApiView):
    permission_classes = [IsAdmin]

    def initial(self, request, *args, **kwargs):
        # On the primary, even for GET: the secret just reset is the one shown, and the
        # reveal is written to the audit log.
        self._replica_stack = None
        super().initial(request, *args, **kwargs)

    def _answer(self, request, number, *, reset: bool) -> Response:
        webhook = webhook_for_admin(account=request.account, number=number)
        secret = services.signing_secret_reveal(webhook=webhook, actor=request.user, reset=reset)
        response = Response(
            {"signing_secret": {"algorithm": "SHA256", "secret": secret}},
            status=status.HTTP_201_CREATED if reset else status.HTTP_200_OK,
        )
        response["Cache-Control"] = "no-store"
        return response

    def get(self, request, number):
        return self._answer(request, number, reset=False)

    def post(self, request, number):
        return self._answer(request, number, reset=True)


class WebhookTest(ApiView):
    """POST: queue a signed test request to the webhook (answered 202: it is sent by a
    worker, and its answer is in the delivery log)."""

    permission_classes = [IsAdmin]

    def post(self, request, number):
        webhook = webhook_for_admin(account=request.account, number=number)
        call = services.webhook_test_send(webhook=webhook, actor=request.user)
        return Response(
            {"response": {"status": "queued", "invocation_id": call.invocation_id}},
            status=status.HTTP_202_ACCEPTED,
        )
