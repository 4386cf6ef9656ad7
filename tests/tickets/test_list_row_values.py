"""The list page reads its rows as ``.values()`` dicts, not model instances (issue 17:
Model.from_db was a fifth of the page's CPU). The other lists (search, a person's
tickets, a redrawn row) still pass Ticket instances: both must print the same cells, for
every column a view can show, per viewer (the sentiment withheld by support access),
and the page's own rows must hold the values and escape them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from customfields.models import TicketField
from servicelevels.models import TicketSla
from tests.factories import AgentFactory, EndUserFactory, make_ticket
from tickets.models import Ticket
from tickets.services import ticket_update
from tickets.services.saved_views import view_create
from tickets.templatetags.agent import ticket_row_values
from tickets.view_selectors import (
    VIEW_COLUMNS,
    view_columns,
    view_ticket_list,
    view_ticket_rows,
)

UNSOLVED = {"all": [{"field": "status", "operator": "less_than", "value": "solved"}]}


@pytest.fixture
def every_column(acme, acme_admin):
    impact = TicketField.objects.for_account(acme).get(title="Impact")
    return view_create(
        account=acme,
        actor=acme_admin,
        title="Every column",
        conditions=UNSOLVED,
        columns=[*VIEW_COLUMNS, f"custom_fields.{impact.number}"],
    )


@pytest.fixture
def tickets(acme, acme_admin, acme_agent):
    impact = TicketField.objects.for_account(acme).get(title="Impact")
    requester = EndUserFactory(account=acme, name="<b>Bob</b> & Co", email="bob@x.example")
    full = make_ticket(
        account=acme, submitter=acme_admin, requester=requester, subject="Server <down>"
    )
    ticket_update(ticket=full, actor=acme_admin, priority="urgent", assignee=acme_agent)
    Ticket.objects.for_account(acme).filter(pk=full.pk).update(
        type="incident",
        channel="email",
        satisfaction_rating="good",
        escalation="open",
        sentiment="negative",
        support_access=False,  # withheld from agents other than the assignee
        activity_status="unread",
        time_worked=5400,
        tags="vip <script>",
        due_at=timezone.now() + dt.timedelta(days=3),
        custom_fields={impact.key: "high"},
    )
    TicketSla.objects.create(
        account=acme, ticket=full, next_breach_at=timezone.now() - dt.timedelta(hours=2)
    )
    blank = make_ticket(account=acme, submitter=acme_admin, subject="Plain question")
    return full, blank


def _rows(view, viewer, *, values: bool) -> list[dict]:
    request = RequestFactory().get("/")
    request.user = viewer
    select = view_ticket_rows if values else view_ticket_list
    tickets = list(select(view=view, viewer=viewer))
    keys = [c.key for c in view_columns(view)]
    return ticket_row_values({"request": request}, tickets, keys, view_columns(view))


@pytest.mark.parametrize("who", ["assignee", "other_agent"])
def test_values_rows_print_what_ticket_instances_print(
    acme, acme_agent, every_column, tickets, who
):
    viewer = acme_agent if who == "assignee" else AgentFactory(account=acme)
    from_values = _rows(every_column, viewer, values=True)
    from_models = _rows(every_column, viewer, values=False)
    assert from_values == from_models
    full = next(r for r in from_values if r["number"] == str(tickets[0].number))
    assert full["subject"] == "Server <down>" and full["requester"] == "<b>Bob</b> & Co"
    assert full["assignee"] == acme_agent.name and full["priority_label"] == "Urgent"
    assert full["type"] == "Incident" and full["satisfaction"] == "Good, I'm satisfied"
    assert full["time_worked"] == "1h 30m" and full["tags"] == "vip <script>"
    assert full["sla"]["breached"] == "breached" and full["activity"] == "unread"
    impact = next(k for k in full if k.startswith("custom_fields."))
    assert full[impact] == "High"
    # The sentiment's tone is the assignee's to read while support access is revoked.
    assert full["sentiment"] == ("Negative" if who == "assignee" else "")
    blank = next(r for r in from_values if r["number"] == str(tickets[1].number))
    assert blank["assignee"] == "" and blank["sla"] is None and blank[impact] == ""


def test_the_list_page_prints_its_values_rows_escaped(
    acme, acme_agent, client_for, every_column, tickets
):
    page = client_for(acme_agent).get(f"/agent/views/{every_column.number}/")
    assert all(isinstance(row, dict) for row in page.context["page"].object_list)
    html = page.text
    assert "Server &lt;down&gt;" in html and "Server <down>" not in html
    assert "&lt;b&gt;Bob&lt;/b&gt; &amp; Co" in html
    assert "vip &lt;script&gt;" in html
    assert 'class="sla-cell sla-breached"' in html
    assert "<td>High</td>" in html and "<td>Good, I&#x27;m satisfied</td>" in html


def test_next_and_deep_pages_walk_values_rows(acme, acme_admin, acme_agent, client_for):
    for i in range(7):
        make_ticket(account=acme, submitter=acme_admin, subject=f"Walk {i}")
    view = view_create(account=acme, actor=acme_admin, title="Walk", conditions=UNSOLVED)
    client = client_for(acme_agent)
    url = f"/agent/views/{view.number}/"
    from tickets import counts
    from tickets.views import lists

    first = client.get(url).context["page"]
    total = first.paginator.count
    old, old_deferred = lists.PER_PAGE, counts.DEFERRED_JOIN_FROM
    lists.PER_PAGE, counts.DEFERRED_JOIN_FROM = 3, 0
    try:
        page1 = client.get(url).context["page"]
        cursor = page1.next_cursor
        by_cursor = client.get(url, {"page": 2, "cursor": cursor}).context["page"]
        by_number = client.get(url, {"page": 2}).context["page"]
    finally:
        lists.PER_PAGE, counts.DEFERRED_JOIN_FROM = old, old_deferred
    numbers = [row["number"] for row in by_cursor.object_list]
    assert numbers == [row["number"] for row in by_number.object_list]
    assert len(numbers) == 3 and total >= 7
    assert not set(numbers) & {row["number"] for row in page1.object_list}
