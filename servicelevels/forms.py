"""Forms of the business-hours settings. Hours per weekday are typed as text
("09:00-13:00, 14:00-18:00"): one field a day, usable without JavaScript; the form reads
the text, the services judge the intervals (start before end, no overlaps)."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TIME_ZONE_CHOICES
from servicelevels.services import WEEKDAY_KEYS

WEEKDAY_LABELS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?"
_INTERVAL = re.compile(rf"^{_CLOCK}\s*[-–—]\s*{_CLOCK}$")

# Countries offered for "Import public holidays"; the `holidays` package knows many more,
# these are the ones our customers asked for first.
COUNTRIES = [
    ("IT", _("Italy")),
    ("ES", _("Spain")),
    ("US", _("United States")),
    ("GB", _("United Kingdom")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("PT", _("Portugal")),
    ("CH", _("Switzerland")),
    ("AT", _("Austria")),
    ("NL", _("Netherlands")),
    ("BE", _("Belgium")),
    ("IE", _("Ireland")),
    ("MX", _("Mexico")),
    ("AR", _("Argentina")),
    ("CA", _("Canada")),
    ("AU", _("Australia")),
]


def _minutes(hours: str, minutes: str | None) -> int | None:
    h, m = int(hours), int(minutes or 0)
    if m >= 60 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


def parse_day_hours(text: str) -> list[tuple[int, int]]:
    """ "09:00-13:00, 14:00-18:00" → [(540, 780), (840, 1080)]; "" → closed all day."""
    intervals = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text))):
        match = _INTERVAL.match(part)
        start = match and _minutes(match[1], match[2])
        end = match and _minutes(match[3], match[4])
        if start is None or end is None or not match:
            raise forms.ValidationError(
                _("“%(part)s” is not a time range: write hours like 09:00-13:00, 14:00-18:00."),
                params={"part": part},
            )
        intervals.append((start, end))
    return intervals


def format_day_hours(intervals: list[tuple[int, int]]) -> str:
    return ", ".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in intervals)


class DayHoursField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=200, strip=True, **kwargs)

    def clean(self, value):
        return parse_day_hours(super().clean(value) or "")


class ScheduleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in zip(WEEKDAY_KEYS, WEEKDAY_LABELS, strict=True):
            self.fields[key] = DayHoursField(label=label)

    @classmethod
    def initial_for(cls, *, name: str, time_zone: str, weekly) -> dict:
        initial = {"name": name, "time_zone": time_zone}
        for key, intervals in zip(WEEKDAY_KEYS, weekly, strict=True):
            initial[key] = format_day_hours(intervals)
        return initial

    def day_fields(self):
        return [self[key] for key in WEEKDAY_KEYS]

    def weekly(self) -> list[list[tuple[int, int]]]:
        return [self.cleaned_data[key] for key in WEEKDAY_KEYS]


class HolidayForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    first = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a single day."),
    )


class HolidayImportForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRIES)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.now().year
