"""``make bench`` picks scenario 1b's deep page of "All unsolved tickets" (issue 15, item 5):
past EXACT_UP_TO rows the list's paginator counts by the planner's estimate, so a deep
page chosen from the exact count can lie past the paginator's last page (EmptyPage at
200,000 tickets, hidden at a million by the 2,000-page cap)."""

from __future__ import annotations

import math

import pytest
from django.core.paginator import EmptyPage

from bench.scenarios import deep_page, deep_page_cursor
from tests.factories import make_ticket
from tickets import counts
from tickets.counts import EstimatedCount, TicketPaginator
from tickets.view_selectors import agent_ticket_list
from tickets.views import lists


@pytest.fixture
def estimated(monkeypatch):
    """A handful of tickets takes the path of 200,000: counts estimated past 3 rows,
    two tickets a page."""
    monkeypatch.setattr(counts, "EXACT_UP_TO", 3)
    monkeypatch.setattr(lists, "PER_PAGE", 2)


def _unsolved(agent):
    return TicketPaginator(agent_ticket_list(viewer=agent, view_key="unsolved"), lists.PER_PAGE)


def test_deep_page_lies_within_what_the_paginator_counts(estimated, acme, acme_agent, acme_user):
    for i in range(12):
        make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject=f"T {i}")
    paginator = _unsolved(acme_agent)
    assert isinstance(paginator.count, EstimatedCount)
    # As at 200,000 tickets: by the exact count the deep page lies past the last page the
    # paginator counts (12 rows are 6 pages; the estimate is held at EXACT_UP_TO + 1).
    assert math.ceil(12 / lists.PER_PAGE) > paginator.num_pages
    with pytest.raises(EmptyPage):
        deep_page_cursor(acme_agent, math.ceil(12 / lists.PER_PAGE))  # what make bench did

    page = deep_page(acme_agent)
    cursor = deep_page_cursor(acme_agent, page)

    assert 2 <= page <= min(paginator.num_pages, 6)
    assert cursor  # the Next link of the page before: rows are really there
    landed = _unsolved(acme_agent).get_page(page, cursor)
    assert landed.number == page and len(landed)
