"""Per request, once the user is known: the client's address for the audit log, the
session's last-seen time, and the account's rule that agents sign in with two factors."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.audit import client_ip
from accounts.models import User
from accounts.two_factor import has_two_factor
from accounts.user_sessions import session_seen
from helpdesk.client_address import client_address

# Set in a session signed in with a second factor, or once the user has set one up: the
# requirement then costs no query per request.
VERIFIED_KEY = "_sportello_2fa"
# What an agent who must set up two-factor sign-in may still open.
OPEN_URL_NAMES = (
    "accounts:security",
    "accounts:two_factor_setup",
    "accounts:passkey_add",
    "accounts:passkey_options",
    "accounts:logout",
    "accounts:language",
)


def two_factor_missing(request: HttpRequest) -> bool:
    """An agent of an account that requires two factors, without an authenticator."""
    user = request.user
    if not isinstance(user, User) or not user.is_agent or user.account is None:
        return False
    if not user.account.agents_require_2fa or request.session.get(VERIFIED_KEY):
        return False
    if has_two_factor(user):
        request.session[VERIFIED_KEY] = True
        return False
    return True


class IdentityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with client_ip(client_address(request)):
            if getattr(request, "account", None) is not None and request.user.is_authenticated:
                session_seen(request)
                if two_factor_missing(request):
                    # Before the view's URLconf is in force: the account's, by name.
                    urlconf = getattr(request, "urlconf", None)
                    allowed = {reverse(name, urlconf=urlconf) for name in OPEN_URL_NAMES}
                    if request.path not in allowed:
                        if request.headers.get("HX-Request"):
                            # A fragment a page asks for itself (the bell's count):
                            # nothing to show until then, and no page swapped into it.
                            return HttpResponse(status=204)
                        return redirect(reverse("accounts:two_factor_setup", urlconf=urlconf))
            return self.get_response(request)
