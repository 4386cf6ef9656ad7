"""Relative times ("3 hours ago") are in the viewer's language, as the dates are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template import engines
from django.utils import timezone, translation

from tests.factories import AgentFactory, make_ticket
from tickets.models import Ticket


def words(html: str) -> str:
    return " ".join(html.replace("\xa0", " ").split())


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "3 hours ago"), ("it", "3 ore fa"), ("es", "hace 3 horas")]
)
def test_ticket_list_says_how_long_ago_in_the_agents_language(
    client_for, acme, acme_user, language, expected
):
    agent = AgentFactory(account=acme, locale=language)
    ticket = make_ticket(account=acme, submitter=agent, requester=acme_user, assignee=agent)
    three_hours_ago = timezone.now() - dt.timedelta(hours=3, seconds=10)
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(updated_at=three_hours_ago)
    response = client_for(agent).get("/agent/")
    assert response.status_code == 200
    assert expected in words(response.text)


@pytest.mark.parametrize(("language", "expected"), [("it", "2 giorni fa"), ("es", "hace 2 días")])
def test_naturaltime_is_translated(language, expected):
    two_days_ago = timezone.now() - dt.timedelta(days=2, minutes=1)
    with translation.override(language):
        assert words(str(naturaltime(two_days_ago))) == expected
        rendered = (
            engines["django"]
            .from_string("{% load humanize %}{{ when|naturaltime }}")
            .render({"when": two_days_ago})
        )
        assert words(rendered) == expected
