"""Which language and time zone a request is served in, and the help center's switcher.

The language is the user's own (profile), else the one they picked while signed out
(a cookie set by the switcher), else the browser's Accept-Language among ours, else the
account's default. The time zone is the user's, else the account's. URLs never carry
the language: the same address serves every reader in their own.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.services import user_set_preferences

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Account, User

SUPPORTED_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
# A year: a visitor's choice outlives their session, as Django's own switcher's does.
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def browser_language(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in translation.trans_real.parse_accept_lang_header(header):  # type: ignore[attr-defined]  # noqa: E501
        if code == "*":
            break
        try:
            # "es-MX" → "es"; only the languages of settings.LANGUAGES are answered.
            language = translation.get_supported_language_variant(code)
        except LookupError:
            continue
        if language in SUPPORTED_LANGUAGES:
            return language
    return None


def language_for_request(request: HttpRequest) -> str:
    user: User | AnonymousUser | None = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.locale in SUPPORTED_LANGUAGES:
        return user.locale
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in SUPPORTED_LANGUAGES:
        return chosen
    browser = browser_language(request)
    if browser:
        return browser
    account: Account | None = getattr(request, "account", None)
    if account is not None and account.default_locale in SUPPORTED_LANGUAGES:
        return account.default_locale
    return settings.LANGUAGE_CODE


def time_zone_named(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def time_zone_for_request(request: HttpRequest) -> zoneinfo.ZoneInfo:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.account_id:
        return time_zone_named(user.effective_time_zone)
    account = getattr(request, "account", None)
    return time_zone_named(account.time_zone if account is not None else "")


class LanguageMiddleware:
    """Activates the request's language and time zone. It runs after the tenant and
    authentication middleware, since both the user and the account have a say, and
    restores the previous ones afterwards so nothing leaks into the next request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for_request(request)
        request.LANGUAGE_CODE = language
        with translation.override(language), timezone.override(time_zone_for_request(request)):
            response = self.get_response(request)
        # One URL, several languages: caches must key on what chose the language.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The switcher: a signed-in user's choice goes to their profile (and so to their
    emails too); everyone's goes to a cookie, which outlives signing out."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    language = request.POST.get("language", "")
    if language not in SUPPORTED_LANGUAGES:
        return response
    if request.user.is_authenticated:
        user_set_preferences(user=request.user, locale=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
