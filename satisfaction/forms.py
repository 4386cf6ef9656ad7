from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SurveySettingsForm(forms.Form):
    days_after_close = forms.IntegerField(
        label=_("Ratings are taken until the request has been closed for (days)"),
        min_value=0,
        max_value=365,
    )
    ask_reason = forms.BooleanField(
        label=_("Ask for a reason when the rating is bad"), required=False
    )


class ReasonForm(forms.Form):
    title = forms.CharField(label=_("Reason"), max_length=200)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
