"""Bounce and complaint suppression: addresses an account stops emailing.

- The ESP's tracking webhook (notifications.webhooks) sends anymail's ``tracking``
  signal; ``tracking_event_receive`` finds our outbox row by the provider's message id
  and acts for *that row's* account and address, so a payload can only ever suppress
  an address we emailed, for the account that emailed it;
- a hard bounce, a rejection or a spam complaint puts the address on the account's
  list; a soft bounce (``deferred``) does not, nor a refusal caused by our own sending
  set-up (``failed``: the row fails with the reason); ``delivered`` and ``bounced``
  update the row's state so the delivery log tells what became of it;
- the outbox withholds a row addressed to a suppressed address (``delivery_withhold_if_
  suppressed``, called where a send is claimed), so the rule holds for triggers,
  mentions, forwards and resends alike, agents' addresses included;
- an admin lifts a suppression from the settings (``suppression_lift``); later emails
  go out again.
"""

from __future__ import annotations

import logging

from anymail.signals import AnymailTrackingEvent, EventType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Account, User
from accounts.rls import account_context
from notifications.models import Delivery, Suppression

logger = logging.getLogger(__name__)

SUPPRESSING = {
    EventType.BOUNCED: Suppression.Reason.BOUNCED,
    EventType.REJECTED: Suppression.Reason.REJECTED,
    EventType.COMPLAINED: Suppression.Reason.COMPLAINED,
}
HANDLED = {*SUPPRESSING, EventType.DELIVERED, EventType.FAILED}


def normalize(email: str | None) -> str:
    return (email or "").strip().lower()


def _id_forms(message_id: str) -> set[str]:
    # Mailgun's API answers "<id@domain>" and its webhooks may send the bare id; anymail
    # adds the brackets, but a stored id from another road may lack them.
    bare = message_id.strip().strip("<>")
    return {message_id.strip(), bare, f"<{bare}>"}


def _detail(event: AnymailTrackingEvent) -> str:
    parts = [str(p).strip() for p in (event.description, event.mta_response) if p]
    return " — ".join(dict.fromkeys(p for p in parts if p))[:500]


# Receiving tracking events ---------------------------------------------------------------


def tracking_event_receive(*, event: AnymailTrackingEvent, esp_name: str) -> None:
    """Act on one tracking event. Unknown message ids are logged and ignored (the ESP
    also reports mail that other systems send through the same domain)."""
    if event.event_type not in HANDLED:
        return
    message_id = (event.message_id or "").strip()
    if not message_id.strip("<>"):
        return  # never matches the unsent rows, whose provider id is still empty
    # Platform-level: the webhook has no account; the row we sent tells us which.
    rows = list(
        Delivery.all_accounts.filter(provider_message_id__in=_id_forms(message_id)).only(
            "pk", "account_id", "to_email", "state"
        )
    )
    if not rows:
        logger.info(
            "%s tracking event %s for unknown message id %s ignored",
            esp_name,
            event.event_type,
            message_id[:100],
        )
        return
    for row in rows:
        if event.recipient and normalize(event.recipient) != normalize(row.to_email):
            logger.warning(
                "%s tracking event %s for delivery %s names another recipient; ignored",
                esp_name,
                event.event_type,
                row.pk,
            )
            continue
        _apply(event=event, esp_name=esp_name, row=row)


def _apply(*, event: AnymailTrackingEvent, esp_name: str, row: Delivery) -> None:
    if event.event_type == EventType.DELIVERED:
        # Only a sent row becomes delivered: a late "delivered" never hides a bounce.
        Delivery.all_accounts.filter(pk=row.pk, state=Delivery.State.SENT).update(
            state=Delivery.State.DELIVERED
        )
        return
    if event.event_type == EventType.FAILED:
        # The provider gave up for a reason of its own (our sending set-up): the row
        # says why, and the address is not suppressed.
        Delivery.all_accounts.filter(
            pk=row.pk, state__in=[Delivery.State.SENT, Delivery.State.DELIVERED]
        ).update(state=Delivery.State.FAILED, last_error=_detail(event))
        return
    if event.event_type in (EventType.BOUNCED, EventType.REJECTED):
        Delivery.all_accounts.filter(
            pk=row.pk, state__in=[Delivery.State.SENT, Delivery.State.DELIVERED]
        ).update(state=Delivery.State.BOUNCED, last_error=_detail(event))
    suppression_add(
        account_id=row.account_id,
        email=row.to_email,
        reason=SUPPRESSING[event.event_type],
        detail=_detail(event),
        provider=esp_name,
        delivery_id=row.pk,
    )


def suppression_add(
    *,
    account_id: int,
    email: str,
    reason: str,
    detail: str = "",
    provider: str = "",
    delivery_id: int | None = None,
) -> Suppression:
    """Put an address on the account's list; an address already there keeps its first
    reason (an ESP retrying its webhook, or a second bounce, changes nothing)."""
    with account_context(account_id):
        suppression, created = Suppression.objects.get_or_create(
            account_id=account_id,
            email=normalize(email),
            defaults={
                "reason": reason,
                "detail": detail[:500],
                "provider": provider[:20],
                "delivery_id": delivery_id,
            },
        )
    if created:
        logger.info(
            "Suppressed %s for account %s: %s via %s (delivery %s)",
            suppression.email,
            account_id,
            reason,
            provider or "-",
            delivery_id,
        )
    return suppression


# Lifting ------------------------------------------------------------------------------------


@transaction.atomic
def suppression_lift(*, suppression: Suppression, actor: User) -> None:
    """An admin takes an address off the list; emails to it are sent again."""
    Suppression.objects.filter(account_id=suppression.account_id, pk=suppression.pk).delete()
    # The audit trail: who let mail flow to an address that bounced or complained.
    logger.info(
        "Suppression of %s (%s) lifted for account %s by user %s <%s>",
        suppression.email,
        suppression.reason,
        suppression.account_id,
        actor.pk,
        actor.email,
    )


# Sending -----------------------------------------------------------------------------------


def delivery_withhold_if_suppressed(*, delivery_id: int, due: Q) -> bool:
    """Mark the row suppressed instead of sending it when its address is on its
    account's list; True if it was. ``due`` is the outbox's condition for a row it may
    claim, so a row another worker holds is left alone. One UPDATE when the address is
    not listed (every send pays only that)."""
    listed = Suppression.all_accounts.filter(
        account_id=OuterRef("account_id"), email=Lower(OuterRef("to_email"))
    )
    with transaction.atomic():
        withheld = Delivery.all_accounts.filter(due, Exists(listed), pk=delivery_id).update(
            state=Delivery.State.SUPPRESSED, claim_token=""
        )
        if not withheld:
            return False
        row = Delivery.all_accounts.get(pk=delivery_id)
        suppression = Suppression.all_accounts.filter(
            account_id=row.account_id, email=normalize(row.to_email)
        ).first()
        account = Account.objects.get(pk=row.account_id)
        with translation.override(account.default_locale):
            text = _("Not sent: %(email)s is suppressed (%(reason)s).") % {
                "email": row.to_email,
                "reason": suppression.get_reason_display() if suppression else "-",
            }
        Delivery.all_accounts.filter(pk=delivery_id).update(last_error=text[:1000])
    logger.info("Delivery %s withheld: %s is suppressed", delivery_id, row.to_email)
    return True
