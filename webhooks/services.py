"""Webhook state changes, one function per use case; every rule of a webhook's fields is
checked here, for the settings page and the API alike."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.identity_models import AuditEntry
from accounts.models import Account, User
from webhooks.delivery import enqueue_after_commit
from webhooks.models import Webhook, WebhookCall, new_signing_secret
from webhooks.targets import endpoint_clean

SUBSCRIPTIONS = ("conditional_ticket_events",)
MAX_WEBHOOKS = 100
HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,100}$")
RESERVED_HEADERS = ("host", "content-length", "content-type", "transfer-encoding", "connection")
TEST_BODY = '{"test": true, "message": "Sportello webhook test"}'


def _require_admin(actor: User | None, account: Account) -> None:
    if actor is not None and (actor.account_id != account.pk or not actor.is_admin):
        raise PermissionError("Only the account's admins manage webhooks.")


def _clean(account: Account, fields: dict, webhook: Webhook | None) -> dict:
    """The stored values of ``fields`` (those given), or a ValidationError per field."""
    errors: dict[str, str] = {}
    out: dict = {}
    if "name" in fields:
        name = " ".join(str(fields["name"] or "").split())
        if not name:
            errors["name"] = _("A webhook needs a name.")
        out["name"] = name[:200]
    if "description" in fields:
        out["description"] = str(fields["description"] or "").strip()[:500]
    if "endpoint" in fields:
        try:
            out["endpoint"] = endpoint_clean(str(fields["endpoint"] or ""))
        except ValidationError as exc:
            errors["endpoint"] = " ".join(exc.messages)
    if "http_method" in fields:
        method = str(fields["http_method"] or "").upper()
        if method not in Webhook.Method.values:
            errors["http_method"] = _("The method must be GET, POST, PUT, PATCH or DELETE.")
        out["http_method"] = method
    if "request_format" in fields:
        if fields["request_format"] not in Webhook.Format.values:
            errors["request_format"] = _("Only the json request format is supported.")
        out["request_format"] = Webhook.Format.JSON
    if "status" in fields:
        if fields["status"] not in Webhook.Status.values:
            errors["status"] = _("The status is active or inactive.")
        out["status"] = fields["status"]
    if "subscriptions" in fields:
        subs = fields["subscriptions"]
        if not isinstance(subs, list) or any(s not in SUBSCRIPTIONS for s in subs):
            errors["subscriptions"] = _("The only subscription is conditional_ticket_events.")
        out["subscriptions"] = list(SUBSCRIPTIONS)
    if "auth_type" in fields:
        out.update(_clean_auth(fields, webhook, errors))
    if errors:
        raise ValidationError(errors)
    return out


def _clean_auth(fields: dict, webhook: Webhook | None, errors: dict[str, str]) -> dict:
    kind = fields["auth_type"] or ""
    if kind not in Webhook.Auth.values:
        errors["authentication"] = _("Unknown authentication type.")
        return {}
    name = str(fields.get("auth_name") or "").strip()[:200]
    secret = str(fields.get("auth_secret") or "")
    # Left empty on an edit: the stored secret stays (it is never shown back).
    if not secret and webhook is not None and webhook.auth_type == kind:
        secret = webhook.auth_secret
    if kind == Webhook.Auth.NONE:
        return {"auth_type": "", "auth_name": "", "auth_secret": ""}
    if kind == Webhook.Auth.BASIC and not name:
        errors["authentication"] = _("Basic authentication needs a user name and a password.")
    if kind == Webhook.Auth.API_KEY and (
        not HEADER_NAME.match(name)
        or name.lower() in RESERVED_HEADERS
        or name.lower().startswith("x-zendesk-")
    ):
        errors["authentication"] = _("The API key needs a header name (letters, digits, -).")
    if not secret or len(secret) > 500 or any(c in secret for c in "\r\n\x00"):
        errors["authentication"] = _("Enter the password, token or key (one line).")
    if kind == Webhook.Auth.BEARER:
        name = ""
    return {"auth_type": kind, "auth_name": name, "auth_secret": secret}


@transaction.atomic
def webhook_create(*, account: Account, actor: User | None, **fields) -> Webhook:
    _require_admin(actor, account)
    if Webhook.objects.for_account(account).count() >= MAX_WEBHOOKS:
        raise ValidationError(_("An account has at most %(n)s webhooks.") % {"n": MAX_WEBHOOKS})
    for required in ("name", "endpoint"):
        fields.setdefault(required, "")
    fields.setdefault("subscriptions", list(SUBSCRIPTIONS))
    webhook = Webhook(account=account, created_by=actor, updated_by=actor)
    for name, value in _clean(account, fields, None).items():
        setattr(webhook, name, value)
    webhook.save()
    audit_record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.WEBHOOK_CREATED,
        target=webhook.name,
        changes={"endpoint": webhook.endpoint, "status": webhook.status},
    )
    return webhook


# What the audit log records of an edit (never a secret's value).
AUDITED = ("name", "endpoint", "http_method", "status", "auth_type", "auth_name")


@transaction.atomic
def webhook_update(*, webhook: Webhook, actor: User | None, **fields) -> Webhook:
    _require_admin(actor, webhook.account)
    values = _clean(webhook.account, fields, webhook)
    if values.get("status") == Webhook.Status.ACTIVE and not webhook.is_active:
        values.update(consecutive_failures=0, deactivated_reason="")
    changes = {
        name: [getattr(webhook, name), values[name]]
        for name in AUDITED
        if name in values and values[name] != getattr(webhook, name)
    }
    if values.get("auth_secret", webhook.auth_secret) != webhook.auth_secret:
        changes["auth_secret"] = ["…", "…"]
    for name, value in values.items():
        setattr(webhook, name, value)
    webhook.updated_by, webhook.updated_at = actor, timezone.now()
    webhook.save()
    if changes:
        audit_record(
            account=webhook.account,
            actor=actor,
            action=AuditEntry.Action.WEBHOOK_UPDATED,
            target=webhook.name,
            changes=changes,
        )
    return webhook


def webhook_set_status(*, webhook: Webhook, actor: User | None, active: bool) -> Webhook:
    status = Webhook.Status.ACTIVE if active else Webhook.Status.INACTIVE
    return webhook_update(webhook=webhook, actor=actor, status=status)


@transaction.atomic
def webhook_delete(*, webhook: Webhook, actor: User | None) -> None:
    """Its calls and their log go with it; a rule still naming it calls nothing."""
    _require_admin(actor, webhook.account)
    audit_record(
        account=webhook.account,
        actor=actor,
        action=AuditEntry.Action.WEBHOOK_DELETED,
        target=webhook.name,
        changes={"endpoint": webhook.endpoint},
    )
    webhook.delete()


@transaction.atomic
def signing_secret_reveal(*, webhook: Webhook, actor: User | None, reset: bool = False) -> str:
    """The signing secret, for an admin who asked to see it (a new one first with
    ``reset``); each time in the account's audit log."""
    _require_admin(actor, webhook.account)
    if reset:
        webhook.signing_secret = new_signing_secret()
        webhook.updated_by, webhook.updated_at = actor, timezone.now()
        webhook.save(update_fields=["signing_secret", "updated_by", "updated_at"])
    audit_record(
        account=webhook.account,
        actor=actor,
        action=AuditEntry.Action.WEBHOOK_SECRET_SHOWN,
        target=webhook.name,
        changes={"reset": reset},
    )
    return webhook.signing_secret


@transaction.atomic
def webhook_test_send(*, webhook: Webhook, actor: User | None, body: str = "") -> WebhookCall:
    """ "Send test": a call with a fixed body (or the admin's), signed like any other,
    sent even while the webhook is inactive; its failures never count against it."""
    _require_admin(actor, webhook.account)
    call = WebhookCall.objects.create(
        account=webhook.account,
        webhook=webhook,
        reason="test",
        is_test=True,
        body=(body or TEST_BODY)[:65_536],
    )
    enqueue_after_commit([call.pk])
    return call
