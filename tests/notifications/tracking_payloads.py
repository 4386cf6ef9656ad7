"""Tracking webhook payloads in the providers' real shapes (Mailgun's JSON webhooks with
their signature block, Postmark's bounce, spam complaint and delivery webhooks), and
helpers that post them as the ESP would."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

from django.test import Client

from tests.notifications.payloads import MAILGUN_SIGNING_KEY, webhook_client

MAILGUN_TRACKING_URL = "/inbound/mailgun/tracking/"
POSTMARK_TRACKING_URL = "/inbound/postmark/tracking/"


# Mailgun -------------------------------------------------------------------------------


def mailgun_signature(*, key: str = MAILGUN_SIGNING_KEY, timestamp=None) -> dict:
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    token = secrets.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def mailgun_event(
    *,
    event: str,
    recipient: str,
    message_id: str,
    severity: str | None = None,
    reason: str | None = None,
    code: int = 250,
    description: str = "",
    message: str = "",
) -> dict:
    """``message_id`` as Mailgun puts it in the event's headers: without brackets."""
    data = {
        "id": secrets.token_urlsafe(16),
        "timestamp": time.time(),
        "log-level": "error" if event == "failed" else "info",
        "event": event,
        "envelope": {
            "sender": "support@mg.localhost",
            "transport": "smtp",
            "targets": recipient,
            "sending-ip": "209.61.154.250",
        },
        "flags": {"is-routed": False, "is-authenticated": True, "is-test-mode": False},
        "recipient-domain": recipient.rpartition("@")[2],
        "message": {
            "headers": {
                "to": recipient,
                "message-id": message_id.strip("<>"),
                "from": "Acme Inc. <support@mg.localhost>",
                "subject": "[Acme Inc.] Re: Printer on fire",
            },
            "attachments": [],
            "size": 4321,
        },
        "recipient": recipient,
        "campaigns": [],
        "tags": [],
        "user-variables": {},
        "delivery-status": {
            "attempt-no": 1,
            "code": code,
            "message": message,
            "description": description,
            "session-seconds": 0.41,
            "mx-host": "mx.customer.example",
            "tls": True,
        },
    }
    if severity:
        data["severity"] = severity
    if reason:
        data["reason"] = reason
    return {"signature": mailgun_signature(), "event-data": data}


def mailgun_hard_bounce(*, recipient: str, message_id: str) -> dict:
    return mailgun_event(
        event="failed",
        severity="permanent",
        reason="bounce",
        recipient=recipient,
        message_id=message_id,
        code=550,
        message="550 5.1.1 The email account that you tried to reach does not exist.",
        description="",
    )


def mailgun_soft_bounce(*, recipient: str, message_id: str) -> dict:
    return mailgun_event(
        event="failed",
        severity="temporary",
        reason="generic",
        recipient=recipient,
        message_id=message_id,
        code=452,
        message="452 4.2.2 The email account that you tried to reach is over quota.",
    )


def post_mailgun_tracking(payload, *, client: Client | None = None):
    client = client or webhook_client()
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(MAILGUN_TRACKING_URL, data=body, content_type="application/json")


# Postmark ------------------------------------------------------------------------------


def postmark_bounce(*, email: str, message_id: str, type_: str = "HardBounce") -> dict:
    type_codes = {"HardBounce": 1, "SoftBounce": 4096, "Transient": 2}
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": type_,
        "TypeCode": type_codes.get(type_, 1),
        "Name": "Hard bounce" if type_ == "HardBounce" else "Soft bounce",
        "Tag": "",
        "MessageID": message_id,
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message "
        "(ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "support@localhost",
        "BouncedAt": "2026-11-23T09:00:00.9070259Z",
        "DumpAvailable": True,
        "Inactive": type_ == "HardBounce",
        "CanActivate": True,
        "Subject": "[Acme Inc.] Re: Printer on fire",
        "Content": "Return-Path: <>\nReceived: …",
    }


def postmark_spam_complaint(*, email: str, message_id: str) -> dict:
    return {
        **postmark_bounce(email=email, message_id=message_id),
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Description": "The subscriber explicitly marked this message as spam.",
        "Details": "Test spam complaint details",
        "Inactive": True,
    }


def postmark_delivery(*, email: str, message_id: str) -> dict:
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": message_id,
        "Recipient": email,
        "Tag": "",
        "DeliveredAt": "2026-11-23T09:00:01Z",
        "Details": "smtp;250 2.0.0 OK  1700000000 a1si123.1 - gsmtp",
        "Metadata": {},
    }


def post_postmark_tracking(payload, *, client: Client | None = None):
    client = client or webhook_client()
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(POSTMARK_TRACKING_URL, data=body, content_type="application/json")
