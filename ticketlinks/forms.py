"""The forms of merging, linking, solving a problem's incidents and splitting."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ticketlinks.models import TicketLink
from tickets.forms import TicketNumbersField

NUMBER_LIMIT = 2**62


class MergeForm(forms.Form):
    tickets = TicketNumbersField()
    target = forms.IntegerField(
        label=_("Merge into ticket number"), min_value=1, max_value=NUMBER_LIMIT, required=False
    )
    source_comment = forms.CharField(
        label=_("Note on the merged tickets"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: “This ticket was closed and merged into #N.”"),
    )
    source_comment_is_public = forms.BooleanField(
        label=_("Requesters of the merged tickets can see this note"), required=False
    )
    target_comment = forms.CharField(
        label=_("Note on the target ticket"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: “Merged into this ticket: #N.”"),
    )
    target_comment_is_public = forms.BooleanField(
        label=_("The target's requester can see this note"), required=False
    )
    add_people_as_ccs = forms.BooleanField(
        label=_("Add them as CCs of the target ticket"), required=False
    )


class LinkForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Link"),
        choices=[(k, TicketLink.Kind(k).label) for k in TicketLink.MANUAL],
    )
    other = forms.IntegerField(label=_("Ticket number"), min_value=1, max_value=NUMBER_LIMIT)


class SolveIncidentsForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to each incident"),
        max_length=65_536,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SplitForm(forms.Form):
    comment = forms.TypedChoiceField(
        label=_("Comment to split off"), coerce=int, widget=forms.RadioSelect
    )
    with_later = forms.BooleanField(label=_("And the comments after it"), required=False)
    subject = forms.CharField(label=_("Subject of the new ticket"), max_length=255)
    requester = forms.EmailField(
        label=_("Requester's email"),
        required=False,
        help_text=_("Empty: the same requester."),
    )

    def __init__(self, *args, comments, **kwargs):
        super().__init__(*args, **kwargs)
        self.comment_list = list(comments)
        self.fields["comment"].choices = [
            (position, f"{position}. {comment.author.name}: {comment.body[:80]}")
            for position, comment in enumerate(self.comment_list, start=1)
        ]

    def chosen(self) -> list:
        start = self.cleaned_data["comment"] - 1
        if self.cleaned_data["with_later"]:
            return self.comment_list[start:]
        return [self.comment_list[start]]
