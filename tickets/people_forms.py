"""Forms of the admins' people pages: the users list's filters, a profile, an invitation."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import TIME_ZONE_CHOICES, Account, User
from accounts.roles import display_name, roles_for_account
from accounts.selectors import organizations_for_account
from tickets.choice_fields import AccountChoiceField
from tickets.forms import AccountForm


def _organization_field(account: Account) -> forms.ModelChoiceField:
    return AccountChoiceField(
        organizations_for_account(account=account),
        to_field_name="number",
        required=False,
        label=_("Organization"),
        empty_label="—",
    )


class _RoleChoiceField(AccountChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


def _agent_role_field(account: Account) -> forms.ModelChoiceField:
    """An agent's custom role (issue 21); empty: a plain Agent. Ignored for others.
    The empty choice says "no role" and what that is (Settings → Roles says it too): it
    read "Agent", the Role field's own choice, and under an admin's or end user's Role
    seemed to make them an agent."""
    return _RoleChoiceField(
        roles_for_account(account=account),
        to_field_name="number",
        required=False,
        label=_("Agent role"),
        empty_label=_("No role (plain Agent)"),
        help_text=_("For agents only: what they may do (Settings → Roles)."),
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *User.Role.choices]
    )
    tag = forms.CharField(label=_("Tag"), max_length=100, required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in ("q", "role", "tag")}


class UserProfileForm(AccountForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Primary email"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
    locale = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", "—"), *settings.LANGUAGES]
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), required=False, choices=[("", "—"), *TIME_ZONE_CHOICES]
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=1000,
        required=False,
        help_text=_("Words separated by spaces."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.fields["organization"] = _organization_field(account)
        if self.initial.get("role") == User.Role.AGENT:
            # A custom role is an agent's alone: an end user's or an admin's page would
            # otherwise show "Agent role: Agent" (the empty choice) for someone who is not.
            self.fields["agent_role"] = _agent_role_field(account)
        self.order_fields(["name", "email", "phone", "organization", "role", "agent_role"])

    @classmethod
    def initial_for(cls, user: User) -> dict:
        return {
            "name": user.name,
            "email": user.email,
            "phone": user.phone,
            "organization": user.organization,
            "role": user.role,
            "agent_role": user.agent_role_id and user.agent_role,
            "locale": user.locale,
            "time_zone": user.time_zone,
            "tags": user.tags,
            "notes": user.notes,
        }


class UserEmailForm(forms.Form):
    """Add an address, or act on one of the user's other addresses."""

    action = forms.ChoiceField(
        choices=[("add", "add"), ("remove", "remove"), ("primary", "primary")],
        widget=forms.HiddenInput,
        initial="add",
    )
    email = forms.EmailField(label=_("Add an email"), max_length=254)


class MembershipForm(forms.Form):
    """Add the user to an organization (by its number), or act on one membership."""

    action = forms.ChoiceField(
        choices=[("add", "add"), ("remove", "remove"), ("default", "default")],
        widget=forms.HiddenInput,
        initial="add",
    )
    organization = forms.IntegerField(min_value=1, max_value=2**62)


class UserMergeForm(AccountForm):
    into = forms.EmailField(
        label=_("Merge into the user with this email"),
        max_length=254,
        help_text=_(
            "Their tickets, comments and CCs move to that user, who keeps this user's "
            "emails as other emails. This user is then removed. This cannot be undone."
        ),
    )

    def clean_into(self) -> User:
        from accounts.emails import email_owner

        user = email_owner(account=self.account, email=self.cleaned_data["into"])
        if user is None:
            raise forms.ValidationError(_("No user with this email."))
        return user


class UserInviteForm(AccountForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.fields["agent_role"] = _agent_role_field(account)
        self.fields["organization"] = _organization_field(account)


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def query(self) -> str:
        return self.cleaned_data["q"] if self.is_valid() else ""


class OrganizationForm(AccountForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    domains = forms.CharField(
        label=_("Domains"),
        max_length=2000,
        required=False,
        help_text=_("Separated by spaces. People who sign up or write from these domains join it."),
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=1000, required=False, help_text=_("Words separated by spaces.")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    shared_tickets = forms.BooleanField(
        label=_("Shared tickets: members see each other's requests"), required=False
    )
    shared_comments = forms.BooleanField(
        label=_("Shared comments: members can comment on each other's requests"), required=False
    )
    managers = forms.CharField(
        label=_("Organization managers"),
        max_length=4000,
        required=False,
        help_text=_(
            "Emails of end users, separated by spaces. They see the organization's requests."
        ),
    )

    def clean_domains(self) -> list[str]:
        domains = [
            d.lstrip("@").lower() for d in self.cleaned_data["domains"].replace(",", " ").split()
        ]
        bad = [d for d in domains if "." not in d or "@" in d or "/" in d]
        if bad:
            raise forms.ValidationError(
                _("Not a domain: %(domains)s") % {"domains": ", ".join(bad)}
            )
        return domains

    def clean_managers(self) -> list[User]:
        emails = list(
            dict.fromkeys(self.cleaned_data["managers"].replace(",", " ").lower().split())
        )
        found = {
            user.email: user
            for user in User.objects.for_account(self.account).filter(email__in=emails)
        }
        unknown = [email for email in emails if email not in found]
        if unknown:
            raise forms.ValidationError(
                _("No user with this email: %(emails)s") % {"emails": ", ".join(unknown)}
            )
        return [found[email] for email in emails]

    @classmethod
    def initial_for(cls, org) -> dict:
        return {
            "name": org.name,
            "domains": " ".join(sorted(org.domains.values_list("domain", flat=True))),
            "tags": org.tags,
            "notes": org.notes,
            "shared_tickets": org.shared_tickets,
            "shared_comments": org.shared_comments,
            "managers": " ".join(
                sorted(org.members.filter(is_org_manager=True).values_list("email", flat=True))
            ),
        }
