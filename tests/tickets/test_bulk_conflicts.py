"""The lists' bulk update carries the version of each row it showed: a ticket a colleague
changed since is reported and left as the colleague left it; the others are updated."""

from __future__ import annotations

import re

from tests.factories import AgentFactory, make_ticket
from tickets.models import Ticket, View
from tickets.services import ticket_update


def _stamps(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="stamp_(\d+)" value="([^"]+)"', page))


def test_a_bulk_change_to_a_ticket_changed_since_the_list_is_reported_not_applied(
    acme, acme_agent, acme_user, agent_client
):
    first = make_ticket(account=acme, submitter=acme_user, subject="First")
    second = make_ticket(account=acme, submitter=acme_user, subject="Second")
    unsolved = View.objects.for_account(acme).get(key="unsolved")
    listed = f"/agent/views/{unsolved.number}/"
    stamps = _stamps(agent_client.get(listed).text)
    assert {str(first.number), str(second.number)} <= set(stamps)
    # A colleague raises the first ticket's priority after the list was shown.
    carla = AgentFactory(account=acme, name="Carla Colleague")
    ticket_update(ticket=first, actor=carla, priority="urgent")
    data = {
        "tickets": [str(first.number), str(second.number)],
        "priority": "low",
        "next": listed,
        **{f"stamp_{n}": v for n, v in stamps.items()},
    }
    page = agent_client.post("/agent/tickets/bulk/", data, follow=True).text
    assert "1 ticket updated" in page
    [warning] = re.findall(rf"#{first.number} was not updated: [^<]*", page)
    assert "Carla Colleague" in warning and "Priority" in warning
    rows = {t.number: t.priority for t in Ticket.objects.for_account(acme)}
    assert rows[first.number] == "urgent"  # the colleague's change stands
    assert rows[second.number] == "low"
    # A form without versions (an older page) still applies, as before.
    data = {"tickets": [str(first.number)], "priority": "high", "next": listed}
    agent_client.post("/agent/tickets/bulk/", data)
    assert Ticket.objects.for_account(acme).get(pk=first.pk).priority == "high"


def test_a_bad_version_is_no_version(acme, acme_user, agent_client):
    ticket = make_ticket(account=acme, submitter=acme_user)
    data = {"tickets": [str(ticket.number)], "priority": "low", f"stamp_{ticket.number}": "junk"}
    response = agent_client.post("/agent/tickets/bulk/", data, follow=True)
    assert response.status_code == 200 and "1 ticket updated" in response.text
