from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ChatSettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("Offer live chat in the help center"), required=False)
    anonymous_allowed = forms.BooleanField(
        label=_("Visitors who are not signed in may chat"),
        required=False,
        help_text=_("They give a name and an email; the chat's ticket is theirs."),
    )
    max_chats_per_agent = forms.IntegerField(
        label=_("Chats an agent may have at once"), min_value=1, max_value=20
    )
    groups = forms.TypedMultipleChoiceField(
        label=_("Groups that take chats"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    schedule = forms.TypedChoiceField(
        label=_("Business hours"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Outside these hours the help center offers a form to leave a message."),
    )

    def __init__(self, *args, groups=(), schedules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(g.number, g.name) for g in groups]
        self.fields["schedule"].choices = [("", _("The account's default business hours"))] + [
            (s.number, s.name) for s in schedules
        ]
