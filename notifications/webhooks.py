"""ESP webhooks (inbound email and delivery tracking): anymail's views, hardened.

Mounted on the bare base domain under /inbound/ (helpdesk/urls.py), e.g.
``https://user:secret@<BASE_DOMAIN>/inbound/mailgun/inbound_mime/`` and
``https://user:secret@<BASE_DOMAIN>/inbound/postmark/inbound/``; tracking (bounces,
complaints, deliveries) at ``…/inbound/mailgun/tracking/`` and
``…/inbound/postmark/tracking/``. The account is NOT taken from the URL or the host:
notifications.inbound resolves it from our recipient address, and
notifications.suppressions from the outbox row the provider's message id names. On top
of anymail:

- no WEBHOOK_SECRET (or, for Mailgun, no signing key) → every post is refused
  (anymail would accept everything with only a warning): inbound email is off; a
  secret that is set but weak, or Mailgun without its signing key, stops start-up
  (notifications.checks);
- Mailgun: the signature's timestamp must be recent and its token unseen (replays);
- a payload that does not parse is a 400 and a log line, never a 500.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from email.errors import MessageError

from anymail.exceptions import (
    AnymailConfigurationError,
    AnymailError,
    AnymailWebhookValidationFailure,
)
from anymail.signals import EventType
from anymail.webhooks.mailgun import MailgunInboundWebhookView, MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView, PostmarkTrackingWebhookView
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt

from notifications.models import WebhookToken

logger = logging.getLogger(__name__)

MAILGUN_MAX_AGE = dt.timedelta(minutes=15)


def _anymail_setting(name: str) -> str:
    return str((getattr(settings, "ANYMAIL", {}) or {}).get(name) or "")


class HardenedInboundMixin:
    """Refuse unauthenticated posts; turn unparseable payloads into a 400."""

    kind = "Inbound"  # for the log lines

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        if not _anymail_setting("WEBHOOK_SECRET"):
            logger.error("%s webhook refused: ANYMAIL_WEBHOOK_SECRET is not configured", self.kind)
            return HttpResponse("Webhook not configured", status=403)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            with transaction.atomic():
                return super().post(request, *args, **kwargs)
        except AnymailWebhookValidationFailure as exc:
            logger.warning("%s %s webhook refused: %s", self.kind, self.esp_name, exc)
            response = HttpResponse("Unauthorized", status=401)
            response["WWW-Authenticate"] = 'Basic realm="inbound"'
            return response
        except (
            AnymailError,
            AnymailConfigurationError,
            MessageError,
            ValueError,
            KeyError,
            TypeError,
            LookupError,
            AttributeError,
        ) as exc:
            # Malformed JSON, missing fields, undecodable MIME, a tracking event posted
            # to the inbound URL: the poster's fault.
            logger.warning(
                "%s %s webhook payload rejected: %s: %s",
                self.kind,
                self.esp_name,
                type(exc).__name__,
                str(exc)[:200],
            )
            return HttpResponse("Malformed payload", status=400)


class MailgunGuardMixin:
    """Mailgun: refused without its signing key; signatures fresh and single use."""

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        if not _anymail_setting("MAILGUN_WEBHOOK_SIGNING_KEY"):
            logger.error("Mailgun webhook refused: MAILGUN_WEBHOOK_SIGNING_KEY is not set")
            return HttpResponse("Webhook not configured", status=403)
        return super().dispatch(request, *args, **kwargs)

    def validate_request(self, request):
        # anymail checked basic auth and the HMAC already (every validate_request in the
        # class chain runs); add what it leaves out: freshness and single use. Inbound
        # posts form fields; tracking posts JSON with a "signature" block.
        try:
            if request.content_type == "application/json":
                block = json.loads(request.body.decode("utf-8"))["signature"]
                timestamp, token = int(block["timestamp"]), str(block["token"])
            else:
                timestamp, token = int(request.POST["timestamp"]), request.POST["token"]
        except (KeyError, ValueError, TypeError, UnicodeDecodeError) as exc:
            raise AnymailWebhookValidationFailure("Mailgun timestamp/token missing") from exc
        sent = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
        if abs(timezone.now() - sent) > MAILGUN_MAX_AGE:
            raise AnymailWebhookValidationFailure("Mailgun signature too old")
        try:
            with transaction.atomic():
                WebhookToken.objects.create(provider="mailgun", token=token[:200])
        except IntegrityError as exc:
            raise AnymailWebhookValidationFailure("Mailgun token reused") from exc


class MailgunInboundView(HardenedInboundMixin, MailgunGuardMixin, MailgunInboundWebhookView):
    pass


class PostmarkInboundView(HardenedInboundMixin, PostmarkInboundWebhookView):
    pass


# Tracking ---------------------------------------------------------------------------------


class TrackingMixin(HardenedInboundMixin):
    """An event without a message id, or with a NUL character in it, cannot be matched
    to anything we sent: the payload is not a tracking event (or not a whole one), so a
    400 (PostgreSQL could not even compare a NUL; the event's other texts drop theirs)."""

    kind = "Tracking"

    def parse_events(self, request):
        events = super().parse_events(request)
        for event in events:
            if not (event.message_id or "").strip():
                raise ValueError("tracking event without a message id")
            if "\x00" in event.message_id:
                raise ValueError("tracking event with a NUL character in its message id")
        return events


class MailgunTrackingView(TrackingMixin, MailgunGuardMixin, MailgunTrackingWebhookView):
    pass


class PostmarkTrackingView(TrackingMixin, PostmarkTrackingWebhookView):
    # anymail reports Postmark's SoftBounce as "bounced" ("might also receive HardBounce
    # later"); a full mailbox must not suppress an address, so it is a soft bounce here,
    # as Mailgun's temporary failures are.
    event_types = {
        **PostmarkTrackingWebhookView.event_types,
        "SoftBounce": (EventType.DEFERRED, None),
        # Refusals caused by our own sending set-up (an unconfirmed sender signature, our
        # domain's DMARC policy) say nothing about the recipient's address: the row
        # fails with the provider's reason, and the address stays on.
        "Unconfirmed": (EventType.FAILED, None),
        "DMARCPolicy": (EventType.FAILED, None),
    }
