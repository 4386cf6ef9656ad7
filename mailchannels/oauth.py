"""OAuth2 for Microsoft 365 and Gmail mailboxes: the admin's consent (authorization code
with PKCE, through authlib as for single sign-on), the refresh token kept encrypted
(accounts.field_crypto), and an access token for XOAUTH2 refreshed shortly before it
expires. The providers' endpoints and the platform's app registrations come from
settings.MAILBOX_OAUTH (docs/mailboxes.md: how to register the apps).

A refresh the provider refuses (the consent revoked, the refresh token expired, the
app's secret changed) is ``OAuthError(reconnect=True)``: the channel shows that the
admin must connect it again; the fetch never crashes on it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2 import OAuth2Error
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.field_crypto import decrypt, encrypt
from mailchannels.models import MailboxChannel

TIMEOUT = 15  # seconds for each call to the provider
REFRESH_BEFORE = timedelta(minutes=5)  # an access token this close to expiry is renewed
DEFAULT_LIFETIME = 3600


class OAuthError(Exception):
    """``str()`` is the admin's explanation; ``reconnect`` when only a new consent helps."""

    def __init__(self, message: str, *, reconnect: bool = False) -> None:
        super().__init__(message)
        self.reconnect = reconnect


@dataclass(frozen=True)
class Tokens:
    access: str
    refresh: str
    expires_at: datetime


def provider_label(provider: str) -> str:
    return str(MailboxChannel.Auth(provider).label) if provider else ""


def config(provider: str) -> dict[str, Any] | None:
    """The provider's settings, or None when it is unknown or has no app registration."""
    if provider not in (MailboxChannel.Auth.MICROSOFT, MailboxChannel.Auth.GOOGLE):
        return None
    found = getattr(settings, "MAILBOX_OAUTH", {}).get(provider)
    if not found or not found.get("client_id"):
        return None
    return found


def configured() -> list[str]:
    return [p for p in (MailboxChannel.Auth.MICROSOFT, MailboxChannel.Auth.GOOGLE) if config(p)]


def _session(conf: dict[str, Any], redirect_uri: str = "") -> OAuth2Session:
    return OAuth2Session(
        client_id=conf["client_id"],
        client_secret=conf.get("client_secret", ""),
        scope=conf["scope"],
        redirect_uri=redirect_uri or None,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",
    )


def start(provider: str, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """(the provider's consent page, what the admin's session keeps until the callback)."""
    conf = config(provider)
    if conf is None:
        raise OAuthError(_("This provider is not set up on this Sportello."))
    state = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    url, _state = _session(conf, redirect_uri).create_authorization_url(
        conf["authorize_url"], state=state, code_verifier=verifier, **conf.get("extra", {})
    )
    return url, {"state": state, "verifier": verifier}


def _tokens(answer: dict[str, Any], refresh: str = "") -> Tokens:
    access = str(answer.get("access_token") or "")
    if not access:
        raise OAuthError(_("The provider sent no access token."))
    try:
        lifetime = int(answer.get("expires_in") or DEFAULT_LIFETIME)
    except (TypeError, ValueError):
        lifetime = DEFAULT_LIFETIME
    return Tokens(
        access=access,
        # Microsoft may rotate the refresh token; Google keeps the first one.
        refresh=str(answer.get("refresh_token") or refresh),
        expires_at=timezone.now() + timedelta(seconds=lifetime),
    )


def finish(provider: str, redirect_uri: str, code: str, verifier: str) -> Tokens:
    """The authorization code exchanged for tokens (PKCE verifier of this admin's start)."""
    conf = config(provider)
    if conf is None:
        raise OAuthError(_("This provider is not set up on this Sportello."))
    try:
        answer = _session(conf, redirect_uri).fetch_token(
            conf["token_url"], code=code, code_verifier=verifier, timeout=TIMEOUT
        )
    except (OAuth2Error, requests.RequestException, ValueError, KeyError):
        raise OAuthError(_("The provider refused the connection. Try again.")) from None
    tokens = _tokens(dict(answer))
    if not tokens.refresh:
        raise OAuthError(
            _("The provider gave no refresh token: allow offline access and try again.")
        )
    return tokens


def _reconnect_message(channel: MailboxChannel) -> str:
    return _(
        "%(provider)s access was revoked or has expired: reconnect the mailbox "
        "(Reconnect button on its settings page)."
    ) % {"provider": provider_label(channel.auth)}


def refresh(channel: MailboxChannel) -> Tokens:
    """A new access token from the stored refresh token; OAuthError if refused."""
    conf = config(channel.auth)
    if conf is None:
        raise OAuthError(
            _("%(provider)s is no longer set up on this Sportello.")
            % {"provider": provider_label(channel.auth)}
        )
    stored = decrypt(channel.oauth_refresh_encrypted)
    if not stored:
        raise OAuthError(_reconnect_message(channel), reconnect=True)
    try:
        response = requests.post(
            conf["token_url"],
            data={
                "grant_type": "refresh_token",
                "refresh_token": stored,
                "client_id": conf["client_id"],
                "client_secret": conf.get("client_secret", ""),
                "scope": conf["scope"],
            },
            timeout=TIMEOUT,
        )
        answer = response.json()
    except (requests.RequestException, ValueError):
        raise OAuthError(
            _("%(provider)s could not be reached to renew the access. Trying again later.")
            % {"provider": provider_label(channel.auth)}
        ) from None
    if not isinstance(answer, dict):
        answer = {}
    if response.status_code >= 400 or "access_token" not in answer:
        # invalid_grant (revoked, expired, password changed), invalid_client, ...
        raise OAuthError(_reconnect_message(channel), reconnect=True)
    return _tokens(answer, refresh=stored)


def store(channel: MailboxChannel, tokens: Tokens) -> None:
    """The tokens on the channel (encrypted), in memory and in its row."""
    channel.oauth_refresh_encrypted = encrypt(tokens.refresh)
    channel.oauth_access_encrypted = encrypt(tokens.access)
    channel.oauth_expires_at = tokens.expires_at
    MailboxChannel.objects.for_account(channel.account).filter(pk=channel.pk).update(
        oauth_refresh_encrypted=channel.oauth_refresh_encrypted,
        oauth_access_encrypted=channel.oauth_access_encrypted,
        oauth_expires_at=channel.oauth_expires_at,
    )


def access_token(channel: MailboxChannel) -> str:
    """The access token to sign in with, renewed when it expires within REFRESH_BEFORE."""
    current = decrypt(channel.oauth_access_encrypted)
    expires = channel.oauth_expires_at
    if current and expires is not None and expires - REFRESH_BEFORE > timezone.now():
        return current
    tokens = refresh(channel)
    store(channel, tokens)
    return tokens.access


def reconnect_message(channel: MailboxChannel) -> str:
    return _reconnect_message(channel)
