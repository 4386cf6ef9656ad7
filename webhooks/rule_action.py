"""The triggers' and automations' action "Notify webhook" (registered into
notifications.triggers' vocabulary by webhooks.apps): ``{"action": "notify_webhook",
"value": "<webhook number>", "body": "<JSON with {{placeholders}}>"}``.

A rule names a webhook of its own account by number: ``clean`` refuses any other, and
``run`` looks the number up in the ticket's account only, so a rule can never reach
another account's webhook whatever its stored JSON says. The body's placeholders are the
trigger emails' (notifications.rendering), each value JSON-escaped, so a title with
quotes or new lines keeps the body valid JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, User
from notifications.rendering import PLACEHOLDER, placeholder_values
from notifications.triggers import AppAction
from tickets.models import Comment, Ticket
from webhooks.delivery import enqueue_after_commit
from webhooks.models import Webhook, WebhookCall

NOTIFY_WEBHOOK = "notify_webhook"
MAX_BODY = 10_000
DEFAULT_BODY = (
    '{"ticket": {"id": "{{ticket.id}}", "title": "{{ticket.title}}", '
    '"status": "{{ticket.status}}", "priority": "{{ticket.priority}}", '
    '"url": "{{ticket.url}}", "requester": "{{ticket.requester.email}}", '
    '"latest_public_comment": "{{ticket.latest_public_comment}}"}}'
)


def render_json(template: str, values: dict[str, str]) -> str:
    """``template`` with each placeholder replaced by its value, JSON-escaped."""
    return PLACEHOLDER.sub(lambda m: json.dumps(values.get(m.group(1), ""))[1:-1], template)


def clean(account: Account, raw: dict) -> dict:
    value = str(raw.get("value", "") or "").strip()
    if (
        not value.isdigit()
        or not Webhook.objects.for_account(account).filter(number=int(value)).exists()
    ):
        raise ValidationError(_("No webhook with number %(n)s.") % {"n": value[:20]})
    body = str(raw.get("body", "") or "").replace("\r\n", "\n").strip() or DEFAULT_BODY
    if len(body) > MAX_BODY:
        raise ValidationError(_("A webhook's body has at most %(n)s characters.") % {"n": MAX_BODY})
    try:
        # Each placeholder stands for a value: inside quotes or as a number, still JSON.
        json.loads(PLACEHOLDER.sub("0", body))
    except ValueError as exc:
        raise ValidationError(
            _("A webhook's body must be JSON (placeholders may stand inside its strings).")
        ) from exc
    return {"action": NOTIFY_WEBHOOK, "value": value, "body": body}


def run(
    *,
    ticket: Ticket,
    action: dict,
    actor: User | None,
    conversation: Callable[[], list[Comment]],
    reason: str,
) -> None:
    webhook = (
        Webhook.objects.for_account(ticket.account)
        .filter(number=int(action["value"]), status=Webhook.Status.ACTIVE)
        .first()
    )
    if webhook is None:
        return
    values = placeholder_values(
        ticket=ticket, actor=actor, conversation=conversation(), for_agent=True
    )
    call = WebhookCall.objects.create(
        account_id=ticket.account_id,
        webhook=webhook,
        ticket=ticket,
        reason=reason[:200],
        body=render_json(action["body"], values),
    )
    enqueue_after_commit([call.pk])


notify_webhook_action = AppAction(
    label=gettext_lazy("Notify webhook (number)"), clean=clean, run=run
)
