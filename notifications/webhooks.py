"""Inbound webhooks: anymail's views, hardened.

Mounted on the bare base domain under /inbound/ (helpdesk/urls.py), e.g.
``https://user:secret@<BASE_DOMAIN>/inbound/mailgun/inbound_mime/`` and
``https://user:secret@<BASE_DOMAIN>/inbound/postmark/inbound/``. The account is NOT
taken from the URL or the host: notifications.inbound resolves it from our recipient
address. On top of anymail:

- no WEBHOOK_SECRET (or, for Mailgun, no signing key) → every post is refused
  (anymail would accept everything with only a warning): inbound email is off; a
  secret that is set but weak, or Mailgun without its signing key, stops start-up
  (notifications.checks);
- Mailgun: the signature's timestamp must be recent and its token unseen (replays);
- a payload that does not parse is a 400 and a log line, never a 500.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.errors import MessageError

from anymail.exceptions import (
    AnymailConfigurationError,
    AnymailError,
    AnymailWebhookValidationFailure,
)
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
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

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        if not _anymail_setting("WEBHOOK_SECRET"):
            logger.error("Inbound webhook refused: ANYMAIL_WEBHOOK_SECRET is not configured")
            return HttpResponse("Webhook not configured", status=403)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            with transaction.atomic():
                return super().post(request, *args, **kwargs)
        except AnymailWebhookValidationFailure as exc:
            logger.warning("Inbound %s webhook refused: %s", self.esp_name, exc)
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
                "Inbound %s webhook payload rejected: %s: %s",
                self.esp_name,
                type(exc).__name__,
                str(exc)[:200],
            )
            return HttpResponse("Malformed payload", status=400)


class MailgunInboundView(HardenedInboundMixin, MailgunInboundWebhookView):
    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        if not _anymail_setting("MAILGUN_WEBHOOK_SIGNING_KEY"):
            logger.error("Mailgun inbound refused: MAILGUN_WEBHOOK_SIGNING_KEY is not set")
            return HttpResponse("Webhook not configured", status=403)
        return super().dispatch(request, *args, **kwargs)

    def validate_request(self, request):
        # anymail checked basic auth and the HMAC already (every validate_request in the
        # class chain runs); add what it leaves out: freshness and single use.
        try:
            timestamp = int(request.POST["timestamp"])
            token = request.POST["token"]
        except (KeyError, ValueError) as exc:
            raise AnymailWebhookValidationFailure("Mailgun timestamp/token missing") from exc
        sent = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
        if abs(timezone.now() - sent) > MAILGUN_MAX_AGE:
            raise AnymailWebhookValidationFailure("Mailgun signature too old")
        try:
            with transaction.atomic():
                WebhookToken.objects.create(provider="mailgun", token=token[:200])
        except IntegrityError as exc:
            raise AnymailWebhookValidationFailure("Mailgun token reused") from exc


class PostmarkInboundView(HardenedInboundMixin, PostmarkInboundWebhookView):
    pass
