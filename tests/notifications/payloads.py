"""Inbound webhook payloads in the providers' real shapes (Postmark's inbound JSON,
Mailgun's forward() route with raw MIME), and clients that post them as the ESP would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

from django.test import Client

WEBHOOK_SECRET = "inbound:" + "s3cr3t" * 5
MAILGUN_SIGNING_KEY = "key-0123456789abcdef0123456789abcdef"
POSTMARK_URL = "/inbound/postmark/inbound/"
MAILGUN_URL = "/inbound/mailgun/inbound_mime/"


def webhook_client(secret: str = WEBHOOK_SECRET) -> Client:
    auth = base64.b64encode(secret.encode()).decode()
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Basic {auth}")


def postmark_payload(
    *,
    sender: str,
    to: str,
    subject: str = "Re: Printer on fire",
    text: str = "Thanks, that worked!",
    html: str = "",
    message_id: str | None = None,
    headers: list[tuple[str, str]] = (),
    cc: list[str] = (),
    attachments: list[tuple[str, bytes, str]] = (),
    sender_name: str = "Uma User",
) -> dict:
    message_id = message_id or f"<{secrets.token_hex(8)}@mail.customer.example>"
    return {
        "FromName": sender_name,
        "MessageStream": "inbound",
        "From": sender,
        "FromFull": {"Email": sender, "Name": sender_name, "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": ""}],
        "Cc": ", ".join(cc),
        "CcFull": [{"Email": a, "Name": "", "MailboxHash": ""} for a in cc],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": subject,
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Mon, 23 Nov 2026 09:00:00 +0000",
        "TextBody": text,
        "HtmlBody": html,
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": f"<{sender}>"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "X-Spam-Score", "Value": "-0.1"},
            {"Name": "MIME-Version", "Value": "1.0"},
            {"Name": "Message-ID", "Value": message_id},
            *({"Name": n, "Value": v} for n, v in headers),
        ],
        "Attachments": [
            {
                "Name": name,
                "Content": base64.b64encode(content).decode(),
                "ContentType": content_type,
                "ContentLength": len(content),
            }
            for name, content, content_type in attachments
        ],
    }


def post_postmark(payload, *, client: Client | None = None):
    client = client or webhook_client()
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(POSTMARK_URL, data=body, content_type="application/json")


def mime_message(
    *,
    sender: str,
    to: str,
    subject: str = "Re: Printer on fire",
    text: str = "Thanks, that worked!",
    message_id: str | None = None,
    headers: list[tuple[str, str]] = (),
) -> str:
    message_id = message_id or f"<{secrets.token_hex(8)}@mail.gmail.com>"
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return (
        "Received: by mail-wr1-f54.google.com with SMTP id x12so123;"
        " Mon, 23 Nov 2026 09:00:00 +0000\r\n"
        f"From: Uma User <{sender}>\r\n"
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: {message_id}\r\n"
        "Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n"
        f"{extra}"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="000000000000b1f2"\r\n'
        "\r\n"
        "--000000000000b1f2\r\n"
        'Content-Type: text/plain; charset="UTF-8"\r\n'
        "\r\n"
        f"{text}\r\n"
        "--000000000000b1f2\r\n"
        'Content-Type: text/html; charset="UTF-8"\r\n'
        "\r\n"
        f'<div dir="ltr">{text}</div>\r\n'
        "--000000000000b1f2--\r\n"
    )


def mailgun_fields(
    *, mime: str, recipient: str, sender: str, key: str = MAILGUN_SIGNING_KEY, timestamp=None
) -> dict:
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    token = secrets.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "recipient": recipient,
        "sender": sender,
        "from": f"Uma User <{sender}>",
        "subject": "Re: Printer on fire",
        "body-mime": mime,
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
    }


def post_mailgun(fields: dict, *, client: Client | None = None):
    return (client or webhook_client()).post(MAILGUN_URL, data=fields)
