from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TimeLogForm(forms.Form):
    duration = forms.CharField(
        label=_("Time worked"),
        max_length=20,
        help_text=_("For example 1h 30m, 45m or 1:30."),
        widget=forms.TextInput(attrs={"placeholder": "1h 30m", "size": 8}),
    )


REPORT_DAYS = (7, 30, 90, 365)
