"""Support addresses and mailbox channels: create, change, verify, test. Every change
is the admin's, in the admin's account; passwords are stored encrypted and never read
back out of here except by the IMAP connection (mailchannels.imap)."""

from __future__ import annotations

import secrets as random
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.field_crypto import encrypt
from accounts.models import Account, AgentGroup
from mailchannels import imap, oauth, pop3
from mailchannels.models import MailboxChannel, SupportAddress
from notifications import addresses

MAX_ADDRESSES = 50


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(_("Enter a valid email address.")) from exc
    if addresses.account_for_address(email)[0] is not None or email.endswith(
        "." + addresses.settings.BASE_DOMAIN
    ):
        raise ValidationError(_("That is one of Sportello's own addresses."))
    return email


def _check_group(account: Account, group: AgentGroup | None) -> None:
    if group is not None and group.account_id != account.pk:
        raise ValidationError(_("Choose a group of this account."))


@transaction.atomic
def address_create(
    *,
    account: Account,
    email: str,
    display_name: str = "",
    group: AgentGroup | None = None,
    arrival: str = SupportAddress.Arrival.MAILBOX,
) -> SupportAddress:
    email = _clean_email(email)
    _check_group(account, group)
    if arrival not in SupportAddress.Arrival.values:
        raise ValidationError(_("Choose how mail arrives."))
    if SupportAddress.objects.for_account(account).count() >= MAX_ADDRESSES:
        raise ValidationError(
            _("An account has at most %(n)s support addresses.") % {"n": MAX_ADDRESSES}
        )
    if SupportAddress.objects.for_account(account).filter(email=email).exists():
        raise ValidationError(_("This support address exists already."))
    address = SupportAddress(
        account=account,
        email=email,
        display_name=display_name.strip()[:120],
        group=group,
        arrival=arrival,
        verify_token=random.token_hex(16) if arrival == SupportAddress.Arrival.FORWARD else "",
    )
    try:
        with transaction.atomic():
            address.save()
    except IntegrityError as exc:
        raise ValidationError(_("This support address exists already.")) from exc
    if arrival == SupportAddress.Arrival.FORWARD:
        _send_verification(address)
    return address


def _send_verification(address: SupportAddress) -> None:
    """The confirmation email to the support address: it must come back through the
    forward to the account's internal address (mailchannels.verification)."""
    from mailchannels.verification import verification_queue

    verification_queue(address)


@transaction.atomic
def address_update(
    *, address: SupportAddress, display_name: str, group: AgentGroup | None
) -> SupportAddress:
    _check_group(address.account, group)
    address.display_name = display_name.strip()[:120]
    address.group = group
    address.save(update_fields=["display_name", "group"])
    return address


@transaction.atomic
def address_delete(*, address: SupportAddress) -> None:
    address.delete()


def _channel_fields(fields: dict[str, Any]) -> dict[str, Any]:
    host = str(fields.get("host", "")).strip()
    if not host or any(c in host for c in " /\\@:"):
        raise ValidationError(_("Enter the mail server's host name."))
    port = int(fields.get("port") or 993)
    if not 1 <= port <= 65535:
        raise ValidationError(_("Enter a port between 1 and 65535."))
    folder = str(fields.get("folder") or "INBOX").strip()[:200]
    after = fields.get("after_import") or MailboxChannel.AfterImport.MARK_READ
    move_to = str(fields.get("move_to") or "").strip()[:200]
    if after == MailboxChannel.AfterImport.MOVE and not move_to:
        raise ValidationError(_("Name the folder imported messages are moved to."))
    if after == MailboxChannel.AfterImport.MOVE and move_to == folder:
        raise ValidationError(_("Move imported messages to another folder than the one read."))
    security = fields.get("security") or MailboxChannel.Security.SSL
    if (
        security not in MailboxChannel.Security.values
        or after not in MailboxChannel.AfterImport.values
    ):
        raise ValidationError(_("Choose one of the options."))
    username = str(fields.get("username", "")).strip()[:254]
    if not username:
        raise ValidationError(_("Enter the mailbox's user name."))
    protocol = fields.get("protocol") or MailboxChannel.Protocol.IMAP
    if protocol not in MailboxChannel.Protocol.values:
        raise ValidationError(_("Choose one of the options."))
    if protocol == MailboxChannel.Protocol.POP3 and after == MailboxChannel.AfterImport.MOVE:
        raise ValidationError(_("POP3 has no folders: leave imported messages or delete them."))
    return {
        "protocol": protocol,
        "host": host[:253],
        "port": port,
        "security": security,
        "username": username,
        "folder": folder,
        "after_import": after,
        "move_to": move_to,
        "active": bool(fields.get("active", True)),
    }


@transaction.atomic
def channel_create(
    *, account: Account, address: SupportAddress, password: str, **fields: Any
) -> MailboxChannel:
    if address.account_id != account.pk:
        raise ValidationError(_("Choose a support address of this account."))
    if not password:
        raise ValidationError(_("Enter the mailbox's password."))
    channel = MailboxChannel(
        account=account,
        address=address,
        password_encrypted=encrypt(password),
        **_channel_fields(fields),
    )
    channel.save()
    if address.arrival != SupportAddress.Arrival.MAILBOX:
        address.arrival = SupportAddress.Arrival.MAILBOX
        address.save(update_fields=["arrival"])
    return channel


