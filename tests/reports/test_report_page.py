"""The reporting page: who sees which numbers, the filters' bad input, the CSV files."""

import csv
import io
import re

import pytest

from reports.exports import safe_cell
from reports.services import ticket_refresh
from tests.factories import AgentFactory, AgentGroupFactory, OrganizationFactory, make_ticket
from tickets.models import Ticket
from tickets.services import ticket_update

URL = "/agent/reports/"


@pytest.fixture
def two_groups(acme, acme_agent, acme_user, run):
    """A ticket in the agent's group, and one assigned to someone else in another."""
    mine = AgentGroupFactory(account=acme, name="Billing")
    mine.memberships.create(account=acme, user=acme_agent)
    other_agent = AgentFactory(account=acme, name='=HYPERLINK("http://x")')
    theirs = AgentGroupFactory(account=acme, name="Hardware")
    theirs.memberships.create(account=acme, user=other_agent)
    for group, agent in ((mine, acme_agent), (theirs, other_agent), (theirs, other_agent)):
        ticket = run(make_ticket, account=acme, submitter=acme_user, requester=acme_user)
        run(ticket_update, ticket=ticket, actor=agent, group=group, assignee=agent)
    return mine, theirs


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_admin_sees_every_ticket_counted(client_for, acme_admin, two_groups):
    response = client_for(acme_admin).get(URL, {"export": "groups"})
    rows = _csv(response)
    assert {row[0]: row[1] for row in rows[1:]} == {"Billing": "1", "Hardware": "2"}


def test_agent_sees_only_their_own_and_their_groups_numbers(client_for, acme_agent, two_groups):
    response = client_for(acme_agent).get(URL, {"export": "groups"})
    rows = _csv(response)
    assert [row[0] for row in rows[1:]] == ["Billing"]
    page = client_for(acme_agent).get(URL)
    assert page.status_code == 200
    # Not among the group filter's choices (a drop-down field's option may be "Hardware").
    group_choices = re.search(r'<select name="group".*?</select>', page.content.decode(), re.S)
    assert group_choices is not None
    assert "Hardware" not in group_choices.group(0)


def test_agent_cannot_filter_by_another_group(client_for, acme_agent, two_groups):
    _, theirs = two_groups
    response = client_for(acme_agent).get(URL, {"group": theirs.number, "export": "groups"})
    # Not a choice for them: the filter is refused and their own scope shown.
    assert [row[0] for row in _csv(response)[1:]] == ["Billing"]


def test_filter_by_group(client_for, acme_admin, two_groups):
    mine, _ = two_groups
    rows = _csv(client_for(acme_admin).get(URL, {"group": mine.number, "export": "agents"}))
    assert [(row[0], row[1]) for row in rows[1:]] == [("Alan Agent", "1")]


def test_end_users_never_reach_reports(client_for, acme_user):
    assert client_for(acme_user).get(URL).status_code == 404


def test_bad_dates_are_a_message_not_an_error(client_for, acme_admin):
    response = client_for(acme_admin).get(
        URL, {"preset": "custom", "start": "2026-05-01", "end": "2026-04-01"}
    )
    assert response.status_code == 200
    assert "The range ends before it starts." in response.content.decode()
    response = client_for(acme_admin).get(URL, {"preset": "custom", "start": "yesterday"})
    assert response.status_code == 200


def _chosen_range(body: str) -> str:
    select = re.search(r'<select name="preset".*?</select>', body, re.S)
    assert select is not None
    chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    assert len(chosen) == 1, chosen
    return chosen[0]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"group": ""},
        {"preset": ""},
        {"preset": "last_decade"},
        {"preset": "custom", "start": "2026-05-01", "end": "2026-04-01"},
        {"preset": "custom", "start": "yesterday"},
    ],
)
def test_range_box_names_the_30_days_shown_when_no_valid_range_was_chosen(
    client_for, acme_admin, query
):
    body = client_for(acme_admin).get(URL, query).content.decode()
    # It showed its first choice, "Last 7 days", over the 30 days' numbers.
    assert _chosen_range(body) == "30"
    assert "Last 7 days</option>" in body  # still a choice, just not the one shown


def test_range_box_keeps_the_range_chosen(client_for, acme_admin):
    body = client_for(acme_admin).get(URL, {"preset": "7"}).content.decode()
    assert _chosen_range(body) == "7"


def test_csv_cells_that_look_like_formulas_are_neutralised(client_for, acme_admin, two_groups):
    rows = _csv(client_for(acme_admin).get(URL, {"export": "agents"}))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    assert [safe_cell(v) for v in ("+1", "-1", "@a", "ok", 3)] == ["'+1", "'-1", "'@a", "ok", 3]


def test_page_shows_charts_as_svg_with_tables(client_for, acme_admin, two_groups):
    body = client_for(acme_admin).get(URL, {"period": "week", "preset": "90"}).content.decode()
    assert (
        body.count('<svg class="report-chart"') == 5
    )  # created/solved, backlog, backlog by status, first reply, satisfaction
    assert "<table" in body


def test_leaderboard_per_organization_within_the_viewers_scope(
    client_for, acme, acme_admin, acme_agent, two_groups
):
    mine, theirs = two_groups
    bigco, smallco = (
        OrganizationFactory(account=acme, name="Bigco"),
        OrganizationFactory(account=acme, name="Smallco"),
    )
    tickets = list(Ticket.objects.for_account(acme).filter(group__in=[mine, theirs]).order_by("pk"))
    # The agent's group's ticket to Bigco, one of the other group's to Smallco.
    for ticket, organization in zip(tickets, (bigco, smallco, None), strict=True):
        ticket.organization = organization
        ticket.save(update_fields=["organization"])
        ticket_refresh(account_id=acme.pk, ticket_id=ticket.pk)
    rows = _csv(client_for(acme_admin).get(URL, {"export": "organizations"}))
    assert rows[0][0] == "Organization"
    assert {row[0]: row[1] for row in rows[1:]} == {
        "Bigco": "1",
        "Smallco": "1",
        "No organization": "1",
    }
    rows = _csv(client_for(acme_agent).get(URL, {"export": "organizations"}))
    assert {row[0]: row[1] for row in rows[1:]} == {"Bigco": "1"}
    # Narrowed to one: its row only, and the page shows the table.
    rows = _csv(
        client_for(acme_admin).get(URL, {"export": "organizations", "organization": smallco.number})
    )
    assert [row[0] for row in rows[1:]] == ["Smallco"]
    # The page offers the leaderboard, and shows it when asked.
    body = client_for(acme_admin).get(URL).content.decode()
    assert "board=organizations" in body and '<th scope="row">Bigco</th>' not in body
    body = client_for(acme_admin).get(URL, {"board": "organizations"}).content.decode()
    assert '<th scope="row">Bigco</th>' in body and '<th scope="row">Smallco</th>' in body
