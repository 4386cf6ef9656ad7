"""Forms of the admin settings: the account's ticket settings, the team, and groups."""

from __future__ import annotations

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User
from accounts.selectors import agents_for_account, groups_for_account
from accounts.services import ACCOUNT_SETTINGS_FIELDS
from tickets.choice_fields import agent_field, group_field
from tickets.forms import AccountForm

TEAM_ROLES = [(User.Role.AGENT, User.Role.AGENT.label), (User.Role.ADMIN, User.Role.ADMIN.label)]


class AccountSettingsForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = ACCOUNT_SETTINGS_FIELDS
        widgets = {
            "brand_color": forms.TextInput(attrs={"type": "color"}),
            "default_reply_type": forms.RadioSelect,
        }

    def __init__(self, *args, account: Account, **kwargs):
        # Validate a copy: a rejected value must never reach the request's account, whose
        # brand colour is written into every page's stylesheet.
        super().__init__(*args, instance=copy.copy(account), **kwargs)  # type: ignore[misc]  # instance is the account's copy

    def settings(self) -> dict:
        return {name: self.cleaned_data[name] for name in ACCOUNT_SETTINGS_FIELDS}


class AgentAddForm(AccountForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=TEAM_ROLES,
    )

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.fields["groups"] = forms.ModelMultipleChoiceField(
            groups_for_account(account=account),
            to_field_name="number",
            required=False,
            label=_("Groups"),
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["default_group"] = group_field(account, label=_("Default group"))
        self.fields["default_group"].help_text = _(
            "A ticket assigned to them without a group goes to this group."
        )


class AgentDeactivateForm(AccountForm):
    """Who takes the leaving agent's open tickets: another agent, or a group."""

    def __init__(self, *args, account: Account, leaving: User, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        to_agent = agent_field(account, label=_("Reassign to an agent"))
        to_agent.queryset = agents_for_account(account=account).exclude(pk=leaving.pk)
        self.fields["to_agent"] = to_agent
        self.fields["to_group"] = group_field(account, label=_("or to a group (unassigned)"))

    def clean(self):
        data = super().clean()
        if data.get("to_agent") and data.get("to_group"):
            raise forms.ValidationError(_("Choose an agent or a group, not both."))
        return data


class AgentRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=TEAM_ROLES,
    )


class GroupCreateForm(AccountForm):
    name = forms.CharField(label=_("Group name"), max_length=120)


class GroupAddAgentForm(AccountForm):
    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.fields["agent"] = agent_field(account, label=_("Agent"))
        self.fields["agent"].required = True


class RetentionForm(forms.Form):
    closed_ticket_months = forms.IntegerField(
        label=_("Delete closed tickets after (months)"),
        required=False,
        min_value=1,
        max_value=1200,
        help_text=_("Counted from the ticket's last activity. Empty: keep them for ever."),
    )
    attachment_months = forms.IntegerField(
        label=_("Delete attachments after (months)"),
        required=False,
        min_value=1,
        max_value=1200,
        help_text=_("Counted from the upload; the comment stays. Empty: keep them for ever."),
    )
