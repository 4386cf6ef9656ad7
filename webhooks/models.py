"""Outgoing webhooks (issue 23): an account's HTTPS endpoints, the calls its triggers and
automations make to them (an outbox row each, sent after commit), and the log of every
attempt. Zendesk's shape: name, endpoint, http_method, request_format, status,
subscriptions, authentication; a per-webhook signing secret."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel
from accounts.tenancy import TenantModel


def new_signing_secret() -> str:
    return secrets.token_urlsafe(32)


def new_invocation_id() -> str:
    return uuid.uuid4().hex


class Webhook(NumberedTenantModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    class Method(models.TextChoices):
        GET = "GET", "GET"
        POST = "POST", "POST"
        PUT = "PUT", "PUT"
        PATCH = "PATCH", "PATCH"
        DELETE = "DELETE", "DELETE"

    class Format(models.TextChoices):
        JSON = "json", "JSON"

    class Auth(models.TextChoices):
        NONE = "", _("None")
        BASIC = "basic_auth", _("Basic authentication")
        BEARER = "bearer_token", _("Bearer token")
        API_KEY = "api_key", _("API key")

    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    endpoint = models.CharField(_("endpoint URL"), max_length=2000)
    http_method = models.CharField(
        _("request method"), max_length=6, choices=Method, default=Method.POST
    )
    request_format = models.CharField(
        _("request format"), max_length=12, choices=Format, default=Format.JSON
    )
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.ACTIVE)
    # Zendesk's event subscriptions; "conditional_ticket_events" is the one for triggers
    # and automations (the only one these webhooks answer so far).
    subscriptions = models.JSONField(default=list, blank=True)
    auth_type = models.CharField(
        _("authentication"), max_length=12, choices=Auth, default=Auth.NONE, blank=True
    )
    # Basic auth's user name, or the API key's header name.
    auth_name = models.CharField(max_length=200, blank=True)
    # The password, token or key: never rendered back (accounts/portability: a secret).
    auth_secret = models.CharField(max_length=500, blank=True)
    # HMAC-SHA256 key of X-Zendesk-Webhook-Signature; shown only on an admin's explicit
    # reveal (settings page, GET /api/v2/webhooks/{id}/signing_secret).
    signing_secret = models.CharField(max_length=100, default=new_signing_secret)
    # Failed attempts in a row; WEBHOOKS_DEACTIVATE_AFTER of them turn the webhook off.
    consecutive_failures = models.PositiveIntegerField(default=0)
    deactivated_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="webhook_number_unique"),
        ]
        indexes = [models.Index(fields=["account", "name"], name="webhook_account_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class WebhookCall(TenantModel):
    """One request to make: the outbox row, written in the transaction of the change
    that caused it (or by "Send test"), claimed and sent after commit by a Celery task,
    at most once after it succeeded (webhooks.delivery)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="calls")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The rule that made it (its name), or "test".
    reason = models.CharField(max_length=200, blank=True)
    is_test = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    # Stable across retries (X-Zendesk-Webhook-Invocation-Id): receivers drop a copy.
    invocation_id = models.CharField(max_length=32, default=new_invocation_id, editable=False)
    state = models.CharField(max_length=8, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "invocation_id"], name="webhookcall_invocation_unique"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhookcall_sweep")]


class WebhookAttempt(TenantModel):
    """One HTTP request made for a call: the settings page's delivery log."""

    call = models.ForeignKey(WebhookCall, on_delete=models.CASCADE, related_name="log")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="attempts")
    attempt = models.PositiveSmallIntegerField(default=1)
    succeeded = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.CharField(max_length=1000, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["account", "webhook", "-created_at", "-id"], name="webhookattempt_log"
            )
        ]
