"""Passkeys through the pages: added and removed on one's own security page, used as the
second step after the password, or to sign in without one. The ceremonies' rules live in
accounts.passkeys; static/js/passkeys.js talks to the browser.

Each ceremony is two POSTs: one for the options (the challenge, kept in this session for
CHALLENGE_FOR seconds, one at a time per purpose), one with the browser's answer, which
spends the challenge whatever the outcome."""

from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import passkeys, signin_throttle
from accounts.identity_middleware import VERIFIED_KEY
from accounts.models import User
from accounts.signin_verify import code_attempt, pending_user, signin_complete
from accounts.sso.services import password_signin_refused
from accounts.views import home_url_for
from helpdesk.client_address import client_network
from helpdesk.form_errors import add_domain_error, flash_domain_error

CHALLENGE_KEY = "_sportello_passkey"
CHALLENGE_FOR = 300
BACKEND = "accounts.backends.AccountEmailBackend"


class PasskeyAddForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of this passkey"),
        max_length=100,
        initial=gettext_lazy("My passkey"),
        help_text=gettext_lazy("So you can tell your passkeys apart, such as “Laptop”."),
    )
    credential = forms.CharField(widget=forms.HiddenInput, required=False)


class PasskeyRemoveForm(forms.Form):
    passkey = forms.CharField(max_length=1400)
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def relying_party(request: HttpRequest) -> passkeys.RelyingParty:
    return passkeys.RelyingParty(
        account=request.account,  # type: ignore[attr-defined]  # TenantMiddleware
        origin=f"{request.scheme}://{request.get_host()}",
    )


def _keep(request: HttpRequest, purpose: str, challenge: str) -> None:
    request.session[CHALLENGE_KEY] = {"purpose": purpose, "challenge": challenge, "at": time.time()}


def _take(request: HttpRequest, purpose: str) -> str:
    """The challenge given for ``purpose``, spent now; "" when none is waiting."""
    kept = request.session.pop(CHALLENGE_KEY, None)
    if (
        not isinstance(kept, dict)
        or kept.get("purpose") != purpose
        or time.time() - kept.get("at", 0) > CHALLENGE_FOR
    ):
        return ""
    return str(kept.get("challenge", ""))


def _options(request: HttpRequest, purpose: str, options: str, challenge: str) -> HttpResponse:
    _keep(request, purpose, challenge)
    return HttpResponse(options, content_type="application/json")


# --- One's own passkeys ----------------------------------------------------------------


@never_cache
@login_required
@require_POST
def register_options(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    options, challenge = passkeys.registration_begin(user=user, rp=relying_party(request))
    return _options(request, "register", options, challenge)


@never_cache
@login_required
def passkey_add(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    form = PasskeyAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passkeys.passkey_register(
                user=user,
                rp=relying_party(request),
                name=form.cleaned_data["name"],
                response=form.cleaned_data["credential"],
                challenge=_take(request, "register"),
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            # Set up in this session: the account's requirement is met from here on.
            request.session[VERIFIED_KEY] = True
            messages.success(request, _("Passkey added."))
            return redirect("accounts:security")
    base = "agent/base.html" if user.is_agent else "portal/base.html"
    return render(
        request,
        "accounts/passkey_add.html",
        {"form": form, "base_template": base},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def passkey_remove(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    form = PasskeyRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type your password to remove a passkey."))
        return redirect("accounts:security")
    try:
        passkeys.passkey_remove(
            user=user,
            credential_id=form.cleaned_data["passkey"],
            password=form.cleaned_data["password"],
        )
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("Passkey removed."))
    return redirect("accounts:security")


# --- Sign-in -----------------------------------------------------------------------------


@never_cache
@require_POST
def verify_options(request: HttpRequest) -> HttpResponse:
    """The second step's options: the half-way signed-in user's passkeys."""
    user, _pending = pending_user(request)
    if user is None:
        return redirect("accounts:login")
    options, challenge = passkeys.authentication_begin(rp=relying_party(request), user=user)
    return _options(request, "verify", options, challenge)


@never_cache
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    """The second step answered with a passkey instead of a code."""
    user, pending = pending_user(request)
    if user is None:
        messages.error(request, _("Sign in again: the code was not given in time."))
        return redirect("accounts:login")
    attempt = code_attempt(request, user)
    challenge = _take(request, "verify")
    if signin_throttle.lockout_for(attempt) is None and challenge:
        signed = passkeys.passkey_verify(
            rp=relying_party(request),
            response=request.POST.get("credential", ""),
            challenge=challenge,
            user=user,
        )
        if signed is not None:
            signin_throttle.record_success(attempt)
            return signin_complete(request, signed, pending)
    signin_throttle.record_failure(attempt)
    messages.error(request, _("That passkey did not sign you in. Try again."))
    return redirect("accounts:login_verify")


@never_cache
@require_POST
def signin_options(request: HttpRequest) -> HttpResponse:
    """Signing in with a passkey alone: any passkey of this account's host."""
    options, challenge = passkeys.authentication_begin(rp=relying_party(request), user=None)
    return _options(request, "signin", options, challenge)


@never_cache
@require_POST
def signin(request: HttpRequest) -> HttpResponse:
    """A passkey verified by its authenticator (PIN, fingerprint) is two factors in one:
    something held and something known or been; the session counts as verified."""
    attempt = signin_throttle.Attempt.of(
        account_id=request.account.pk,  # type: ignore[attr-defined]  # TenantMiddleware
        email="passkey-signin",
        client=client_network(request),
    )
    challenge = _take(request, "signin")
    user = None
    if signin_throttle.lockout_for(attempt) is None and challenge:
        user = passkeys.passkey_verify(
            rp=relying_party(request),
            response=request.POST.get("credential", ""),
            challenge=challenge,
            user=None,
        )
    if user is None:
        signin_throttle.record_failure(attempt)
        messages.error(request, _("That passkey did not sign you in. Try again."))
        return redirect("accounts:login")
    if password_signin_refused(user):
        messages.error(request, _("Agents of this helpdesk sign in with single sign-on."))
        return redirect("accounts:login")
    login(request, user, backend=BACKEND)
    request.session[VERIFIED_KEY] = True
    return redirect(home_url_for(user))
