"""Previous and Next walk a ticket list by keyset (tickets.keyset, tickets.counts): every
ticket exactly once in the list's own order, for every sort, NULLs and ties included; a
ticket that moves between clicks is neither shown twice nor skipped; a cursor that does
not fit falls back to the numbered page, never an error."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.utils import timezone

import portal.views
import tickets.views.lists
from accounts.models import GroupMembership
from tests.factories import AgentFactory, AgentGroupFactory, make_ticket
from tickets import keyset
from tickets.models import Ticket
from tickets.selectors import TICKET_SORTS
from tickets.services import ticket_update
from tickets.view_selectors import agent_ticket_list

PER_PAGE = 3
AGENT_ROW = re.compile(r'class="col-id muted">#(\d+)<')
HC_ROW = re.compile(r'class="hc-id">#(\d+)<')


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(tickets.views.lists, "PER_PAGE", PER_PAGE)
    monkeypatch.setattr(portal.views, "PER_PAGE", PER_PAGE)


@pytest.fixture
def eleven(acme, acme_agent, acme_user):
    """Eleven unsolved tickets: some unassigned and without a group (NULLs in those sorts),
    three sharing one updated_at (ties broken by id), subjects out of creation order."""
    other = AgentFactory(account=acme, name="Bea Other")
    group = AgentGroupFactory(account=acme, name="Billing")
    for agent in (acme_agent, other):
        GroupMembership.objects.create(account=acme, group=group, user=agent)
    made = []
    for i in range(11):
        made.append(
            make_ticket(
                account=acme,
                submitter=acme_agent,
                requester=acme_user,
                subject=f"Subject {(i * 7) % 11:02d}",
                assignee=[None, acme_agent, other][i % 3],
                group=group if i % 2 else None,
                priority=["", "low", "high"][i % 3],
            )
        )
    base = timezone.now() - dt.timedelta(days=1)
    for i, ticket in enumerate(made):
        at = base if i in (2, 5, 8) else base + dt.timedelta(minutes=i)
        Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(updated_at=at)
    return made


def _numbers(page: str, rows=AGENT_ROW) -> list[int]:
    return [int(n) for n in rows.findall(page)]


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]*)" rel="{rel}"', page)
    return html.unescape(found.group(1)) if found else None


def _walk(client, path, rel="next", rows=AGENT_ROW):
    """Every page from ``path`` on, following ``rel`` links: [(numbers, page label)]."""
    pages, url = [], path
    while url is not None:
        response = client.get(url if url.startswith("/") else path.split("?")[0] + url)
        assert response.status_code == 200
        text = response.text
        label = re.search(r"Page ([\d,.]+) of", text)
        pages.append((_numbers(text, rows), label.group(1) if label else None))
        url = _link(text, rel)
        assert len(pages) < 20, "the links go round in circles"
    return pages


@pytest.mark.parametrize("sort", [s for key in TICKET_SORTS for s in (key, f"-{key}")])
def test_next_and_previous_walk_every_ticket_once_in_order(eleven, acme_agent, client_for, sort):
    expected = list(
        agent_ticket_list(viewer=acme_agent, view_key="unsolved", sort=sort).values_list(
            "number", flat=True
        )
    )
    assert len(expected) == 11
    client = client_for(acme_agent)
    forward = _walk(client, f"/agent/views/3/?sort={sort}")
    assert [n for numbers, _ in forward for n in numbers] == expected
    assert [label for _, label in forward] == ["1", "2", "3", "4"]
    # Every Next link after the first page seeks; only page 1 is reached without a cursor.
    last = client.get(f"/agent/views/3/?sort={sort}&page=4").text
    assert _numbers(last) == expected[9:]
    backward = _walk(client, f"/agent/views/3/?sort={sort}&page=4", rel="prev")
    assert [numbers for numbers, _ in backward] == [
        expected[9:],
        expected[6:9],
        expected[3:6],
        expected[:3],
    ]
    assert [label for _, label in backward] == ["4", "3", "2", "1"]


def test_a_ticket_that_moves_between_clicks_is_not_shown_twice(
    eleven, acme, acme_agent, client_for
):
    client = client_for(acme_agent)
    first = client.get("/agent/views/3/").text
    shown = _numbers(first)
    # Someone updates a ticket of page 3: it jumps to the top, and every row below it
    # moves down one place.
    before = _order(acme_agent)
    moved = Ticket.objects.for_account(acme).get(number=before[7])
    ticket_update(ticket=moved, actor=acme_agent, priority="urgent")
    after = _order(acme_agent)
    assert after[0] == moved.number
    offset_second = _numbers(client.get("/agent/views/3/?page=2").text)
    assert shown[-1] in offset_second  # by offset: page 1's last row again
    second = _numbers(client.get("/agent/views/3/" + _link(first, "next")).text)
    assert second == before[3:6]  # by cursor: the three that followed, as an agent expects
    assert not set(second) & set(shown)


def _order(agent) -> list[int]:
    return list(
        agent_ticket_list(viewer=agent, view_key="unsolved").values_list("number", flat=True)
    )


def test_previous_from_page_two_is_page_one_as_it_is_now(eleven, acme, acme_agent, client_for):
    client = client_for(acme_agent)
    first = client.get("/agent/views/3/").text
    second = client.get("/agent/views/3/" + _link(first, "next")).text
    assert _link(second, "prev") == "?page=1"
    newest = make_ticket(account=acme, submitter=acme_agent, subject="Brand new")
    assert _numbers(client.get("/agent/views/3/?page=1").text)[0] == newest.number


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        "e30",  # {}
        "WyJ4IiwxXQ",  # ["x",1]: no such direction
        "WyJhIiwxXQ",  # ["a",1]: too few values for (updated_at, id)
        "WyJhIiwiMjAyNi0wMS0wMVQwMDowMDowMCIsMV0",  # a naive date
        "WyJhIiwibm90IGEgZGF0ZSIsMV0",  # ["a","not a date",1]
        "WyJhIix0cnVlLDFd",  # ["a",true,1]
        "WyJhIixudWxsLDFd",  # ["a",null,1]: updated_at is never NULL
        "WyJhIiwiMjAyNi0wMS0wMVQwMDowMDowMCswMDowMCIseyJ4IjoxfV0",  # an object for the id
    ],
)
def test_a_cursor_that_does_not_fit_shows_the_numbered_page(eleven, acme_agent, client_for, cursor):
    client = client_for(acme_agent)
    page_two = _numbers(client.get("/agent/views/3/?page=2").text)
    response = client.get(f"/agent/views/3/?page=2&cursor={cursor}")
    assert response.status_code == 200
    assert _numbers(response.text) == page_two


@pytest.mark.parametrize("number", [10**30, -(10**30), 2**63])
def test_a_cursor_with_an_out_of_range_id_is_no_error(eleven, acme, acme_agent, client_for, number):
    columns = keyset.columns_of(agent_ticket_list(viewer=acme_agent, view_key="unsolved"))
    newest = Ticket.objects.for_account(acme).order_by("-updated_at").first()
    cursor = keyset.encode(keyset.AFTER, Ticket(updated_at=newest.updated_at, id=number), columns)
    response = client_for(acme_agent).get(f"/agent/views/3/?page=2&cursor={cursor}")
    assert response.status_code == 200


def test_a_cursor_past_the_end_shows_the_numbered_page(eleven, acme, acme_agent, client_for):
    client = client_for(acme_agent)
    oldest = Ticket.objects.for_account(acme).order_by("updated_at").first().updated_at
    columns = keyset.columns_of(agent_ticket_list(viewer=acme_agent, view_key="unsolved"))
    past = Ticket(updated_at=oldest - dt.timedelta(days=1), id=0)
    cursor = keyset.encode(keyset.AFTER, past, columns)
    response = client.get(f"/agent/views/3/?page=2&cursor={cursor}")
    assert _numbers(response.text) == _numbers(client.get("/agent/views/3/?page=2").text)


def test_changing_the_sort_starts_again_from_page_one(eleven, acme_agent, client_for):
    client = client_for(acme_agent)
    first = client.get("/agent/views/3/").text
    second = client.get("/agent/views/3/" + _link(first, "next")).text
    sort_links = re.findall(r'<th>[^<]*<a href="\?([^"]*)"', second)
    assert sort_links
    for query in map(html.unescape, sort_links):
        assert "cursor=" not in query and "page=" not in query


def test_help_center_pages_walk_by_cursor_within_the_viewers_requests(
    eleven, acme, acme_agent, acme_user, client_for
):
    # Another requester's tickets around the same times: never on this viewer's pages.
    stranger = make_ticket(account=acme, submitter=acme_agent, subject="Not yours")
    client = client_for(acme_user)
    forward = _walk(client, "/hc/", rows=HC_ROW)
    walked = [n for numbers, _ in forward for n in numbers]
    assert sorted(walked) == sorted(t.number for t in eleven)
    assert stranger.number not in walked
    # Tabs and filters start the list again.
    second = client.get("/hc/" + _link(client.get("/hc/").text, "next")).text
    for query in re.findall(r'class="tabs".*?</nav>', second, re.S):
        assert "cursor=" not in query


def test_pages_of_other_lists_keep_plain_numbers(acme, acme_admin, client_for):
    """The settings pages' paginators are Django's own: their links carry no cursor."""
    from notifications.models import Suppression

    for i in range(60):
        Suppression.objects.create(account=acme, email=f"gone{i}@example.com", reason="bounced")
    page = client_for(acme_admin).get("/agent/settings/suppressions/").text
    assert _link(page, "next") == "?page=2"
