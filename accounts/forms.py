from __future__ import annotations

import logging

from django import forms
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User

logger = logging.getLogger(__name__)


class SignInForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        # Same message whether or not the address exists in this account.
        "invalid_login": _("That email and password don't match. Check them and try again."),
        "inactive": _("That email and password don't match. Check them and try again."),
        "throttled": _(
            "Too many failed sign-ins. Wait 15 minutes, or reset your password, and try again."
        ),
    }

    def clean(self):
        from accounts import signin_throttle

        email = self.cleaned_data.get("username") or ""
        who = {
            "account_id": getattr(getattr(self.request, "account", None), "pk", None),
            "email": email,
        }
        ip = signin_throttle.client_ip(self.request)
        # Checked before the password, so a locked address is no password oracle.
        if email and signin_throttle.is_locked(**who, client_ip=ip):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                signin_throttle.record_failure(**who, client_ip=ip)
            raise
        signin_throttle.record_success(**who)
        return cleaned


class AccountPasswordResetForm(auth_forms.PasswordResetForm):
    """Password reset limited to the request's account."""

    def __init__(self, *args, account: Account, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def get_users(self, email):
        users = User.objects.for_account(self.account).filter(
            email__iexact=email.strip(), is_active=True
        )
        return (u for u in users if u.has_usable_password())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
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
