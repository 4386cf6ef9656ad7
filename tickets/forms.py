"""Forms of the agent workspace. They parse and validate input; the rules themselves
live in tickets.services and accounts.services, whose errors come back as form errors."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, User, UserManager
from accounts.selectors import agents_for_account, groups_for_account, organizations_for_account
from tickets import attachments as attachment_rules
from tickets.bulk_fields import BulkFieldChoice
from tickets.choice_fields import AccountChoiceField, agent_field, group_field
from tickets.labels import FIELD_LABELS
from tickets.models import Channel, Ticket
from tickets.status_forms import CustomStatusField, status_change, status_value

BLANK = [("", "—")]
SUBMIT_STATUSES = (
    Ticket.Status.NEW,
    Ticket.Status.OPEN,
    Ticket.Status.PENDING,
    Ticket.Status.SOLVED,
)
REPLY_STATUSES = (Ticket.Status.OPEN, Ticket.Status.PENDING, Ticket.Status.SOLVED)
NEW_TICKET_CHANNELS = (Channel.WEB, Channel.PHONE, Channel.MEETING)


def parse_emails(value: str) -> list[str]:
    """Comma, semicolon or space separated addresses, normalised and de-duplicated."""
    emails = []
    for part in re.split(r"[,;\s]+", value or ""):
        email = UserManager.normalize_email(part)
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("“%(email)s” is not an email address."), params={"email": part}
            ) from None
        if email not in emails:
            emails.append(email)
    return emails


# The ticket's own fields, alike on the new-ticket form and the ticket page's sidebar.
def type_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=FIELD_LABELS["type"],
        required=False,
        choices=BLANK + Ticket.Type.choices,  # type: ignore[operator]  # lazy labels
    )


def priority_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=FIELD_LABELS["priority"],
        required=False,
        choices=BLANK + Ticket.Priority.choices,  # type: ignore[operator]  # lazy labels
    )


def tags_field() -> forms.CharField:
    return forms.CharField(label=FIELD_LABELS["tags"], required=False, max_length=1000)


def due_date_field() -> forms.DateField:
    return forms.DateField(
        label=FIELD_LABELS["due_at"], required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def due_date_to_datetime(value: dt.date | None, account: Account) -> dt.datetime | None:
    # A due date means the end of that working day where the account works.
    if value is None:
        return None
    return dt.datetime.combine(value, dt.time(17, 0), tzinfo=zoneinfo.ZoneInfo(account.time_zone))


def due_datetime_to_date(value: dt.datetime | None, account: Account) -> dt.date | None:
    if value is None:
        return None
    return value.astimezone(zoneinfo.ZoneInfo(account.time_zone)).date()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (agent and help-center forms); count, size and type
    are the attachment rules' to check, in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AccountForm(forms.Form):
    """A form that knows the request's account (choices and rules depend on it)."""

    def __init__(self, *args, account: Account, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        # The same check the service makes, run here so the error sits on this field.
        attachment_rules.validate_uploads(account=self.account, files=files)
        return files

    def clean_ccs(self):
        return parse_emails(self.cleaned_data.get("ccs", ""))


class CCField(forms.CharField):
    """Email addresses, with a type-ahead of the account's people (end users and agents)
    for the address being typed; without JavaScript it is a plain text field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "autocomplete": "off",
                "data-typeahead-input": "",
                "hx-get": reverse_lazy("tickets:cc_search"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "next .typeahead",
                "hx-sync": "this:replace",
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
            }
        )


class RequesterField(forms.CharField):
    """The requester type-ahead's value (templates/jinja2/agent/_requester_field.html): the email
    of the user picked from the results, or an address typed. The same field and checks
    on the new-ticket form and on the ticket page."""

    default_error_messages = {
        "invalid": _("Pick a requester from the search results, or type their email address."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", FIELD_LABELS["requester"])
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault(
            "help_text", _("Search by name, email, email domain, phone or organization.")
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        value = super().to_python(value)
        if not value:
            return ""
        email = UserManager.normalize_email(value)
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return email


class CommentTypeField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=Account.ReplyType.choices,
            widget=forms.RadioSelect,
            label=_("Comment type"),
            **kwargs,
        )


def default_comment_type(account: Account, *, creating: bool) -> str:
    """The new-ticket form starts on "Internal note" when private creation is on (a
    private ticket is then one click away); otherwise the account's default applies."""
    if creating and account.private_tickets_enabled:
        return Account.ReplyType.INTERNAL
    return account.default_reply_type


class TicketCreateForm(AccountForm):
    requester = RequesterField(required=False)
    requester_name = forms.CharField(
        label=_("Name, if the requester is a new user"),
        required=False,
        max_length=150,
    )
    ccs = CCField(label=_("CC"), help_text=_("Email addresses, separated by commas."))
    subject = forms.CharField(label=FIELD_LABELS["subject"], max_length=255)
    comment_type = CommentTypeField()
    body = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    type = type_field()
    priority = priority_field()
    tags = tags_field()
    due_date = due_date_field()
    attachments = MultipleFileField(label=_("Attachments"))
    status = forms.ChoiceField(
        required=False, choices=[(s, Ticket.Status(s).label) for s in SUBMIT_STATUSES]
    )
    # How the request came in (seeds 000, 004): a phone call or a meeting is logged by an
    # agent, and such a ticket carries its scheduled call (the calls app).
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        initial=Channel.WEB,
        choices=[(c, Channel(c).label) for c in NEW_TICKET_CHANNELS],
    )

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.fields["group"] = group_field(account, label=FIELD_LABELS["group"])
        self.fields["assignee"] = agent_field(account, label=FIELD_LABELS["assignee"])
        self.fields["ccs"].widget.attrs["placeholder"] = _("Name or email, …")
        self.fields["tags"].widget.attrs["placeholder"] = _("billing vip")
        if not self.is_bound:
            self.initial.setdefault("comment_type", default_comment_type(account, creating=True))

    @property
    def due_at(self) -> dt.datetime | None:
        return due_date_to_datetime(self.cleaned_data.get("due_date"), self.account)

    @property
    def public(self) -> bool:
        return self.cleaned_data["comment_type"] == Account.ReplyType.PUBLIC