@transaction.atomic
def channel_update(*, channel: MailboxChannel, password: str = "", **fields: Any) -> MailboxChannel:
    """Blank password: keep the stored one (it is never shown, so never sent back). An
    OAuth2 channel's user name is the mailbox that gave consent: kept."""
    if channel.auth != MailboxChannel.Auth.PASSWORD or not fields.get("username"):
        fields["username"] = channel.username
    values = _channel_fields(fields)
    moved = (values["protocol"], values["host"], values["username"], values["folder"]) != (
        channel.protocol,
        channel.host,
        channel.username,
        channel.folder,
    )
    for name, value in values.items():
        setattr(channel, name, value)
    if password and channel.auth == MailboxChannel.Auth.PASSWORD:
        channel.password_encrypted = encrypt(password)
    if moved:  # another mailbox or folder: its UIDs start afresh
        channel.uidvalidity, channel.last_uid = None, 0
    channel.save()
    return channel


@transaction.atomic
def channel_delete(*, channel: MailboxChannel) -> None:
    channel.delete()


def channel_test(*, channel: MailboxChannel) -> tuple[bool, str]:
    """(True, "N messages in INBOX") or (False, the clear error); recorded on the channel."""
    try:
        if channel.protocol == MailboxChannel.Protocol.POP3:
            count = pop3.check_connection(channel)
        else:
            count = imap.check_connection(channel)
    except imap.MailboxError as exc:
        message = str(exc)
        ok = False
    else:
        message = _("Connected: %(count)s messages in %(folder)s.") % {
            "count": count,
            "folder": channel.folder,
        }
        ok = True
    MailboxChannel.objects.for_account(channel.account).filter(pk=channel.pk).update(
        last_error="" if ok else message[:300]
    )
    if ok and channel.address.verified_at is None:
        SupportAddress.objects.for_account(channel.account).filter(pk=channel.address_id).update(
            verified_at=timezone.now()
        )
    return ok, message


@transaction.atomic
def mailbox_connect(
    *,
    account: Account,
    email: str,
    password: str,
    display_name: str = "",
    group: AgentGroup | None = None,
    **fields: Any,
) -> MailboxChannel:
    """An IMAP channel for ``email``: its support address is created (arrival: mailbox)
    unless the account has it already."""
    email = _clean_email(email)
    address = SupportAddress.objects.for_account(account).filter(email=email).first()
    if address is None:
        address = address_create(
            account=account,
            email=email,
            display_name=display_name,
            group=group,
            arrival=SupportAddress.Arrival.MAILBOX,
        )
    return channel_create(account=account, address=address, password=password, **fields)


@transaction.atomic
def address_verification_resend(*, address: SupportAddress) -> None:
    """Forwarded addresses not yet verified: a new token, a new confirmation email."""
    if address.arrival != SupportAddress.Arrival.FORWARD or address.verified_at is not None:
        return
    address.verify_token = random.token_hex(16)
    address.save(update_fields=["verify_token"])
    _send_verification(address)


@transaction.atomic
def oauth_connect(
    *,
    account: Account,
    provider: str,
    email: str,
    tokens: oauth.Tokens,
    channel: MailboxChannel | None = None,
) -> MailboxChannel:
    """After the admin's consent: a new Microsoft 365 / Gmail channel for ``email`` (its
    support address created unless the account has it), or, for ``channel``, its new
    tokens (a reconnect). The refresh token is stored encrypted."""
    conf = oauth.config(provider)
    if conf is None:
        raise ValidationError(_("This provider is not set up on this Sportello."))
    if channel is not None:
        if channel.account_id != account.pk or channel.auth != provider:
            raise ValidationError(_("This mailbox is not connected through that provider."))
        oauth.store(channel, tokens)
        MailboxChannel.objects.for_account(account).filter(pk=channel.pk).update(last_error="")
        channel.last_error = ""
        return channel
    email = _clean_email(email)
    address = SupportAddress.objects.for_account(account).filter(email=email).first()
    if address is None:
        address = address_create(
            account=account, email=email, arrival=SupportAddress.Arrival.MAILBOX
        )
    elif address.arrival != SupportAddress.Arrival.MAILBOX:
        address.arrival = SupportAddress.Arrival.MAILBOX
        address.save(update_fields=["arrival"])
    channel = MailboxChannel(
        account=account,
        address=address,
        auth=provider,
        host=conf["imap_host"],
        port=int(conf["imap_port"]),
        security=MailboxChannel.Security.SSL,
        username=email,
        oauth_refresh_encrypted=encrypt(tokens.refresh),
        oauth_access_encrypted=encrypt(tokens.access),
        oauth_expires_at=tokens.expires_at,
    )
    channel.save()
    return channel
