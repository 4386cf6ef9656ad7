"""Bounce and complaint suppression: addresses an account stops emailing.

- The ESP's tracking webhook (notifications.webhooks) sends anymail's ``tracking``
  signal; ``tracking_event_receive`` finds our outbox row by the provider's message id
  and acts for *that row's* account and address, so a payload can only ever suppress
  an address we emailed, for the account that emailed it;
- a hard bounce, a rejection or a spam complaint puts the address on the account's
  list; a soft bounce (``deferred``) does not, nor a refusal caused by our own sending
  set-up (``failed``: the row fails with the reason); ``delivered`` and ``bounced``
  update the row's state so the delivery log tells what became of it;
- the outbox withholds a row addressed to a suppressed address (it reads
  ``suppressed_reason`` with the rows it claims and ``deliveries_withhold`` marks them,
  in the claim's transaction), so the rule holds for triggers,
  mentions, forwards and resends alike, agents' addresses included;
- an admin lifts a suppression from the settings (``suppression_lift``); later emails
  go out again.
"""

from __future__ import annotations

import logging

from anymail.signals import AnymailTrackingEvent, EventType
from django.db import transaction
from django.db.models import Case, OuterRef, Subquery, TextField, Value, When
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.dbsession import account_context
from accounts.models import Account, User
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
    # The provider's words, without NUL characters (PostgreSQL cannot store them).
    parts = [
        str(p).replace("\x00", "").strip() for p in (event.description, event.mta_response) if p
    ]
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


def suppressed_reason():
    """For a Delivery queryset: the reason its row's address is on its account's list,
    NULL when it is not. The outbox reads it in the SELECT that locks the rows it
    claims, so the check costs no statement of its own."""
    listed = Suppression.all_accounts.filter(
        account_id=OuterRef("account_id"), email=Lower(OuterRef("to_email"))
    )
    return Subquery(listed.values("reason")[:1])


def deliveries_withhold(*, rows: list[Delivery]) -> None:
    """Mark rows suppressed instead of sending them, saying why in their account's
    language. The caller holds the rows (locked in its claim) and read each one's
    ``suppressed_as`` with ``suppressed_reason()``."""
    if not rows:
        return
    locales = dict(
        Account.objects.filter(pk__in={r.account_id for r in rows}).values_list(
            "pk", "default_locale"
        )
    )
    texts = {}
    for row in rows:
        with translation.override(locales.get(row.account_id)):
            texts[row.pk] = _("Not sent: %(email)s is suppressed (%(reason)s).") % {
                "email": row.to_email,
                "reason": Suppression.Reason(row.suppressed_as).label,  # type: ignore[attr-defined]  # annotated by the claim query
            }
    Delivery.all_accounts.filter(pk__in=texts).update(
        state=Delivery.State.SUPPRESSED,
        claim_token="",
        last_error=Case(
            *(When(pk=pk, then=Value(text[:1000])) for pk, text in texts.items()),
            output_field=TextField(),
        ),
    )
    for row in rows:
        logger.info("Delivery %s withheld: its address is suppressed", row.pk)
