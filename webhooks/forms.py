"""The settings page's webhook form: it parses; webhooks.services validates the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.models import Webhook


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    endpoint = forms.CharField(
        label=_("Endpoint URL"),
        max_length=2000,
        help_text=_("An https:// address; private network addresses are refused."),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    http_method = forms.ChoiceField(
        label=_("Request method"), choices=Webhook.Method.choices, initial="POST"
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    auth_type = forms.ChoiceField(
        label=_("Authentication"), choices=Webhook.Auth.choices, required=False
    )
    auth_name = forms.CharField(
        label=_("User name or header name"),
        max_length=200,
        required=False,
        help_text=_("Basic authentication's user name, or the API key's header."),
    )
    auth_secret = forms.CharField(
        label=_("Password, token or key"),
        max_length=500,
        required=False,
        help_text=_("Never shown again; leave empty to keep the one saved."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    @classmethod
    def for_webhook(cls, webhook: Webhook) -> WebhookForm:
        return cls(
            initial={
                "name": webhook.name,
                "description": webhook.description,
                "endpoint": webhook.endpoint,
                "http_method": webhook.http_method,
                "active": webhook.is_active,
                "auth_type": webhook.auth_type,
                "auth_name": webhook.auth_name,
            }
        )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "endpoint": data["endpoint"],
            "http_method": data["http_method"],
            "status": Webhook.Status.ACTIVE if data["active"] else Webhook.Status.INACTIVE,
            "auth_type": data["auth_type"],
            "auth_name": data["auth_name"],
            "auth_secret": data["auth_secret"],
        }
