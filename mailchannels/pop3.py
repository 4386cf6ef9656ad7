"""The POP3 side of a mailbox channel: the fallback for servers without IMAP. Python's
own poplib, not a library: POP3 is six commands (USER/PASS, STAT, UIDL, RETR, DELE,
QUIT) and poplib speaks them all, with TLS (POP3S) and STLS; no maintained PyPI client
adds anything but another dependency. TLS is always on: POP3S or STLS, certificates
verified (mailchannels.imap.ssl_context).

Microsoft 365 / Gmail channels (OAuth2) sign in with ``AUTH XOAUTH2`` (RFC 5034's SASL
AUTH, the mechanism Microsoft documents for POP and Google for its mail protocols): the
command, the server's empty "+" challenge, the base64 of
``user=<mailbox>^Aauth=Bearer <token>^A^A``. A refused token comes back as a "+" challenge
carrying the error, which the client answers with an empty line to get the final -ERR.

Errors become ``MailboxError`` with the admin's words, as for IMAP."""

from __future__ import annotations

import base64
import contextlib
import poplib
import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from accounts.field_crypto import decrypt
from mailchannels import oauth
from mailchannels.imap import TIMEOUT, MailboxError, explain, ssl_context
from mailchannels.models import MailboxChannel

# poplib refuses a line over 2,048 bytes ("line too long"); mail has longer ones (RFC 5322
# asks for 998 at most, senders ignore it). Raised for the process, as poplib reads it at
# each line; a message over MAILBOX_MAX_MESSAGE_BYTES is refused after download anyway.
poplib._MAXLINE = max(poplib._MAXLINE, 1024 * 1024)  # type: ignore[attr-defined]

_UIDL = re.compile(rb"^(\d+) ([\x21-\x7e]{1,70})$")


def _connect(channel: MailboxChannel) -> poplib.POP3:
    if channel.security == MailboxChannel.Security.STARTTLS:
        client = poplib.POP3(channel.host, channel.port, timeout=TIMEOUT)
        client.stls(context=ssl_context())
        return client
    return poplib.POP3_SSL(channel.host, channel.port, timeout=TIMEOUT, context=ssl_context())


def _challenge(answer: bytes) -> bool:
    return answer == b"+" or answer.startswith(b"+ ")


def _xoauth2(client: poplib.POP3, channel: MailboxChannel) -> None:
    """AUTH XOAUTH2; poplib.error_proto if the server refuses it (or the token)."""
    try:
        token = oauth.access_token(channel)
    except oauth.OAuthError as exc:
        raise MailboxError(str(exc)) from exc
    payload = f"user={channel.username}\x01auth=Bearer {token}\x01\x01"
    answer = client._shortcmd("AUTH XOAUTH2")  # type: ignore[attr-defined]
    if not _challenge(answer):
        raise poplib.error_proto(answer)
    client._putcmd(base64.b64encode(payload.encode()).decode("ascii"))  # type: ignore[attr-defined]
    answer = client._getresp()  # type: ignore[attr-defined]
    if _challenge(answer):  # the error, as a challenge: an empty answer ends the exchange
        client._putcmd("")  # type: ignore[attr-defined]
        client._getresp()  # type: ignore[attr-defined]
        raise poplib.error_proto(answer)


def _sign_in(client: poplib.POP3, channel: MailboxChannel) -> None:
    if channel.auth == MailboxChannel.Auth.PASSWORD:
        client.user(channel.username)
        client.pass_(decrypt(channel.password_encrypted))
    else:
        _xoauth2(client, channel)


def _refused(channel: MailboxChannel) -> str:
    if channel.auth != MailboxChannel.Auth.PASSWORD:
        return oauth.reconnect_message(channel)
    return _("Authentication failed: check the user name and password.")


@contextlib.contextmanager
def opened(channel: MailboxChannel) -> Iterator[poplib.POP3]:
    """Signed in. Leaving normally sends QUIT, which is when the server deletes what was
    marked with DELE; leaving on an error closes the socket without QUIT (nothing is
    deleted)."""
    try:
        client = _connect(channel)
    except (OSError, poplib.error_proto) as exc:
        raise MailboxError(explain(exc, channel)) from exc
    try:
        try:
            _sign_in(client, channel)
        except poplib.error_proto as exc:
            raise MailboxError(_refused(channel)) from exc
        except OSError as exc:
            raise MailboxError(explain(exc, channel)) from exc
        try:
            yield client
        except (OSError, poplib.error_proto) as exc:
            raise MailboxError(explain(exc, channel)) from exc
        try:
            client.quit()
        except (OSError, poplib.error_proto) as exc:
            raise MailboxError(explain(exc, channel)) from exc
    finally:
        with contextlib.suppress(Exception):
            client.close()


def check_connection(channel: MailboxChannel) -> int:
    with opened(channel) as client:
        return int(client.stat()[0])


def listing(client: poplib.POP3) -> list[tuple[int, str]]:
    """(message number, UIDL) of every message in the maildrop, in order."""
    _response, lines, _octets = client.uidl()
    found = []
    for line in lines:
        match = _UIDL.match(line.strip())
        if match:
            found.append((int(match.group(1)), match.group(2).decode("ascii")))
    return found


def retrieve(client: poplib.POP3, number: int) -> bytes:
    _response, lines, _octets = client.retr(number)
    return b"\r\n".join(lines) + b"\r\n"


def mark_deleted(client: poplib.POP3, number: int) -> None:
    client.dele(number)


__all__ = ["MailboxError", "check_connection", "listing", "mark_deleted", "opened", "retrieve"]
