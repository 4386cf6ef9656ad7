"""One webhook request: signed as Zendesk signs its webhooks, sent to the address the
SSRF guard checked (webhooks.targets), with timeouts, no redirects, and the response
read only as far as the log keeps it.

Headers (documented in docs/webhooks.md):
- ``X-Zendesk-Webhook-Signature``: base64 of HMAC-SHA256 over timestamp + body, keyed
  with the webhook's signing secret;
- ``X-Zendesk-Webhook-Signature-Timestamp``: the timestamp signed (UTC, ISO 8601);
- ``X-Zendesk-Webhook-Id``: the webhook's id; ``X-Zendesk-Webhook-Invocation-Id``: the
  call's, the same on every retry of it (a receiver drops a copy by it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.utils import timezone

from webhooks.models import Webhook, WebhookCall
from webhooks.targets import TargetRefused, connection_pool, host_header, target_resolve

EXCERPT_CHARS = 1000
BODY_METHODS = ("POST", "PUT", "PATCH")
USER_AGENT = "Sportello-Webhooks/1.0"


def signature(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), (timestamp + body).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signature_timestamp() -> str:
    return timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    status_code: int | None
    duration_ms: int
    excerpt: str
    error: str
    # A failure that retrying will not mend (a 4xx other than 408/429, a refused target).
    permanent: bool = False


def _headers(webhook: Webhook, call: WebhookCall, body: str) -> dict[str, str]:
    timestamp = signature_timestamp()
    headers = {
        "User-Agent": USER_AGENT,
        "X-Zendesk-Webhook-Id": str(webhook.number),
        "X-Zendesk-Webhook-Invocation-Id": call.invocation_id,
        "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        "X-Zendesk-Webhook-Signature": signature(webhook.signing_secret, timestamp, body),
    }
    if webhook.http_method in BODY_METHODS:
        headers["Content-Type"] = "application/json; charset=utf-8"
    if webhook.auth_type == Webhook.Auth.BASIC:
        pair = f"{webhook.auth_name}:{webhook.auth_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    elif webhook.auth_type == Webhook.Auth.BEARER:
        headers["Authorization"] = f"Bearer {webhook.auth_secret}"
    elif webhook.auth_type == Webhook.Auth.API_KEY and webhook.auth_name:
        headers[webhook.auth_name] = webhook.auth_secret
    return headers


def _timeout() -> urllib3.Timeout:
    return urllib3.Timeout(
        connect=getattr(settings, "WEBHOOKS_CONNECT_TIMEOUT", 5.0),
        read=getattr(settings, "WEBHOOKS_READ_TIMEOUT", 10.0),
    )


def request_send(webhook: Webhook, call: WebhookCall) -> Outcome:
    """Make the request; never raises (every failure is an Outcome for the log)."""
    started = time.monotonic()

    def ms() -> int:
        return int((time.monotonic() - started) * 1000)

    body = call.body if webhook.http_method in BODY_METHODS else ""
    try:
        target = target_resolve(webhook.endpoint)
    except TargetRefused as exc:
        return Outcome(False, None, ms(), "", str(exc)[:500], permanent=True)
    headers = _headers(webhook, call, body)
    headers["Host"] = host_header(target)
    pool = connection_pool(target, _timeout())
    try:
        with pool:
            response = pool.urlopen(
                webhook.http_method,
                target.path,
                body=body.encode() if body else None,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                raw = response.read(EXCERPT_CHARS * 4)
            finally:
                response.release_conn()
    except urllib3.exceptions.TimeoutError:
        return Outcome(False, None, ms(), "", "Timed out")
    except urllib3.exceptions.HTTPError as exc:
        return Outcome(False, None, ms(), "", f"{type(exc).__name__}: {exc}"[:500])
    except OSError as exc:
        return Outcome(False, None, ms(), "", f"{type(exc).__name__}: {exc}"[:500])
    code = response.status
    excerpt = raw.decode("utf-8", "replace").replace("\x00", "")[:EXCERPT_CHARS]
    if 200 <= code < 300:
        return Outcome(True, code, ms(), excerpt, "")
    permanent = 400 <= code < 500 and code not in (408, 409, 425, 429)
    return Outcome(False, code, ms(), excerpt, f"HTTP {code}", permanent=permanent)
