"""zenpy, unchanged, reads a ticket's audits and changes its tags over HTTP, each call
in its own request and transaction, as against Zendesk."""

from __future__ import annotations

import pytest
from zenpy.lib.api_objects import Comment, Ticket

from tests.api.test_zenpy import zenpy  # noqa: F401  # the live-server client fixture

pytestmark = pytest.mark.django_db(transaction=True)


def test_zenpy_reads_audits_and_changes_tags(zenpy):  # noqa: F811
    ticket = zenpy.tickets.create(
        Ticket(subject="Printer on fire", tags=["printer"], comment=Comment(body="Help"))
    ).ticket
    # Straight after the create, by the same agent: still its own change set.
    ticket.comment = Comment(body="Internal: firmware", public=False)
    ticket.priority = "high"
    zenpy.tickets.update(ticket)
    zenpy.tickets.add_tags(ticket.id, ["vip"])
    zenpy.tickets.delete_tags(ticket.id, ["printer"])
    assert list(zenpy.tickets.tags(ticket.id)) == ["vip"]

    audits = list(zenpy.tickets.audits(ticket=ticket.id))

    assert len(audits) == 4
    created, updated, added, removed = audits
    # The requester's "request received" email, as Zendesk lists it: a Notification.
    assert [e["type"] for e in created.events] == ["Create", "Comment", "Notification"]
    assert created.events[2]["via"]["source"]["rel"] == "trigger"
    comment = next(e for e in updated.events if e["type"] == "Comment")
    assert comment["body"] == "Internal: firmware" and comment["public"] is False
    assert {"field_name": "priority", "value": "high"}.items() <= next(
        e for e in updated.events if e.get("field_name") == "priority"
    ).items()
    assert added.events[0]["value"] == ["printer", "vip"]
    assert removed.events[0]["previous_value"] == ["printer", "vip"]
    assert all(a.ticket_id == ticket.id for a in audits)
