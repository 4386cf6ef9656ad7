"""The one-pass renderers' dates print what the template filters print, in the active
language and time zone, whichever tzinfo that is."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone, translation

from helpdesk.formatting import datetime_label, iso

WHEN = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)  # the night Rome moves to summer time


@pytest.mark.parametrize("language", ["en", "it", "es"])
@pytest.mark.parametrize(
    "zone",
    ["UTC", "Europe/Rome", "America/Sao_Paulo", dt.timezone(dt.timedelta(hours=5, minutes=30))],
)
def test_dates_are_the_template_filters(language, zone):
    template = engines["django"].from_string(
        '{{ when|date:"DATETIME_FORMAT" }}|{{ when|date:"c" }}'
    )
    with translation.override(language), timezone.override(zone):
        expected = template.render({"when": WHEN})
        assert f"{datetime_label(WHEN)}|{iso(WHEN)}" == expected
    assert datetime_label(None) == iso(None) == ""


def test_number_url_prefix_is_the_link_before_the_number(settings):
    from django.urls import reverse

    from helpdesk.formatting import number_url_prefix

    settings.ROOT_URLCONF = "helpdesk.urls_tenant"
    for name in ("tickets:ticket_detail", "portal:request"):
        assert number_url_prefix(name) + "42/" == reverse(name, args=[42])
    with pytest.raises(ValueError, match="not of the shape"):
        number_url_prefix("tickets:ticket_reply")
