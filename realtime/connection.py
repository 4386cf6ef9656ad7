"""Who is at the other end of a socket: the account its host names and the user its
session cookie carries, by the same rules as a page's request.

- the account: ``accounts.middleware.account_for_host``, as ``TenantMiddleware``; a host
  of no account, and the base domain (no account's events are there), close the socket;
- the user: the session (``channels.sessions``) read by Django's own ``get_user`` with
  the account set for the database, as ``AccountEmailBackend.get_user`` is on a page;
  then ``user_may_stay`` (``TenantUserMiddleware``'s rule), and an agent who still owes
  the account its second factor (``IdentityMiddleware``) counts as anonymous;
- the origin: a browser's socket must come from a page of the very host it opens (a
  page of another account's subdomain is same-site, and its socket would carry this
  host's cookies). A client that sends no Origin (not a browser) is refused earlier by
  ``AllowedHostsOriginValidator``.

What it found goes into the scope, for ``realtime.consumers``: ``account`` (None when
refused, with ``realtime_refusal``, the close code), ``user``, ``session``.
"""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from channels.auth import get_user
from channels.db import database_sync_to_async
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import split_domain_port, validate_host

from accounts.dbsession import account_context
from accounts.identity_middleware import two_factor_missing
from accounts.middleware import account_for_host, user_may_stay

# Close codes the client reads (static/js/realtime.js stops reconnecting on 44xx).
CLOSE_FORBIDDEN = 4403  # a page of another host opened it
CLOSE_UNKNOWN_HOST = 4404  # no account at this host


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin1")
    return ""


def same_origin(scope: dict[str, Any]) -> bool:
    """The Origin header's host and port are the Host header's (absent: not a browser)."""
    origin = _header(scope, b"origin")
    if not origin:
        return True
    return urlsplit(origin).netloc.lower() == _header(scope, b"host").lower()


def _allowed_host(host: str) -> bool:
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


@database_sync_to_async
def _account(host: str) -> Any:
    if not _allowed_host(host):
        return None
    return account_for_host(host).account


async def _user(scope: dict[str, Any], account: Any) -> Any:
    with account_context(account):
        user = await get_user(scope)
        if not user_may_stay(user, account) or await _owes_second_factor(user, scope):
            return AnonymousUser()
    return user


@database_sync_to_async
def _owes_second_factor(user: Any, scope: dict[str, Any]) -> bool:
    return two_factor_missing(SimpleNamespace(user=user, session=scope["session"]))  # type: ignore[arg-type]  # what it reads of a request


async def user_now(scope: dict[str, Any]) -> tuple[Any, Any]:
    """(user, session) the socket's session carries now, by the same rules as at its
    opening, with the session read again from its store: a session ended since (signed
    out, revoked, expired) is empty, one whose password changed since is refused by
    ``get_user``'s session-auth-hash check, and both give an anonymous user."""
    key = getattr(scope.get("session"), "session_key", None)
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return await _user(dict(scope, session=session), scope["account"]), session


class TenantSocketMiddleware:
    """Puts the socket's account and user into the scope (see the module's docstring)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        scope = dict(scope, account=None, user=AnonymousUser(), realtime_refusal=None)
        if not same_origin(scope):
            scope["realtime_refusal"] = CLOSE_FORBIDDEN
        else:
            account = await _account(_header(scope, b"host"))
            if account is None:
                scope["realtime_refusal"] = CLOSE_UNKNOWN_HOST
            else:
                scope["account"] = account
                scope["user"] = await _user(scope, account)
        return await self.inner(scope, receive, send)


def socket_auth_stack(inner: Any) -> Any:
    """Cookies, then the session, then the account and user: what a socket needs."""
    return CookieMiddleware(SessionMiddleware(TenantSocketMiddleware(inner)))
