from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User


class SignInForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        # Same message whether or not the address exists in this account.
        "invalid_login": _("That email and password don't match. Check them and try again."),
        "inactive": _("That email and password don't match. Check them and try again."),
    }


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

        from accounts.tasks import email_send_after_commit

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_send_after_commit(subject=subject, body=body, to=[to_email])
