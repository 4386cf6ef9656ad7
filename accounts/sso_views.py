"""Single sign-on through the pages: the sign-in page's "Continue with …" starts it, the
provider sends the browser back to the OIDC callback or posts to the SAML assertion
consumer service, and the verified identity becomes a signed-in session. What this
browser started (state, nonce, PKCE verifier or the AuthnRequest's id) waits in its
session for STARTED_FOR seconds and is spent by the answer, right or wrong."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.identity_middleware import VERIFIED_KEY
from accounts.sso import oidc, saml
from accounts.sso.services import SignInRefused, active_provider, provider_of, user_for_sign_in
from accounts.sso_models import IdentityProvider
from accounts.views import home_url_for
from helpdesk.nul_characters import refuse_nul

STARTED_KEY = "_sportello_sso"
STARTED_FOR = 600
BACKEND = "accounts.backends.AccountEmailBackend"


def _provider(request: HttpRequest, protocol: str | None = None) -> IdentityProvider:
    provider = active_provider(request.account)  # type: ignore[attr-defined]  # TenantMiddleware
    if provider is None or (protocol is not None and provider.protocol != protocol):
        raise Http404
    return provider


def oidc_redirect_uri(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}{reverse('accounts:sso_oidc_callback')}"


def _next(request: HttpRequest) -> str:
    candidate = request.GET.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    provider = _provider(request)
    try:
        if provider.protocol == IdentityProvider.Protocol.OIDC:
            url, kept = oidc.start(provider, oidc_redirect_uri(request))
        else:
            url, kept = saml.start(provider, request)
    except SignInRefused as refused:
        messages.error(request, refused.message)
        return redirect("accounts:login")
    request.session[STARTED_KEY] = {
        "protocol": provider.protocol,
        "at": time.time(),
        "next": _next(request),
        **kept,
    }
    return redirect(url)


def _take(request: HttpRequest, protocol: str) -> dict[str, Any]:
    kept = request.session.pop(STARTED_KEY, None)
    if (
        not isinstance(kept, dict)
        or kept.get("protocol") != protocol
        or time.time() - kept.get("at", 0) > STARTED_FOR
    ):
        return {}
    return kept


def _sign_in(
    request: HttpRequest, provider: IdentityProvider, identity: Any, kept: dict
) -> HttpResponse:
    try:
        user = user_for_sign_in(provider=provider, email=identity.email, name=identity.name)
    except SignInRefused as refused:
        messages.error(request, refused.message)
        return redirect("accounts:login")
    login(request, user, backend=BACKEND)
    # The provider's sign-in is the account's chosen authority, its own factors included.
    request.session[VERIFIED_KEY] = True
    return redirect(kept.get("next") or home_url_for(user))


def _refused(request: HttpRequest, refused: SignInRefused) -> HttpResponse:
    messages.error(request, refused.message)
    return redirect("accounts:login")


@never_cache
@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    provider = _provider(request, IdentityProvider.Protocol.OIDC)
    kept = _take(request, IdentityProvider.Protocol.OIDC)
    try:
        identity = oidc.finish(provider, oidc_redirect_uri(request), kept, request.GET.dict())
    except SignInRefused as refused:
        return _refused(request, refused)
    return _sign_in(request, provider, identity, kept)


@csrf_exempt  # posted by the identity provider's page; the XML signature authenticates it
@refuse_nul
@never_cache
@require_POST
def saml_acs(request: HttpRequest) -> HttpResponse:
    provider = _provider(request, IdentityProvider.Protocol.SAML)
    started = request.session.get(STARTED_KEY)
    if not isinstance(started, dict) and not request.POST.get("again"):
        # A cross-site POST carries no SameSite=Lax session cookie: post the same answer
        # once more from our own page, whose POST carries it.
        return render(
            request,
            "accounts/sso_continue.html",
            {"saml_response": request.POST.get("SAMLResponse", "")},
        )
    kept = _take(request, IdentityProvider.Protocol.SAML)
    try:
        identity = saml.finish(provider, request, kept)
    except SignInRefused as refused:
        return _refused(request, refused)
    return _sign_in(request, provider, identity, kept)


@require_GET
def saml_metadata(request: HttpRequest) -> HttpResponse:
    """Our service provider's metadata, for the identity provider's admin to import."""
    provider = provider_of(request.account)  # type: ignore[attr-defined]  # TenantMiddleware
    if provider is None or provider.protocol != IdentityProvider.Protocol.SAML:
        raise Http404
    return HttpResponse(saml.metadata(provider, request), content_type="application/xml")
