"""Help-center forms: they parse what was posted; the tickets services apply the rules
(attachment limits, closed requests, who may rate) and their errors land back here."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helpdesk.form_errors import add_domain_error
from tickets.forms import MultipleFileField
from tickets.models import Ticket
from tickets.services import NotAllowed
from tickets.text import clean_html


class DomainErrorsMixin:
    """Turn a ValidationError raised by a service into errors on this form's fields."""

    # service error key → form field
    error_fields = {"uploads": "attachments", "html_body": "body"}

    # Where a field-less ValidationError goes: in these services only the attachment
    # rules (tickets.attachments.validate_uploads) raise one; NotAllowed stays on top.
    unkeyed_error_field = "attachments"

    def add_domain_error(self, error: ValidationError) -> None:
        unkeyed = None if isinstance(error, NotAllowed) else self.unkeyed_error_field
        add_domain_error(self, error, aliases=self.error_fields, unkeyed_field=unkeyed)  # type: ignore[arg-type]  # mixed into a Form


class MessageForm(DomainErrorsMixin, forms.Form):
    """A message with the simple editor: `body` is the plain textarea (what works without
    JavaScript); portal-editor.js writes the formatted version into `html_body`."""

    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 6, "data-editor-source": ""}),
    )
    html_body = forms.CharField(
        required=False, max_length=400_000, widget=forms.HiddenInput(attrs={"data-editor-html": ""})
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def clean_html_body(self) -> str:
        # Sanitised now as well as by the service: a refused message is shown again, and
        # what the editor re-displays must already be safe.
        return clean_html(self.cleaned_data.get("html_body", ""))


class ReplyForm(MessageForm):
    pass


class NewRequestForm(MessageForm):
    subject = forms.CharField(label=_("Subject"), max_length=255)

    field_order = ["subject", "organization", "body", "html_body", "attachments"]

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(organizations) > 1:
            # Several organizations (issue 21): which one the request is for; the default
            # one first and preselected.
            self.fields["organization"] = forms.TypedChoiceField(
                label=_("Organization"),
                choices=[(org.number, org.name) for org in organizations],
                coerce=int,
                initial=organizations[0].number,
                help_text=_("Which of your organizations this request is for."),
            )
        self.fields["body"].label = _("Description")
        self.fields["body"].help_text = _(
            "Tell us what happened, what you expected, and any steps to reproduce it."
        )


class FeedbackForm(DomainErrorsMixin, forms.Form):
    """The requester's rating: on the request page, and on the survey link's page."""

    rating = forms.ChoiceField(
        label=_("How would you rate the support you received?"),
        choices=Ticket.Rating.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.TypedChoiceField(
        label=_("What was the main reason for your rating?"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.reasons = {reason.number: reason for reason in reasons}
        if self.reasons:
            self.fields["reason"].choices = [("", _("Choose a reason (optional)"))] + [
                (number, reason.label) for number, reason in self.reasons.items()
            ]
        else:
            del self.fields["reason"]

    def chosen_reason(self):
        number = self.cleaned_data.get("reason")
        return self.reasons.get(number) if number is not None else None


MAX_SEARCH_PAGE = 1000


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search your requests"), required=False, max_length=200)
    page = forms.CharField(required=False)

    def clean_page(self) -> int:
        # A mangled page number is page 1, not an error: the query still runs.
        raw = self.cleaned_data["page"]
        return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_SEARCH_PAGE else 1
