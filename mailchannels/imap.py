"""The IMAP side of a mailbox channel, through imap-tools (a maintained, typed wrapper
over the standard library's imaplib: UID-based fetch in bulk, move/flag/delete helpers,
XOAUTH2 sign-in and one exception class per failed command, so errors map to clear words).

Every failure to reach, trust, sign in to or open the mailbox becomes a ``MailboxError``
whose message is what the admin reads ("authentication failed", "certificate not
trusted", "folder INBOX not found")."""

from __future__ import annotations

import contextlib
import imaplib
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from imap_tools import MailBox, MailBoxStartTls, MailMessage
from imap_tools.errors import (
    MailboxFolderSelectError,
    MailboxFolderStatusError,
    MailboxLoginError,
    UnexpectedCommandStatusError,
)

from accounts.field_crypto import decrypt
from mailchannels import oauth
from mailchannels.models import MailboxChannel

TIMEOUT = 30.0


class MailboxError(Exception):
    """The mailbox could not be used; ``str()`` is the admin's explanation."""


@dataclass(frozen=True)
class FetchedRaw:
    uid: int
    raw: bytes


class _RawMessage(MailMessage):
    """imap-tools' message keeping the bytes as the server sent them."""

    def __init__(self, fetch_data: list) -> None:
        self.raw = self._get_message_data_parts(fetch_data)[0]
        super().__init__(fetch_data)


def ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    extra = getattr(settings, "MAILBOX_CA_FILE", "")
    if extra:  # a private CA (or the test suite's self-signed Dovecot)
        context.load_verify_locations(cafile=extra)
    return context


def explain(exc: BaseException, channel: MailboxChannel) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _("Certificate not trusted: %(detail)s") % {"detail": exc.verify_message or exc}
    if isinstance(exc, ssl.SSLError):
        return _("TLS failed: %(detail)s") % {"detail": exc.reason or exc}
    if isinstance(exc, MailboxLoginError):
        if channel.auth != MailboxChannel.Auth.PASSWORD:
            return oauth.reconnect_message(channel)
        return _("Authentication failed: check the user name and password.")
    if isinstance(exc, (MailboxFolderSelectError, MailboxFolderStatusError)):
        return _("Folder %(folder)s not found.") % {"folder": channel.folder}
    if isinstance(exc, ConnectionRefusedError):
        return _("Connection refused by %(host)s:%(port)s.") % {
            "host": channel.host,
            "port": channel.port,
        }
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return _("No answer from %(host)s:%(port)s.") % {"host": channel.host, "port": channel.port}
    if isinstance(exc, socket.gaierror):
        return _("Server %(host)s not found.") % {"host": channel.host}
    if isinstance(exc, UnexpectedCommandStatusError):
        return _("The server refused a command: %(detail)s") % {"detail": str(exc)[:200]}
    return _("Could not reach the mailbox: %(detail)s") % {"detail": str(exc)[:200]}


def _token(box: MailBox, channel: MailboxChannel) -> str:
    try:
        return oauth.access_token(channel)
    except oauth.OAuthError as exc:
        with contextlib.suppress(Exception):
            box.logout()
        raise MailboxError(str(exc)) from exc


def _xoauth2(box: MailBox, channel: MailboxChannel, folder: str) -> None:
    token = _token(box, channel)
    try:
        box.xoauth2(channel.username, token, initial_folder=folder)
    except imaplib.IMAP4.error as exc:  # imaplib raises for a refused AUTHENTICATE
        with contextlib.suppress(Exception):
            box.client.shutdown()
        raise MailboxLoginError(("AUTHENTICATE", str(exc)), "OK") from exc


@contextlib.contextmanager
def opened(channel: MailboxChannel, folder: str | None = None) -> Iterator[MailBox]:
    """The channel's mailbox, signed in, with its folder selected."""
    folder = folder or channel.folder
    try:
        if channel.security == MailboxChannel.Security.STARTTLS:
            box: MailBox = MailBoxStartTls(  # type: ignore[assignment]
                channel.host, channel.port, ssl_context=ssl_context(), timeout=TIMEOUT
            )
        else:
            box = MailBox(channel.host, channel.port, ssl_context=ssl_context(), timeout=TIMEOUT)
        box.email_message_class = _RawMessage
        if channel.auth == MailboxChannel.Auth.PASSWORD:
            box.login(channel.username, decrypt(channel.password_encrypted), initial_folder=folder)
        else:
            _xoauth2(box, channel, folder)
    except (OSError, UnexpectedCommandStatusError, ValueError) as exc:
        raise MailboxError(explain(exc, channel)) from exc
    try:
        yield box
    except (OSError, UnexpectedCommandStatusError) as exc:
        raise MailboxError(explain(exc, channel)) from exc
    finally:
        with contextlib.suppress(Exception):
            box.logout()


def check_connection(channel: MailboxChannel) -> int:
    """Sign in and open the folder; the number of messages in it. MailboxError if not."""
    with opened(channel) as box:
        try:
            status = box.folder.status(channel.folder, ["MESSAGES"])
        except (OSError, UnexpectedCommandStatusError) as exc:
            raise MailboxError(explain(exc, channel)) from exc
        return int(status.get("MESSAGES", 0))


def uidvalidity(box: MailBox, folder: str) -> int:
    return int(box.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"])


def uids_after(box: MailBox, last_uid: int) -> list[int]:
    """UIDs above ``last_uid``, ascending ("N:*" also names the highest one below N)."""
    found = box.uids(f"UID {last_uid + 1}:*")
    return sorted(u for u in (int(x) for x in found) if u > last_uid)


def uids_upto(box: MailBox, last_uid: int, criteria: str = "ALL") -> list[int]:
    if last_uid < 1:
        return []
    found = box.uids(f"UID 1:{last_uid} {criteria}")
    return sorted(u for u in (int(x) for x in found) if u <= last_uid)


def fetch_raw(box: MailBox, uids: list[int]) -> Iterator[FetchedRaw]:
    for message in box.fetch(
        uid_list=[str(u) for u in uids], mark_seen=False, bulk=max(2, len(uids))
    ):
        yield FetchedRaw(int(message.uid or 0), message.raw)  # type: ignore[attr-defined]


def after_import(box: MailBox, channel: MailboxChannel, uids: list[int]) -> None:
    """Mark read, move or delete imported messages (never the ones that failed)."""
    if not uids:
        return
    listed = [str(u) for u in uids]
    if channel.after_import == MailboxChannel.AfterImport.DELETE:
        box.delete(listed)
    elif channel.after_import == MailboxChannel.AfterImport.MOVE and channel.move_to:
        box.move(listed, channel.move_to)
    else:
        box.flag(listed, "\\Seen", True)
