"""The reporting page's date range and filters, read from the query string. A bad value
is a form error on the page and the default in its place, never a 500."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import AgentGroup, Organization, User
from customfields.models import TicketFieldOption
from tickets.models import Channel, Ticket

MAX_DAYS = 731
DEFAULT_PRESET = "30"
PRESETS = [
    ("7", _("Last 7 days")),
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("custom", _("Custom range")),
]


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date  # inclusive
    weekly: bool = False
    group_pk: int | None = None
    agent_pk: int | None = None
    channel: str = ""
    priority: str = ""
    type: str = ""
    organization_pk: int | None = None
    # Read from the tickets' own columns (reports.attributes), not the rollups' keys.
    tag: str = ""
    # (field number, option value) of the drop-down fields chosen, in the fields' order.
    fields: tuple[tuple[int, str], ...] = ()

    @property
    def by_attributes(self) -> bool:
        """A tag or drop-down value is asked: the rollups do not key them."""
        return bool(self.tag) or bool(self.fields)


FIELD_PREFIX = "field_"
TAG_MAX = 100


def clean_tag(value: str) -> str:
    """A tag as tickets keep theirs (lower case, one word); a ValidationError otherwise."""
    tag = (value or "").strip().lower()
    if len(tag.split()) > 1 or len(tag) > TAG_MAX:
        raise forms.ValidationError(_("Give one tag, without spaces."))
    return tag


def dropdown_fields(options: list[TicketFieldOption]) -> list[tuple[str, object, list]]:
    """(form field name, the field, its options) of each active drop-down field."""
    found: dict[int, tuple[str, object, list]] = {}
    for option in options:
        field = option.field
        found.setdefault(field.number, (f"{FIELD_PREFIX}{field.number}", field, []))[2].append(
            option
        )
    return list(found.values())


def preset_range(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    days = int(preset) if preset.isdigit() else 30
    return today - dt.timedelta(days=days - 1), today


class ReportForm(forms.Form):
    preset = forms.ChoiceField(
        label=_("Date range"), choices=PRESETS, required=False, initial=DEFAULT_PRESET
    )
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    period = forms.ChoiceField(
        label=_("Per"),
        choices=[("day", _("Day")), ("week", _("Week"))],
        required=False,
    )
    group = forms.TypedChoiceField(label=_("Group"), coerce=int, required=False, empty_value=None)
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int, required=False, empty_value=None)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any"))] + list(Channel.choices), required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("", _("Any"))] + list(Ticket.Priority.choices),
        required=False,
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Any"))] + list(Ticket.Type.choices), required=False
    )

    organization = forms.TypedChoiceField(
        label=_("Organization"), coerce=int, required=False, empty_value=None
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=TAG_MAX)

    def __init__(
        self,
        data,
        *,
        groups: list[AgentGroup],
        agents: list[User],
        today: dt.date,
        organizations: list[Organization] = (),  # type: ignore[assignment]
        options: list[TicketFieldOption] = (),  # type: ignore[assignment]
    ) -> None:
        super().__init__(data)
        self.today = today
        self.groups = {g.number: g for g in groups}
        self.agents = {a.number: a for a in agents}
        self.organizations = {o.number: o for o in organizations}
        self.fields["group"].choices = [("", _("Any"))] + [(g.number, g.name) for g in groups]  # type: ignore[attr-defined]
        self.fields["agent"].choices = [("", _("Any"))] + [(a.number, a.name) for a in agents]  # type: ignore[attr-defined]
        self.fields["organization"].choices = [("", _("Any"))] + [  # type: ignore[attr-defined]
            (o.number, o.name) for o in organizations
        ]
        self.dropdowns = dropdown_fields(list(options))
        for name, field, field_options in self.dropdowns:
            self.fields[name] = forms.ChoiceField(
                label=field.label,  # type: ignore[attr-defined]
                choices=[("", _("Any"))] + [(o.value, o.label) for o in field_options],
                required=False,
            )

    def clean_tag(self) -> str:
        return clean_tag(self.cleaned_data.get("tag") or "")

    def clean(self):
        data = super().clean() or {}
        if data.get("preset") == "custom":
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise forms.ValidationError(_("Give both dates of a custom range."))
            if start > end:
                raise forms.ValidationError(_("The range ends before it starts."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choose a range of at most two years."))
        return data

    def filters(self) -> Filters:
        """The valid choices, the defaults in place of invalid ones: the last 30 days when
        no range, or no valid one, was given; and the range box then says so (it showed
        its first choice, "Last 7 days", over the 30 days' numbers)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # none when unbound (no query string)
        preset = data.get("preset") or DEFAULT_PRESET
        if preset == "custom" and self.non_field_errors():
            preset = DEFAULT_PRESET  # the custom range is refused (its message is shown)
        if self.is_bound and self.data.get("preset") != preset:
            shown = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
            shown["preset"] = preset
            self.data = shown
        if preset == "custom":
            start, end = data["start"], data["end"]
        else:
            start, end = preset_range(preset, self.today)
        group = self.groups.get(data.get("group") or 0)
        agent = self.agents.get(data.get("agent") or 0)
        organization = self.organizations.get(data.get("organization") or 0)
        chosen = tuple(
            (field.number, data[name])  # type: ignore[attr-defined]
            for name, field, _options in self.dropdowns
            if data.get(name)
        )
        return Filters(
            start=start,
            end=end,
            weekly=data.get("period") == "week",
            group_pk=group.pk if group else None,
            agent_pk=agent.pk if agent else None,
            channel=data.get("channel") or "",
            priority=data.get("priority") or "",
            type=data.get("type") or "",
            organization_pk=organization.pk if organization else None,
            tag=data.get("tag") or "",
            fields=chosen,
        )
