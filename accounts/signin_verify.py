"""Sign-in's second step: after the password, a code from the authenticator app or a
recovery code. Until then the session holds only who is half-way signed in (for
PENDING_FOR), not a signed-in user. Wrong codes are throttled as passwords are
(``accounts.signin_throttle``), under a key of their own: a right password must not
reset the budget of codes guessed for the same person."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import signin_throttle
from accounts.forms import ThrottledSignInMixin, _minute_after
from accounts.identity_middleware import VERIFIED_KEY
from accounts.models import User
from accounts.passkeys import has_passkey
from accounts.two_factor import has_totp, second_factor_verify
from helpdesk import metrics
from helpdesk.client_address import client_network

PENDING_KEY = "_sportello_2fa_pending"
PENDING_FOR = 300  # seconds from the right password to the code


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "text"}
        ),
    )


def second_factor_pending(request: HttpRequest, user: User, *, backend: str, next_url: str) -> None:
    """The password was right and the user has a second factor: remember who, briefly."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": time.time(),
    }


def pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_FOR:
        return None, {}
    if not isinstance(pending.get("user"), int):
        return None, {}
    user = (
        User.objects.for_account(request.account)  # type: ignore[attr-defined]  # TenantMiddleware
        .filter(pk=pending["user"], is_active=True)
        .first()
    )
    return user, pending


def signin_verify(request: HttpRequest) -> HttpResponse:
    user, pending = pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("Sign in again: the code was not given in time."))
        return redirect("accounts:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt = code_attempt(request, user)
        lockout = signin_throttle.lockout_for(attempt)
        if lockout is not None:
            metrics.SIGNIN_LOCKOUTS.labels(reason=lockout.reason).inc()
            form.add_error(
                None,
                ThrottledSignInMixin.throttled_messages[lockout.reason]
                % {"time": _minute_after(lockout.until)},
            )
        elif second_factor_verify(user=user, code=form.cleaned_data["code"]):
            signin_throttle.record_success(attempt)
            return signin_complete(request, user, pending)
        else:
            signin_throttle.record_failure(attempt)
            form.add_error("code", _("That code is not right, or was already used."))
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/signin_verify.html",
        {"form": form, "has_totp": has_totp(user), "has_passkey": has_passkey(user)},
        status=status,
    )


def code_attempt(request: HttpRequest, user: User) -> signin_throttle.Attempt:
    """Second factors (codes and passkeys alike) are throttled per user and network."""
    return signin_throttle.Attempt.of(
        account_id=user.account_id,
        email=f"second-factor:{user.pk}",
        client=client_network(request),
    )


def signin_complete(request: HttpRequest, user: User, pending: dict[str, Any]) -> HttpResponse:
    """The second factor was right: the half-way sign-in becomes a signed-in session."""
    del request.session[PENDING_KEY]
    login(request, user, backend=pending["backend"])
    request.session[VERIFIED_KEY] = True
    return redirect(pending["next"])
