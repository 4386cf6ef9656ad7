from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from closing.models import CloseReason
from customfields.models import TicketFieldOption


class ReasonForm(forms.Form):
    title = forms.CharField(label=_("Reason"), max_length=200)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ExplainCloseForm(forms.Form):
    reason = forms.TypedChoiceField(label=_("Close reason"), coerce=int)
    root_cause = forms.ChoiceField(label=_("Root cause"))
    explanation = forms.CharField(
        label=_("Explanation for the requester"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=65_536,
    )

    def __init__(
        self,
        *args,
        reasons: list[CloseReason],
        causes: list[TicketFieldOption],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.reasons = {r.number: r for r in reasons}
        reason, cause = self.fields["reason"], self.fields["root_cause"]
        assert isinstance(reason, forms.ChoiceField) and isinstance(cause, forms.ChoiceField)
        reason.choices = [("", "—")] + [(r.number, r.title) for r in reasons]
        cause.choices = [("", "—")] + [(o.value, o.label) for o in causes]

    def clean_reason(self) -> CloseReason:
        return self.reasons[self.cleaned_data["reason"]]
