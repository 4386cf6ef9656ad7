"""A person's own settings page: their language and time zone, for pages and emails."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import TIME_ZONE_CHOICES, Account, User
from accounts.services import user_set_preferences
from helpdesk.form_errors import add_domain_error


class PreferencesForm(forms.Form):
    locale = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locale"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", _("As my browser asks, else the account's")),
            *[(code, name) for code, name in settings.LANGUAGES],
        ]
        self.fields["time_zone"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", _("The account's (%(tz)s)") % {"tz": account.time_zone}),
            *TIME_ZONE_CHOICES,
        ]


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    initial = {"locale": user.locale, "time_zone": user.time_zone}
    form = PreferencesForm(request.POST or None, initial=initial, account=request.account)  # type: ignore[attr-defined]  # TenantMiddleware
    if request.method == "POST" and form.is_valid():
        try:
            user_set_preferences(user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            # Said in the language just chosen: the next page speaks it.
            with translation.override(user.locale or request.LANGUAGE_CODE):
                messages.success(request, _("Your preferences are saved."))
            return redirect("accounts:preferences")
    base = "agent/base.html" if user.is_agent else "portal/base.html"
    status = 400 if form.errors else 200
    return render(
        request, "accounts/preferences.html", {"form": form, "base_template": base}, status=status
    )
