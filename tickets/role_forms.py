"""Settings › Roles (issue 21): an agent role's name and permission set."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.role_models import AgentRole
from accounts.roles import PERMISSION_FIELDS, display_name


class AgentRoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    ticket_access = forms.ChoiceField(
        label=_("Which tickets they see"),
        choices=AgentRole.TicketAccess.choices,
        widget=forms.RadioSelect,
        initial=AgentRole.TicketAccess.ALL,
    )

    def __init__(self, *args, role: AgentRole | None = None, **kwargs):
        if role is not None:
            kwargs["initial"] = {
                "name": display_name(role),
                "description": role.description,
                **{name: getattr(role, name) for name in PERMISSION_FIELDS},
            }
        super().__init__(*args, **kwargs)
        for name in PERMISSION_FIELDS[1:]:
            self.fields[name] = forms.BooleanField(
                label=AgentRole._meta.get_field(name).verbose_name,  # type: ignore[union-attr]
                required=False,
                initial=kwargs.get("initial", {}).get(name, True),
                help_text=(
                    _("Off: a light agent, who adds internal notes only and is never assigned.")
                    if name == "public_replies"
                    else ""
                ),
            )
