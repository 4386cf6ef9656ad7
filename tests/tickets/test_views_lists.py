"""Ticket lists (views), sorting, paging, the hover summary, bulk update and search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgentFactory, AgentGroupFactory, make_ticket
from tickets.models import Ticket, TicketEvent
from tickets.services import comment_add, ticket_update

# The default views a new account gets, numbered 1… in this order (DEFAULT_VIEWS).
DEFAULT_NUMBERS = {
    key: number
    for number, key in enumerate(
        ("mine", "unassigned", "unsolved", "recent", "pending", "solved", "private"), start=1
    )
}


def view(key: str) -> str:
    """The page of the default view that began as ``key``."""
    return f"/agent/views/{DEFAULT_NUMBERS.get(key, key)}/"


@pytest.fixture
def tickets(private_on, acme_agent, acme_user):
    other = AgentFactory(account=private_on, name="Olga Other")

    def make(subject, **kwargs):
        return make_ticket(
            account=private_on, submitter=acme_agent, requester=acme_user, subject=subject, **kwargs
        )

    made = {
        "mine": make("Mine open", assignee=acme_agent),
        "theirs": make("Theirs open", assignee=other),
        "unassigned": make("Nobody's"),
        "pending": make("Waiting on customer", status="pending", assignee=acme_agent),
        "solved": make("All done", status="solved"),
        "private": make("Quiet one", public=False),
    }
    return made


@pytest.mark.parametrize(
    ("key", "shown", "hidden"),
    [
        ("mine", {"Mine open", "Waiting on customer"}, {"Theirs open", "Nobody's", "All done"}),
        ("unassigned", {"Nobody's", "Quiet one"}, {"Mine open", "Theirs open", "All done"}),
        ("unsolved", {"Mine open", "Theirs open", "Nobody's", "Quiet one"}, {"All done"}),
        ("recent", {"Mine open", "All done", "Quiet one"}, set()),
        ("pending", {"Waiting on customer"}, {"Mine open", "All done"}),
        ("solved", {"All done"}, {"Mine open", "Waiting on customer"}),
        ("private", {"Quiet one"}, {"Mine open", "All done"}),
    ],
)
def test_each_view_lists_its_tickets(tickets, agent_client, key, shown, hidden):
    html = agent_client.get(view(key)).text
    for subject in shown:
        assert subject.replace("'", "&#x27;") in html
    for subject in hidden:
        assert subject.replace("'", "&#x27;") not in html


def test_home_is_your_unsolved_tickets(tickets, agent_client):
    html = agent_client.get("/agent/").text
    assert "Your unsolved tickets" in html and "Mine open" in html and "Theirs open" not in html


def test_unknown_view_is_404(agent_client, acme):
    assert agent_client.get(view("everything")).status_code == 404
    assert agent_client.get("/agent/views/999/").status_code == 404


@pytest.mark.parametrize("key", list(DEFAULT_NUMBERS))
def test_the_fixed_lists_old_urls_lead_to_their_default_views(agent_client, acme, key):
    response = agent_client.get(f"/agent/views/{key}/", {"sort": "subject"})
    assert response.status_code == 302
    assert response["Location"] == f"{view(key)}?sort=subject"


def test_private_tickets_are_marked_in_the_list(tickets, agent_client):
    html = agent_client.get(view("unsolved")).text
    row = html.split("Quiet one")[0].rsplit("<tr", 1)[1]
    assert "is-private" in row
    assert html.count("badge-private") == 1


def test_row_hover_summary_has_priority_and_latest_comment(tickets, acme_user, agent_client):
    ticket = tickets["mine"]
    ticket_update(ticket=ticket, actor=ticket.submitter, priority="urgent")
    comment_add(ticket=ticket, author=acme_user, body="Still broken after reboot")
    html = agent_client.get(view("mine")).text
    row = html.split("Mine open")[0].rsplit("<tr", 1)[1]
    assert "Priority: Urgent" in row and "Still broken after reboot" in row


def test_columns_sort_and_unknown_sort_keys_are_ignored(tickets, agent_client):
    ascending = agent_client.get(view("unsolved"), {"sort": "subject"}).text
    descending = agent_client.get(view("unsolved"), {"sort": "-subject"}).text
    assert ascending.index("Mine open") < ascending.index("Theirs open")
    assert descending.index("Theirs open") < descending.index("Mine open")
    # A query string may never order (and so probe) by an arbitrary column.
    probe = agent_client.get(view("unsolved"), {"sort": "requester__password"})
    assert probe.status_code == 200


def test_lists_are_paginated(acme, acme_agent, agent_client):
    for i in range(52):
        make_ticket(account=acme, submitter=acme_agent, subject=f"Bulk {i:02d}")
    first = agent_client.get(view("unsolved")).text
    second = agent_client.get(view("unsolved"), {"page": 2}).text
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count('name="tickets"') == 50 and second.count('name="tickets"') == 2
    assert agent_client.get(view("unsolved"), {"page": "zzz"}).status_code == 200


def test_list_page_runs_a_fixed_number_of_queries(acme, acme_agent, acme_user, agent_client):
    group = AgentGroupFactory(account=acme)
    group.memberships.create(account=acme, user=acme_agent)
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, assignee=acme_agent)
    agent_client.get(view("unsolved"))
    with CaptureQueriesContext(connection) as one_row:
        agent_client.get(view("unsolved"))
    for i in range(30):
        t = make_ticket(
            account=acme,
            submitter=acme_agent,
            requester=AgentFactory(account=acme) if i % 3 else acme_user,
            assignee=acme_agent if i % 2 else None,
            group=group if i % 2 else None,
            public=True,
        )
        comment_add(ticket=t, author=acme_agent, body=f"latest {i}")
    with CaptureQueriesContext(connection) as many_rows:
        response = agent_client.get(view("unsolved"))
    assert response.text.count('name="tickets"') == 31
    assert len(many_rows) == len(one_row)


# Bulk update
def bulk(client, numbers, **fields):
    data = {"tickets": [str(n) for n in numbers], "next": view("unsolved")}
    data.update(fields)
    return client.post("/agent/tickets/bulk/", data, follow=True)


def test_bulk_update_changes_each_ticket_through_the_service(
    private_on, tickets, acme_agent, agent_client
):
    group = AgentGroupFactory(account=private_on, name="Desk")
    group.memberships.create(account=private_on, user=acme_agent)
    chosen = [tickets["unassigned"], tickets["private"]]
    response = bulk(
        agent_client,
        [t.number for t in chosen],
        status="pending",
        priority="high",
        assignee=str(acme_agent.number),
        group=str(group.number),
        add_tags="vip",
    )
    assert "2 tickets updated" in response.text
    for t in chosen:
        t.refresh_from_db()
        assert (t.status, t.priority, t.assignee, t.group) == ("pending", "high", acme_agent, group)
        assert "vip" in t.tag_list
        fields = set(
            TicketEvent.objects.for_account(private_on)
            .filter(ticket=t, kind="change")
            .values_list("field", flat=True)
        )
        assert {"status", "priority", "assignee", "group", "tags"} <= fields
    assert tickets["mine"].tag_list == []


def test_bulk_bar_offers_every_agent_and_group_of_the_account(
    private_on, tickets, acme_agent, agent_client, globex
):
    desk = AgentGroupFactory(account=private_on, name="Front desk")
    AgentGroupFactory(account=globex, name="Globex desk")
    AgentFactory(account=globex, name="Gerda Globex")
    html = agent_client.get("/agent/tickets/bulk/fields/", headers={"HX-Request": "true"}).text
    assignee = html.split('name="assignee"', 1)[1].split("</select>", 1)[0]
    group = html.split('name="group"', 1)[1].split("</select>", 1)[0]
    assert f'value="{acme_agent.number}">{acme_agent.name}<' in assignee
    assert ">Olga Other<" in assignee and "Gerda Globex" not in assignee
    assert f'value="{desk.number}">Front desk<' in group and "Globex desk" not in group


def test_bulk_update_with_nothing_chosen_says_so(tickets, agent_client):
    response = bulk(agent_client, [tickets["mine"].number])
    assert "Choose a change" in response.text


def test_bulk_update_without_tickets_says_so(tickets, agent_client):
    response = bulk(agent_client, [], status="open")
    assert "Select at least one ticket" in response.text


def test_bulk_update_is_all_or_nothing(private_on, tickets, agent_client):
    group = AgentGroupFactory(account=private_on, name="Empty group")
    response = bulk(
        agent_client,
        [tickets["mine"].number, tickets["unassigned"].number],
        group=str(group.number),
    )
    assert "No ticket was updated" in response.text
    tickets["unassigned"].refresh_from_db()
    assert tickets["unassigned"].group is None


def test_bulk_update_cannot_reach_another_accounts_tickets(
    globex, globex_agent, globex_user, tickets, agent_client
):
    theirs = make_ticket(account=globex, submitter=globex_agent, requester=globex_user)
    bulk(agent_client, [theirs.number], status="solved")
    theirs.refresh_from_db()
    assert theirs.status == "new"


def test_bulk_update_ignores_an_offsite_next(tickets, agent_client):
    response = agent_client.post(
        "/agent/tickets/bulk/",
        {"tickets": [tickets["mine"].number], "status": "open", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/agent/"


def test_bulk_update_is_for_agents_only(tickets, acme_user, client_for):
    response = client_for(acme_user).post(
        "/agent/tickets/bulk/", {"tickets": [tickets["mine"].number], "status": "solved"}
    )
    assert response.status_code == 404
    assert Ticket.objects.for_account(tickets["mine"].account).filter(status="solved").count() == 1


# Search
def test_search_finds_by_number_subject_comment_and_people(tickets, acme_user, agent_client):
    comment_add(ticket=tickets["mine"], author=acme_user, body="the flux capacitor hums")
    assert "Mine open" in agent_client.get("/agent/search/", {"q": "capacitor"}).text
    assert "Waiting on customer" in agent_client.get("/agent/search/", {"q": "waiting"}).text
    by_number = agent_client.get("/agent/search/", {"q": f"#{tickets['solved'].number}"}).text
    assert "All done" in by_number
    assert acme_user.name in agent_client.get("/agent/search/", {"q": "customer.example"}).text


def test_search_never_finds_another_accounts_tickets(
    globex, globex_agent, globex_user, tickets, agent_client
):
    make_ticket(
        account=globex, submitter=globex_agent, requester=globex_user, subject="Globex secret"
    )
    html = agent_client.get("/agent/search/", {"q": "Globex secret"}).text
    assert "No tickets match" in html


def test_ticket_subjects_are_escaped_in_lists(acme, acme_agent, agent_client):
    make_ticket(account=acme, submitter=acme_agent, subject="<script>alert(1)</script>")
    html = agent_client.get(view("unsolved")).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
