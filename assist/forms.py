from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assist.models import Provider


class AssistSettingsForm(forms.Form):
    provider = forms.ChoiceField(label=_("Provider"), choices=Provider.choices)
    base_url = forms.URLField(
        label=_("Base URL"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("The server's OpenAI-compatible address, e.g. http://llm.internal:8080/v1."),
    )
    model = forms.CharField(label=_("Model"), required=False, max_length=100)
    api_key = forms.CharField(
        label=_("API key"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current key."),
    )
    remove_key = forms.BooleanField(label=_("Remove the stored key"), required=False)
    monthly_budget = forms.IntegerField(
        label=_("Requests per month"),
        min_value=0,
        max_value=1_000_000,
        help_text=_("Requests to the AI server this account may make each month."),
    )
    send_internal_notes = forms.BooleanField(
        label=_("Send internal notes to the AI server"),
        required=False,
        help_text=_("Off: only public comments leave the helpdesk."),
    )