class InlineUserForm(AccountForm):
    """ "+ Add user" at the bottom of the requester search: just a name and an email."""

    prefix = "new_user"
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)


class UserCreateForm(AccountForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.fields["organization"] = AccountChoiceField(
            organizations_for_account(account=account),
            to_field_name="number",
            required=False,
            label=_("Organization"),
            empty_label=_("— from the email domain, if any —"),
        )


class ReplyForm(AccountForm):
    comment_type = CommentTypeField()
    body = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    ccs = CCField(
        label=_("CC"),
        help_text=_("Add people to the conversation: email addresses, separated by commas."),
    )
    attachments = MultipleFileField(label=_("Attachments"))
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("Unchanged"))] + [(s, Ticket.Status(s).label) for s in REPLY_STATUSES],
    )

    def __init__(
        self,
        *args,
        account: Account,
        ticket: Ticket | None = None,
        may_solve: bool = True,
        public_replies: bool = True,
        **kwargs,
    ):
        super().__init__(*args, account=account, **kwargs)
        # The agent's role (accounts.roles): Solved and public replies only when it may.
        if not may_solve:
            status = self.fields["status"]
            assert isinstance(status, forms.ChoiceField)
            status.choices = [("", _("Unchanged"))] + [
                (s, Ticket.Status(s).label) for s in REPLY_STATUSES if s != Ticket.Status.SOLVED
            ]
        if not public_replies:
            comment_type = self.fields["comment_type"]
            assert isinstance(comment_type, forms.ChoiceField)
            comment_type.choices = [
                c for c in Account.ReplyType.choices if c[0] == Account.ReplyType.INTERNAL
            ]
            self.initial["comment_type"] = Account.ReplyType.INTERNAL
        if not self.is_bound:
            # On a private ticket every comment is an internal note until an agent
            # deliberately chooses "Public reply", so the box starts there.
            default = (
                Account.ReplyType.INTERNAL
                if ticket is not None and ticket.is_private
                else default_comment_type(account, creating=False)
            )
            self.initial.setdefault("comment_type", default)

    @property
    def public(self) -> bool:
        return self.cleaned_data["comment_type"] == Account.ReplyType.PUBLIC


