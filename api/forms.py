"""Forms of the API's admin settings pages (api.settings_views)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from accounts.models import Account, User
from accounts.selectors import agents_for_account
from api.models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=ApiToken.Kind.choices, initial=ApiToken.Kind.API
    )
    user = forms.ModelChoiceField(
        label=gettext_lazy("Acts as"),
        queryset=User.objects.none(),
        to_field_name="number",  # per-account numbers in pages, never primary keys
        required=False,
        empty_label=gettext_lazy("Any user (API token only)"),
        help_text=gettext_lazy(
            "An API token without a user works with the email of any active user, as at "
            "Zendesk. An OAuth access token always acts as one agent."
        ),
    )

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = agents_for_account(account=account)  # type: ignore[attr-defined]  # a ModelChoiceField
