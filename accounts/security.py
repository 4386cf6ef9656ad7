"""A person's own sign-in and security page: two-factor sign-in, their sessions, their
password. The rules live in accounts.two_factor and accounts.user_sessions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import two_factor
from accounts.identity_middleware import VERIFIED_KEY, two_factor_missing
from accounts.models import User
from accounts.passkeys import passkeys_of
from accounts.user_sessions import (
    session_rekeyed,
    session_revoke,
    sessions_end_others,
    sessions_of,
)
from helpdesk.form_errors import add_domain_error, flash_domain_error


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


SETUP_KEY = "_sportello_2fa_setup"


def session_token(session_key: str) -> str:
    """How a page names a session: a keyed digest, never the key nor a row's id."""
    return salted_hmac("sportello.session", session_key, algorithm="sha256").hexdigest()[:20]


def _base(user: User) -> str:
    return "agent/base.html" if user.is_agent else "portal/base.html"


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    return render(request, template, {"base_template": _base(user), **context}, status=status)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    current = request.session.session_key
    sessions = [
        {"row": row, "token": session_token(row.session_key), "current": row.session_key == current}
        for row in sessions_of(user)
    ]
    enabled = two_factor.has_totp(user)
    return _page(
        request,
        "accounts/security.html",
        {
            "two_factor_on": enabled,
            "recovery_left": two_factor.recovery_codes_left(user) if enabled else 0,
            "required": two_factor_missing(request),
            "sessions": sessions,
            "disable_form": PasswordConfirmForm(),
            "passkeys": passkeys_of(user),
            "password_form": PasswordChangeForm(user),
        },
    )


@never_cache  # the secret and, after it, the recovery codes: never kept by a cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """GET: a new secret as a QR code and a key to type; POST: the code that confirms it."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    if two_factor.has_totp(user):
        return redirect("accounts:security")
    # The secret waits in the session until a code confirms it: a GET stores nothing.
    secret: str = request.session.get(SETUP_KEY) or ""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and not secret:
        form.add_error(None, _("Start the set-up again."))
    elif request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.totp_enable(user=user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            del request.session[SETUP_KEY]
            request.session[VERIFIED_KEY] = True
            messages.success(request, _("Two-factor sign-in is on."))
            return _page(request, "accounts/recovery_codes.html", {"codes": codes})
    if not secret:
        secret = request.session[SETUP_KEY] = two_factor.new_secret()
    uri = two_factor.provisioning_uri(secret, user)
    return _page(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr_uri": two_factor.qr_data_uri(uri),
            "required": two_factor_missing(request),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    if not two_factor.has_totp(user):
        return redirect("accounts:security")
    codes = two_factor.recovery_codes_regenerate(user=user)
    return _page(request, "accounts/recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    form = PasswordConfirmForm(request.POST)
    if form.is_valid():
        try:
            two_factor.totp_disable(user=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            flash_domain_error(request, exc)
        else:
            request.session.pop(VERIFIED_KEY, None)
            messages.success(request, _("Two-factor sign-in is off."))
    else:
        messages.error(request, _("Type your password to turn two-factor sign-in off."))
    return redirect("accounts:security")


@login_required
@require_POST
def session_end(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    token = request.POST.get("session", "")
    for row in sessions_of(user):
        if session_token(row.session_key) == token:
            session_revoke(user=user, session_id=row.pk)
            messages.success(request, _("That session is signed out."))
            break
    else:
        messages.error(request, _("That session has already ended."))
    return redirect("accounts:security")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        # This session stays signed in (under a new key); every other one ends.
        old_key = request.session.session_key
        ended = sessions_end_others(user=user, keep_session_key=old_key)
        update_session_auth_hash(request, user)
        session_rekeyed(user=user, old_key=old_key, new_key=request.session.session_key)
        messages.success(
            request,
            _("Your password is changed. Other sessions signed out: %(n)s.") % {"n": ended},
        )
        return redirect("accounts:security")
    return _page(
        request,
        "accounts/password_change.html",
        {"password_form": form},
        status=400 if form.errors else 200,
    )
