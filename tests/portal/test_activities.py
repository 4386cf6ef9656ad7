"""My activities: columns, sorting, the open / solved filter, pages, and a fixed number
of SQL queries whatever the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import EndUserFactory, make_ticket
from tickets.models import Ticket
from tickets.services import comment_add, ticket_add_ccs, ticket_update

HOME = "/hc/"


@pytest.fixture
def colleague(acme, acme_org):
    return EndUserFactory(account=acme, name="Carl Colleague", organization=acme_org)


def subjects(response) -> list[str]:
    return [t.subject for t in response.context["page"].object_list]


def aged(ticket, *, created_days_ago: int, active_days_ago: int):
    now = timezone.now()
    Ticket.objects.for_account(ticket.account).filter(pk=ticket.pk).update(
        created_at=now - dt.timedelta(days=created_days_ago),
        last_activity_at=now - dt.timedelta(days=active_days_ago),
    )


def test_columns_show_id_subject_dates_channel_and_status(acme, acme_agent, acme_user, client_for):
    ticket = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Call me", channel="phone"
    )
    text = client_for(acme_user).get(HOME).text
    for header in ("ID", "Subject", "Created", "Last activity", "Channel", "Status"):
        assert f">{header}" in text
    assert f"#{ticket.number}" in text
    assert ">Phone<" in text
    assert ">Requester<" not in text  # only on Organization requests


def test_sorted_by_last_activity_newest_first_by_default_and_by_created_on_request(
    acme, acme_agent, acme_user, client_for
):
    old = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Old")
    new = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="New")
    aged(old, created_days_ago=10, active_days_ago=1)  # created first, active last
    aged(new, created_days_ago=5, active_days_ago=3)
    client = client_for(acme_user)
    assert subjects(client.get(HOME)) == ["Old", "New"]
    assert subjects(client.get(HOME, {"sort": "activity"})) == ["New", "Old"]
    assert subjects(client.get(HOME, {"sort": "-created"})) == ["New", "Old"]
    assert subjects(client.get(HOME, {"sort": "created"})) == ["Old", "New"]


def test_sort_accepts_only_its_own_keys(acme, acme_agent, acme_user, client_for):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Mine")
    client = client_for(acme_user)
    for probe in ("requester__password", "-requester__password", "subject", "id; drop"):
        response = client.get(HOME, {"sort": probe})
        assert response.status_code == 200
        assert response.context["sort"] == "-activity"


def test_filter_open_or_solved(acme, acme_agent, acme_user, client_for):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Still open")
    waiting = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Wait")
    ticket_update(ticket=waiting, actor=acme_agent, status=Ticket.Status.PENDING)
    done = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Done")
    ticket_update(ticket=done, actor=acme_agent, status=Ticket.Status.CLOSED)
    client = client_for(acme_user)
    assert sorted(subjects(client.get(HOME, {"status": "open"}))) == ["Still open", "Wait"]
    assert subjects(client.get(HOME, {"status": "solved"})) == ["Done"]
    assert len(subjects(client.get(HOME, {"status": "bogus"}))) == 3
    assert "No solved requests here." in client.get(HOME, {"status": "solved", "tab": "ccd"}).text


def test_paginated_25_a_page(acme, acme_agent, acme_user, client_for):
    for n in range(27):
        make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject=f"R{n}")
    client = client_for(acme_user)
    first = client.get(HOME)
    assert len(subjects(first)) == 25
    assert "Page 1 of 2" in first.text
    second = client.get(HOME, {"page": 2})
    assert len(subjects(second)) == 2
    assert set(subjects(first)).isdisjoint(subjects(second))
    assert client.get(HOME, {"page": "999"}).status_code == 200  # last page, not an error
    assert client.get(HOME, {"page": "x"}).status_code == 200


def test_htmx_tab_switch_returns_only_the_list(acme, acme_agent, acme_user, client_for):
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Mine")
    response = client_for(acme_user).get(HOME, {"tab": "ccd"}, HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith('<section id="activity-list"')
    assert "<html" not in response.text


def test_ticket_subject_is_escaped_in_the_list(acme, acme_agent, acme_user, client_for):
    make_ticket(
        account=acme,
        submitter=acme_agent,
        requester=acme_user,
        subject='<img src=x onerror="alert(1)">',
    )
    text = client_for(acme_user).get(HOME).text
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text


def test_a_row_links_the_request_and_shows_the_end_users_status(
    acme, acme_agent, acme_manager, colleague, client_for
):
    colleague.name = "<b>Carl</b> & Co"
    colleague.save(update_fields=["name"])
    ticket = make_ticket(
        account=acme, submitter=acme_agent, requester=colleague, subject="Waiting", channel="email"
    )
    ticket_update(ticket=ticket, actor=acme_agent, status="pending")
    text = client_for(acme_manager).get(HOME, {"tab": "organization"}).text
    row = text.split(f'<td class="hc-id">#{ticket.number}</td>', 1)[1].split("</tr>", 1)[0]
    assert f'<a href="/hc/requests/{ticket.number}/">Waiting</a>' in row
    assert 'data-label="Requester">&lt;b&gt;Carl&lt;/b&gt; &amp; Co</td>' in row
    assert ">Email</td>" in row
    assert '<span class="badge hc-status hc-status-awaiting">Awaiting your reply</span>' in row


def test_organization_tab_is_the_managers_only(acme, acme_user, acme_manager, client_for):
    assert client_for(acme_user).get(HOME, {"tab": "organization"}).context["tab"].key == (
        "requests"
    )
    assert client_for(acme_manager).get(HOME, {"tab": "organization"}).context["tab"].key == (
        "organization"
    )


def test_manager_without_an_organization_has_no_organization_tab(acme, client_for):
    loner = EndUserFactory(account=acme, is_org_manager=True, organization=None)
    response = client_for(loner).get(HOME, {"tab": "organization"})
    assert "Organization requests" not in response.text


def _populate(acme, agent, user, colleague, n):
    """n requests of each kind the manager's tabs show, each with replies and CCs."""
    for i in range(n):
        mine = make_ticket(account=acme, submitter=agent, requester=user, subject=f"M{i}")
        comment_add(ticket=mine, author=agent, body="reply", public=True)
        ticket_add_ccs(ticket=mine, actor=agent, users=[colleague])
        theirs = make_ticket(account=acme, submitter=colleague, subject=f"C{i}", channel="portal")
        ticket_add_ccs(ticket=theirs, actor=agent, users=[user])


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("tab", ["requests", "ccd", "organization"])
def test_my_activities_runs_a_fixed_number_of_queries(
    acme, acme_agent, acme_manager, colleague, client_for, django_assert_max_num_queries, tab
):
    client = client_for(acme_manager)
    _populate(acme, acme_agent, acme_manager, colleague, 1)
    few = _queries(client, HOME, {"tab": tab})
    _populate(acme, acme_agent, acme_manager, colleague, 12)
    many = _queries(client, HOME, {"tab": tab})
    assert few == many
    with django_assert_max_num_queries(10):
        client.get(HOME, {"tab": tab, "status": "open", "sort": "created"})
    assert len(client.get(HOME, {"tab": tab}).context["page"].object_list) >= 13
