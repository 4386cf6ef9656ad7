from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import TicketCall


class CallForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Scheduled time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    meeting_url = forms.CharField(
        label=_("Meeting link"),
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    status = forms.ChoiceField(label=_("Call status"), choices=TicketCall.Status.choices)


class CallLogForm(forms.Form):
    body = forms.CharField(
        label=_("What was said"), max_length=65_536, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label=_("Call status"),
        choices=[(TicketCall.Status.HELD, _("Held")), (TicketCall.Status.MISSED, _("Missed"))],
    )
    public = forms.BooleanField(label=_("Public reply (the requester sees it)"), required=False)
