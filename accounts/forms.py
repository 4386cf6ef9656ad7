from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts import signin_throttle
from accounts.models import Account, User
from helpdesk import metrics
from helpdesk.client_address import client_network

logger = logging.getLogger(__name__)


class ThrottledSignInMixin:
    """Sign-in throttling (``accounts/signin_throttle.py``) around an AuthenticationForm:
    the account's users' sign-in page and the operators' admin on the base domain."""

    throttled_messages = {
        "address": _(
            "Too many failed sign-ins for this address. Try again after %(time)s, "
            "or reset your password."
        ),
        "client": _("Too many failed sign-ins from this network. Try again after %(time)s."),
    }
    # The AuthenticationForm's, which this is mixed into.
    cleaned_data: dict[str, Any]
    request: HttpRequest | None

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username") or ""
        if not email:
            return super().clean()  # type: ignore[misc,no-any-return]  # the AuthenticationForm's
        attempt = signin_throttle.Attempt.of(
            account_id=getattr(getattr(self.request, "account", None), "pk", None),
            email=email,
            client=client_network(self.request),
        )
        # Checked before the password, so a locked address is no password oracle.
        lockout = signin_throttle.lockout_for(attempt)
        if lockout is not None:
            metrics.SIGNIN_LOCKOUTS.labels(reason=lockout.reason).inc()
            raise forms.ValidationError(
                self.throttled_messages[lockout.reason],
                code="throttled",
                params={"time": _minute_after(lockout.until)},
            )
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]  # the AuthenticationForm's
        except forms.ValidationError:
            signin_throttle.record_failure(attempt)
            metrics.SIGNIN_FAILURES.labels(
                site="accounts" if getattr(self.request, "account", None) else "operators"
            ).inc()
            raise
        signin_throttle.record_success(attempt)
        return cleaned


class SignInForm(ThrottledSignInMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        # Same message whether or not the address exists in this account.
        "invalid_login": _("That email and password don't match. Check them and try again."),
        "inactive": _("That email and password don't match. Check them and try again."),
    }


class OperatorSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    """The operators' admin sign-in, throttled as the accounts' own."""


def _minute_after(moment: dt.datetime) -> str:
    """ "11:05" for 11:04:10, in the request's time zone: trying at the minute shown works."""
    moment = timezone.localtime(moment).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return date_format(moment, "H:i")


class AccountPasswordResetForm(auth_forms.PasswordResetForm):
    """Password reset limited to the request's account."""

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        self.account = account
        super().__init__(*args, **kwargs)

    def get_users(self, email: str) -> Iterator[User]:
        users = User.objects.for_account(self.account).filter(
            email__iexact=email.strip(), is_active=True
        )
        return (u for u in users if u.has_usable_password())

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.template import loader

        from accounts.signals import account_email

        user = context["user"]
        # In the recipient's language, not that of whoever asked for the reset.
        with translation.override(user.effective_locale):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        with transaction.atomic():  # the outbox row, and its send after commit
            queued = account_email.send(
                sender=type(self),
                account=self.account,
                user=user,
                kind="password_reset",
                subject=subject,
                body_text=body,
                body_html="",
            )
        if not queued:
            logger.error("No receiver queued the password-reset email: is notifications installed?")
