"""The worker process's connection to the mail provider, and what a send's outcome
says: the provider's message id, the error text an admin reads."""

from __future__ import annotations

import atexit
import logging
import os
import smtplib
import time

from anymail.exceptions import AnymailRecipientsRefused
from django.conf import settings

from notifications.models import Delivery

logger = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def error_text(exc: Exception) -> str:
    """What an admin reads in the delivery log: an SMTP server's own reply (code and
    text), else the error's type and message. No traceback, no locals: SMTP credentials
    never land here."""
    reply = smtp_reply(exc)
    text = f"SMTP {reply[0]} {reply[1]}" if reply else f"{type(exc).__name__}: {exc}"
    return text[:500]


def smtp_reply(exc: Exception) -> tuple[int, str] | None:
    """(code, text) of the SMTP reply behind ``exc``, or None for any other error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, message = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, message = exc.smtp_code, exc.smtp_error  # type: ignore[assignment]  # decoded below
    else:
        return None
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")  # type: ignore[assignment]  # decoded here
    return code, " ".join(str(message).split())


def is_permanent(exc: Exception) -> bool:
    """A refusal of this very message that sending it again will not change: an SMTP
    5xx reply to its recipient or its content (RFC 5321 4.2.1: a permanent negative
    reply, the request not to be repeated as it is), or an ESP's word that the recipient
    is rejected. Such a row fails at once, with the reason, for an admin to resend once
    the cause is fixed. A 4xx, a timeout, a dropped connection, a 5xx to our own sender
    or login (a setting an operator fixes) are retried with back-off."""
    if isinstance(exc, AnymailRecipientsRefused):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
        reply = smtp_reply(exc)
        return reply is not None and 500 <= reply[0] <= 599
    return False


def provider_message_id(message, delivery: Delivery) -> str:
    """The ESP's id for the message (anymail), else the Message-ID we stamped: SMTP and
    the development backend have no id of their own, and ours is what they carry."""
    status = getattr(message, "anymail_status", None)
    esp_id = getattr(status, "message_id", None)
    if esp_id is None or esp_id == "":
        return delivery.message_id[:255]
    # A set when recipients got different ids; ours has one recipient per row.
    if isinstance(esp_id, set):
        esp_id = ",".join(sorted(str(i) for i in esp_id))
    return str(esp_id)[:255]


class Mailer:
    """The worker process's connection to the mail provider, kept open between sends.

    Opening one per email costs a TCP connect, EHLO and QUIT (SMTP) or a new HTTPS
    session (an ESP's API) every time. It is reopened after any send error, after
    ``NOTIFICATIONS_MAILER_MAX_MESSAGES`` messages (servers cap messages per session) and
    after ``NOTIFICATIONS_MAILER_MAX_IDLE_SECONDS`` without a send (servers drop idle
    sessions; RFC 5321 asks them to wait at least five minutes). Per process (a forked
    worker child never shares its parent's socket) and per MAILERS setting.
    """

    def __init__(self):
        self.connection = None
        self.key = None
        self.sent = 0
        self.last_used = 0.0

    def _fresh(self) -> bool:
        return (
            self.key == (os.getpid(), repr(settings.MAILERS.get("default")))
            and self.sent < _setting("NOTIFICATIONS_MAILER_MAX_MESSAGES", 100)
            and time.monotonic() - self.last_used
            < _setting("NOTIFICATIONS_MAILER_MAX_IDLE_SECONDS", 30)
        )

    def send(self, message) -> None:
        from django.core.mail import mailers

        if self.connection is not None and not self._fresh():
            self.close()
        if self.connection is None:
            connection = mailers.default
            connection.open()
            self.connection, self.sent = connection, 0
            self.key = (os.getpid(), repr(settings.MAILERS.get("default")))
        try:
            self.connection.send_messages([message])
        except Exception:
            self.close()  # a session in an unknown state is never reused
            raise
        self.sent += 1
        self.last_used = time.monotonic()

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None and self.key and self.key[0] == os.getpid():
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - closing a broken session
                logger.debug("Closing the mail connection failed", exc_info=True)


process_mailer = Mailer()


def mail_connection_close() -> None:
    """Close the process's mail connection (worker shutdown; the next send reopens)."""
    process_mailer.close()


atexit.register(mail_connection_close)


def on_worker_process_shutdown(**kwargs) -> None:
    # One provider connection is kept open per worker process (connected in apps.py).
    mail_connection_close()
