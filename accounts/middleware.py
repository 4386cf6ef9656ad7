"""Resolve the account (tenant) from the request's host, before any view runs."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.contrib.auth import logout
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils import translation

from accounts.dbsession import account_context, in_account_context
from accounts.language import browser_language
from accounts.models import subdomain_validator
from accounts.selectors import account_for_subdomain

if TYPE_CHECKING:
    from accounts.models import Account

# The request's account as TenantMiddleware found it: the sign-in backend gives it to the
# request's user instead of reading the same row again in a join (accounts.backends).
_request_account: ContextVar[Account | None] = ContextVar("request_account", default=None)


def request_account() -> Account | None:
    """The account of the request being served (None outside a tenant's request)."""
    return _request_account.get()


def _not_found(request: HttpRequest) -> HttpResponseNotFound:
    # A plain page that says nothing about which accounts exist, in the browser's language
    # (no account, so no default of its own).
    with translation.override(browser_language(request) or settings.LANGUAGE_CODE):
        return HttpResponseNotFound(render_to_string("404_host.html", request=None))


def subdomain_from_host(host: str) -> str | None:
    """``acme.example.com`` → ``"acme"``; the bare base domain → ``""``; anything else → None."""
    host = host.rsplit(":", 1)[0].lower().rstrip(".") if not host.startswith("[") else host
    base = settings.BASE_DOMAIN
    if host == base:
        return ""
    suffix = "." + base
    if host.endswith(suffix):
        label = host[: -len(suffix)]
        try:
            subdomain_validator(label)
        except Exception:  # noqa: BLE001 - any malformed label is simply "no such account"
            return None
        return label
    return None


class HostAccount(NamedTuple):
    """What a host names: no account at all (``known`` False: a 404, a socket closed),
    the base domain (``known``, no account) or an account's subdomain."""

    known: bool
    account: Account | None


def account_for_host(host: str) -> HostAccount:
    """The account a request's (or a socket's) ``Host`` names; one rule for both."""
    subdomain = subdomain_from_host(host)
    if subdomain is None:
        return HostAccount(False, None)
    if subdomain == "":
        return HostAccount(True, None)
    account = account_for_subdomain(subdomain)
    return HostAccount(account is not None, account)


def user_may_stay(user: Any, account: Account | None) -> bool:
    """Whether a session's user may act on ``account``'s host: anonymous, or a user of
    that very account (never one of another account, nor an operator on a subdomain)."""
    return not user.is_authenticated or user.account_id == getattr(account, "pk", None)


class TenantMiddleware:
    """Sets ``request.account`` (None on the base domain) and the matching URLconf."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        known, account = account_for_host(request.get_host())
        if not known:
            return _not_found(request)
        if account is None:
            request.account = None  # type: ignore[attr-defined]  # the tenant's, set here
            # The base domain works for no account: tenant tables look empty there
            # (the operators' admin crosses accounts through ``all_accounts``).
            with account_context(None):
                return self.get_response(request)
        request.account = account  # type: ignore[attr-defined]  # the tenant's, set here
        request.urlconf = settings.TENANT_URLCONF
        # The database sees only this account's rows for the rest of the request
        # (row-level security): every transaction carries the account (accounts.dbsession).
        token = _request_account.set(account)
        try:
            with account_context(account):
                response = self.get_response(request)
        finally:
            _request_account.reset(token)
        if response.streaming and not isinstance(response, FileResponse):
            # Produced after this returns; a file streams from storage (and keeps the
            # server's sendfile), everything else may still read rows.
            streamed = response.streaming_content  # type: ignore[attr-defined]  # streaming
            response.streaming_content = in_account_context(account, streamed)  # type: ignore[attr-defined]  # streaming
        return response


class TenantUserMiddleware:
    """A session never carries a user across accounts: a user of another account (or an
    operator on a tenant's subdomain) is signed out and treated as anonymous."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not user_may_stay(request.user, request.account):  # type: ignore[attr-defined]  # TenantMiddleware's
            logout(request)
        return self.get_response(request)
