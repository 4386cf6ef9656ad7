"""The webhooks' API routes, under /api/v2/ beside the API's own (with and without .json)."""

from api.urls import json_path
from webhooks import api

app_name = "webhooks_api"

urlpatterns = [
    *json_path("webhooks", api.WebhookList.as_view(), "webhooks"),
    *json_path("webhooks/<num:number>", api.WebhookDetail.as_view(), "webhook"),
    *json_path(
        "webhooks/<num:number>/signing_secret",
        api.WebhookSigningSecret.as_view(),
        "webhook_signing_secret",
    ),
    *json_path("webhooks/<num:number>/test", api.WebhookTest.as_view(), "webhook_test"),
]
