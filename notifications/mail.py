"""Our email backends: the development one (prints each message and keeps a copy under
var/mail), and Django's SMTP backend with a fast path for the outbox's messages."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import secrets
import smtplib
import sys
import time
from email.header import Header
from email.utils import format_datetime, make_msgid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.utils import DNS_NAME
from django.utils.timezone import get_current_timezone


class DevelopmentEmailBackend(ConsoleBackend):
    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        mail_dir = Path(settings.DEV_MAIL_DIR)
        mail_dir.mkdir(parents=True, exist_ok=True)
        for n, message in enumerate(email_messages):
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns()}-{n}.eml"
            (mail_dir / name).write_bytes(message.message().as_bytes())
        return super().send_messages(email_messages)


# --- SMTP: the outbox's messages flattened without the email package (issue 8) ----------

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_ADDR_SPEC = rf"{_ATEXT}+(?:\.{_ATEXT}+)*@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?"
# A display name as our own addresses write it (formataddr): atoms, a quoted string, or
# RFC 2047 encoded words; anything else goes through the email package.
_PHRASE = (
    rf"{_ATEXT}+(?: {_ATEXT}+)*"
    r'|"(?:[ !#-\[\]-~])*"'
    r"|=\?[A-Za-z0-9_-]+\?[BbQq]\?[!->@-~]*\?=(?: =\?[A-Za-z0-9_-]+\?[BbQq]\?[!->@-~]*\?=)*"
)
_ADDRESS = re.compile(rf"(?P<spec>{_ADDR_SPEC})|(?:{_PHRASE}) <(?P<angle>{_ADDR_SPEC})>")
# Headers message_for and the callers of EmailMessage set themselves: never in the fast path.
_OWN_HEADERS = {"from", "to", "cc", "bcc", "reply-to", "date", "subject", "mime-version"}
MAX_LINE = 78  # email.policy.SMTP.max_line_length


def _fold(name: str, value: str) -> str | None:
    """``Name: value`` folded at spaces into lines of at most MAX_LINE characters, or
    None when the value is not plain printable ASCII or a word will not fit."""
    if not (value.isascii() and value.isprintable()):
        return None
    line = f"{name}: {value}"
    if len(line) <= MAX_LINE:
        return line
    words = value.split(" ")
    if "" in words:  # runs of spaces, leading or trailing: the email package's call
        return None
    lines, current = [], f"{name}:"
    for word in words:
        if len(current) + 1 + len(word) <= MAX_LINE:
            current += " " + word
        elif current == f"{name}:" or len(word) + 1 > MAX_LINE:
            return None
        else:
            lines.append(current)
            current = " " + word
    lines.append(current)
    return "\r\n".join(lines)


def _subject(value: str) -> str | None:
    if value.isascii():
        return _fold("Subject", value)
    if not value.isprintable() or value != " ".join(value.split()):
        return None
    encoded = Header(value, "utf-8", header_name="Subject").encode(linesep="\r\n")
    return f"Subject: {encoded}"


def _addresses(values: list[str]) -> list[str] | None:
    """The addr-specs of addresses written as _ADDRESS allows, else None."""
    specs = []
    for value in values:
        match = _ADDRESS.fullmatch(value)
        if match is None:
            return None
        specs.append(match["spec"] or match["angle"])
    return specs


def _text_part(text: str) -> tuple[str, bytes]:
    """(Content-Transfer-Encoding, encoded body) as email.contentmanager chooses them for
    policy SMTP: 7bit or 8bit when every line fits, else quoted-printable, or base64
    when that is shorter; lines end in CRLF."""
    lines = text.encode("utf-8").splitlines()
    if max(map(len, lines), default=0) <= MAX_LINE:
        cte = "7bit" if text.isascii() else "8bit"
        return cte, b"\r\n".join(lines) + b"\r\n"
    body = b"\n".join(lines) + b"\n"
    qp = binascii.b2a_qp(body, istext=True)
    b64 = base64.encodebytes(b"\r\n".join(lines) + b"\r\n")
    if len(b64) < len(qp):
        return "base64", b64.replace(b"\n", b"\r\n")
    return "quoted-printable", qp.replace(b"\n", b"\r\n")


def _part(text: str, subtype: str, *, mime_version: bool) -> tuple[bytes, bytes]:
    cte, body = _text_part(text)
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {cte}\r\n'
    if mime_version:
        head += "MIME-Version: 1.0\r\n"
    return head.encode("ascii"), body


def smtp_message(message: EmailMessage) -> tuple[str, list[str], bytes] | None:
    """(envelope sender, envelope recipients, message bytes) of ``message`` as Django's
    SMTP backend would send it, for the shape the outbox sends (utf-8 text, with or
    without one HTML alternative, ASCII addresses, no attachments, no Cc/Bcc), or None
    for anything else, which the email package then handles.

    The same headers in the same order and the same transfer encodings as
    ``message.message(policy=email.policy.SMTP).as_bytes()``, built with string joins and
    binascii instead of the email package's header registry (which parses every header
    it is given) and its pure-Python quoted-printable encoder: about 0.3 ms instead of
    5 ms of CPU per email (tests/notifications/test_smtp_message.py checks that both
    parse to the same message)."""
    if type(message) not in (EmailMessage, EmailMultiAlternatives):
        return None
    alternatives = getattr(message, "alternatives", [])
    if (
        message.attachments
        or message.cc
        or message.bcc
        or not message.to
        or not isinstance(message.body, str)
        or not message.body
        or (message.encoding or settings.DEFAULT_CHARSET).lower() not in ("utf-8", "utf8")
        or len(alternatives) > 1
        or any(not isinstance(a.content, str) or a.mimetype != "text/html" for a in alternatives)
        or any(
            name.lower() in _OWN_HEADERS or name.lower().startswith("content-")
            for name in message.extra_headers
        )
    ):
        return None
    sender = _addresses([message.from_email])
    to = _addresses(message.to)
    reply_to = _addresses(message.reply_to)
    subject = _subject(str(message.subject))
    if sender is None or to is None or reply_to is None or subject is None:
        return None
    head = [
        subject,
        _fold("From", message.from_email),
        _fold("To", ", ".join(message.to)),
    ]
    if message.reply_to:
        head.append(_fold("Reply-To", ", ".join(message.reply_to)))
    tz = get_current_timezone() if settings.EMAIL_USE_LOCALTIME else dt.UTC
    head.append(f"Date: {format_datetime(dt.datetime.now(tz))}")
    names = {name.lower() for name in message.extra_headers}
    if "message-id" not in names:
        head.append(f"Message-ID: {make_msgid(domain=DNS_NAME)}")
    for name, value in message.extra_headers.items():
        if not isinstance(value, str) or not re.fullmatch(r"[!-9;-~]+", name):
            return None
        head.append(_fold(name, value))
    if None in head:
        return None
    if not alternatives:
        part_head, body = _part(message.body, "plain", mime_version=True)
        data = part_head + "\r\n".join(head).encode("ascii") + b"\r\n\r\n" + body  # type: ignore[arg-type]  # None is returned above
        return sender[0], to, data
    parts = [
        _part(message.body, "plain", mime_version=False),
        _part(alternatives[0].content, "html", mime_version=True),
    ]
    boundary = _boundary(parts)
    top = f'MIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n'
    delimiter = f"\r\n--{boundary}\r\n".encode("ascii")
    chunks = [top.encode("ascii"), "\r\n".join(head).encode("ascii"), b"\r\n"]  # type: ignore[arg-type]  # None is returned above
    for part_head, body in parts:
        chunks += [delimiter, part_head, b"\r\n", body]
    chunks.append(f"\r\n--{boundary}--\r\n".encode("ascii"))
    return sender[0], to, b"".join(chunks)


def _boundary(parts: list[tuple[bytes, bytes]]) -> str:
    # As email.generator makes them, and likewise never a line of the parts.
    while True:
        boundary = "=" * 15 + f"{secrets.randbelow(sys.maxsize):019d}" + "=="
        marker = b"--" + boundary.encode("ascii")
        if not any(marker in body for _head, body in parts):
            return boundary


class SMTPEmailBackend(SMTPBackend):
    """Django's SMTP backend (EMAIL_ESP=smtp), flattening the outbox's messages with
    ``smtp_message``; anything that function declines goes through Django's own path."""

    def _send(self, email_message):
        flat = smtp_message(email_message) if email_message.recipients() else None
        if flat is None:
            return super()._send(email_message)
        sender, recipients, data = flat
        try:
            self.connection.sendmail(sender, recipients, data)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