class TicketFieldsForm(AccountForm):
    """The ticket page's sidebar."""

    requester = RequesterField()
    ccs = CCField(label=FIELD_LABELS["ccs"])
    type = type_field()
    priority = priority_field()
    tags = tags_field()
    due_date = due_date_field()

    def __init__(
        self,
        *args,
        account: Account,
        ticket: Ticket,
        cc_emails=(),
        may_solve=True,
        groups=None,
        **kwargs,
    ):
        initial = {
            "requester": ticket.requester.email,
            "ccs": ", ".join(cc_emails),
            "status": status_value(ticket),
            "type": ticket.type,
            "priority": ticket.priority,
            "tags": ticket.tags,
            "due_date": due_datetime_to_date(ticket.due_at, account),
            "assignee": ticket.assignee.number if ticket.assignee else None,
            "group": ticket.group.number if ticket.group else None,
        }
        # Its own ids: the reply box on the same page has fields of the same names.
        kwargs.setdefault("auto_id", "side_%s")
        super().__init__(*args, account=account, initial=initial, **kwargs)
        self.ticket = ticket
        self.fields["assignee"] = agent_field(account, label=FIELD_LABELS["assignee"])
        self.fields["group"] = group_field(account, label=FIELD_LABELS["group"], rows=groups)
        # New's statuses are not offered once left; a stale form still posting one is not
        # an error unless the agent changed it (the service then refuses going back).
        self.fields["status"] = CustomStatusField(
            account=account,
            include_new=ticket.status == Ticket.Status.NEW or self.is_bound,
            keep=ticket.custom_status_id,
            label=FIELD_LABELS["status"],
            may_solve=may_solve,
        )
        # Each field carries the value the agent loaded, so only what they changed is
        # applied and another agent's change made meanwhile is never silently undone.
        for field in self.fields.values():
            field.show_hidden_initial = True
        # Order as in Zendesk's sidebar.
        self.order_fields(
            ["requester", "ccs", "assignee", "group", "status", "type", "priority", "tags"]
        )

    def clean(self):
        cleaned = super().clean()
        stale = {}
        for name in self.changed_data:
            loaded = self.data.get(self.add_initial_prefix(name))
            if self.fields[name].has_changed(self.initial.get(name), loaded):
                stale[name] = self.fields[name].prepare_value(self.initial.get(name))
        if stale:
            # Resubmitting the form as shown applies the agent's values over the new ones.
            self.data = self.data.copy()
            for name, current in stale.items():
                self.data[self.add_initial_prefix(name)] = "" if current is None else str(current)
                self.add_error(
                    name,
                    _(
                        "Someone else changed this field while you were editing. Your "
                        "value is kept: submit again to apply it."
                    ),
                )
        return cleaned

    def clean_requester(self):
        # Changing the requester picks an existing user of this account, as the type-ahead
        # offers them ("+ Add user" there adds one first); another account's is unknown here.
        email = self.cleaned_data["requester"]
        user = User.objects.for_account(self.account).filter(email=email).first()
        if user is None:
            raise ValidationError(
                _("No user has this email. Add them first with “+ Add” → “User”.")
            )
        return user

    def field_changes(self) -> dict:
        """The fields the agent changed whose value differs from the ticket's."""
        data, ticket, edited = self.cleaned_data, self.ticket, set(self.changed_data)
        wanted = {
            "requester": data["requester"],
            "assignee": data["assignee"],
            "group": data["group"],
            "type": data["type"],
            "priority": data["priority"],
            "tags": data["tags"],
            "due_at": due_date_to_datetime(data["due_date"], self.account),
        }
        changes = {}
        for name, value in wanted.items():
            if (name if name != "due_at" else "due_date") not in edited:
                continue
            current = getattr(ticket, name)
            if name == "due_at":
                same = due_datetime_to_date(current, self.account) == data["due_date"]
            elif name == "tags":
                same = sorted(current.split()) == sorted(value.replace(",", " ").lower().split())
            else:
                same = current == value
            if not same:
                changes[name] = value
        if "status" in edited:
            changes.update(status_change(data["status"], ticket))
        return changes


class TicketNumbersField(forms.Field):
    """The checked rows of a list: ticket numbers, looked up later among the viewer's
    own tickets (a number of another account simply matches nothing)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one ticket."),
        "invalid": _("Unknown ticket."),
    }

    def to_python(self, value):
        try:
            return sorted({int(v) for v in value or () if 0 < int(v) < 2**62})
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class BulkUpdateForm(AccountForm):
    NO_CHANGE = ""
    NOBODY = "-"

    tickets = TicketNumbersField()
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[(NO_CHANGE, _("Priority…"))] + Ticket.Priority.choices,
    )
    add_tags = forms.CharField(label=_("Add tags"), required=False, max_length=500)

    def __init__(self, *args, account: Account, may_solve: bool = True, **kwargs):
        super().__init__(*args, account=account, **kwargs)
        self.fields["status"] = CustomStatusField(
            account=account,
            include_new=False,
            required=False,
            empty_label=_("Status…"),
            may_solve=may_solve,
        )
        agents = agents_for_account(account=account)
        groups = groups_for_account(account=account)
        if self.is_bound:  # applied: the service gets whole rows
            self.agents = {str(a.number): a for a in agents}
            self.groups = {str(g.number): g for g in groups}
            agent_names = [(number, a.name) for number, a in self.agents.items()]
            group_names = [(number, g.name) for number, g in self.groups.items()]
        else:  # only shown: a choice is a number and a name
            self.agents, self.groups = {}, {}
            agent_names = list(agents.values_list("number", "name"))  # type: ignore[arg-type]  # (number, name) pairs
            group_names = list(groups.values_list("number", "name"))  # type: ignore[arg-type]  # (number, name) pairs
        self.fields["assignee"] = forms.ChoiceField(
            label=_("Assignee"), required=False, choices=self._choices(agent_names, _("Assignee…"))
        )
        self.fields["group"] = forms.ChoiceField(
            label=_("Group"), required=False, choices=self._choices(group_names, _("Group…"))
        )
        self.fields["add_tags"].widget.attrs["placeholder"] = _("Add tags")
        self.fields["custom_field"] = BulkFieldChoice(account=account)

    def _choices(self, names, prompt):
        return [(self.NO_CHANGE, prompt), (self.NOBODY, _("— none —"))] + [
            (str(number), name) for number, name in names
        ]

    def fields_to_set(self) -> dict:
        data, fields = self.cleaned_data, {}
        fields.update(status_change(data["status"]))
        if data["priority"]:
            fields["priority"] = data["priority"]
        for name, objects in (("assignee", self.agents), ("group", self.groups)):
            if data[name] == self.NOBODY:
                fields[name] = None
            elif data[name]:
                fields[name] = objects[data[name]]
        if data["add_tags"].strip():
            fields["add_tags"] = data["add_tags"]
        if data.get("custom_field"):
            fields["custom_fields"] = data["custom_field"]
        return fields
