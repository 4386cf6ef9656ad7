from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, AgentGroup
from escalations.services import DESCRIPTION_LIMIT, STAGE_NAME_LIMIT


class EscalateForm(forms.Form):
    group = forms.TypedChoiceField(label=_("Escalate to group"), coerce=int, required=False)
    description = forms.CharField(
        label=_("Description (internal)"),
        max_length=DESCRIPTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by agents only; the requester sees the stage and the date."),
    )
    estimated_resolution = forms.DateField(
        label=_("Estimated resolution"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, account: Account, groups=None, **kwargs):
        """``groups``: the account's groups by name, when the page has read them already."""
        super().__init__(*args, **kwargs)
        if groups is None:
            groups = AgentGroup.objects.for_account(account).order_by("name")
        self.fields["group"].choices = [("", "—"), *((g.number, g.name) for g in groups)]  # type: ignore[attr-defined]  # a ChoiceField
        self.account = account

    def clean_group(self):
        value = self.cleaned_data.get("group")
        if value in (None, ""):
            return None
        group = AgentGroup.objects.for_account(self.account).filter(number=value).first()
        if group is None:
            raise forms.ValidationError(_("Choose one of the groups listed."))
        return group


class StageForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)
    estimated_resolution = forms.DateField(
        label=_("Estimated resolution"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.stages = {s.number: s for s in stages}
        self.fields["stage"].choices = [(s.number, s.label) for s in stages]


class StageNameForm(forms.Form):
    name = forms.CharField(label=_("Stage name"), max_length=STAGE_NAME_LIMIT)
