"""Support access (seed 004): the requester grants or revokes it on the request page;
while it is revoked, agents other than the assignee see the ticket's fields but no
comment's body, on every surface; each switch is in the Activity."""

import pytest

from notifications.emails import conversation_for
from notifications.recipients import Recipient
from tests.api.conftest import basic_header, token_for
from tests.conftest import TenantClient
from tests.factories import AgentFactory, make_ticket
from tickets.models import Comment, Ticket, TicketEvent
from tickets.services import comment_add, ticket_update

SECRET = "qksecretbodyzz"
# Words of the bodies that no search box echoes back (the searches ask for SECRET).
LEAK = b"charged twice"


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    ticket = make_ticket(
        account=acme,
        submitter=acme_agent,
        requester=acme_user,
        subject="Billing question",
        body=f"My card {SECRET} was charged twice",
        assignee=acme_agent,
    )
    comment_add(ticket=ticket, author=acme_agent, body=f"Note {SECRET}-note", public=False)
    return ticket


def switch(client_for, user, ticket, access):
    return client_for(user).post(
        f"/hc/requests/{ticket.number}/support-access/", {"access": access}
    )


def api(user):
    client = TenantClient(user.account)
    client.defaults["HTTP_AUTHORIZATION"] = basic_header(user.email, token_for(user))
    return client


def agent_surfaces(client_for, agent, ticket):
    web, rest = client_for(agent), api(agent)
    n = ticket.number
    for path in (f"/agent/tickets/{n}/", f"/agent/tickets/{n}/?tab=activity"):
        yield path, web.get(path)
    yield "search", web.get(f"/agent/search/?q={SECRET}")
    yield "view", web.get("/agent/views/recent/", follow=True)
    for path in (
        f"/api/v2/tickets/{n}.json",
        f"/api/v2/tickets/{n}/comments.json",
        f"/api/v2/tickets/{n}/audits.json",
        f"/api/v2/search.json?query={SECRET}",
        "/api/v2/tickets.json",
    ):
        yield "API " + path, rest.get(path)


def test_the_requester_revokes_and_grants_and_the_activity_records_both(
    client_for, acme, acme_user, acme_agent, ticket
):
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/")
    assert b"Revoke support access" in page.content
    assert switch(client_for, acme_user, ticket, "revoke").status_code == 302
    ticket.refresh_from_db()
    assert ticket.support_access is False
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/")
    assert b"Grant support access" in page.content
    switch(client_for, acme_user, ticket, "grant")
    ticket.refresh_from_db()
    assert ticket.support_access is True
    events = (
        TicketEvent.objects.for_account(ticket.account)
        .filter(ticket=ticket, field="support_access")
        .order_by("id")
    )
    assert [(e.actor, e.old_value, e.new_value) for e in events] == [
        (acme_user, "granted", "revoked"),
        (acme_user, "revoked", "granted"),
    ]
    activity = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/?tab=activity")
    assert b"Support access" in activity.content and b"Revoked" in activity.content


def test_only_the_requester_may_switch_and_bad_input_is_refused(
    client_for, acme, acme_user, acme_manager, acme_agent, ticket
):
    # The organization's manager sees the request but is not its requester.
    switch(client_for, acme_manager, ticket, "revoke")
    assert Ticket.objects.for_account(acme).get(pk=ticket.pk).support_access is True
    response = switch(client_for, acme_user, ticket, "maybe")
    assert response.status_code == 302
    assert Ticket.objects.for_account(acme).get(pk=ticket.pk).support_access is True
    # An agent is sent to the agent side, and the switch does not move.
    switch(client_for, acme_agent, ticket, "revoke")
    assert Ticket.objects.for_account(acme).get(pk=ticket.pk).support_access is True


def test_while_revoked_other_agents_see_fields_but_no_body_anywhere(
    client_for, acme, acme_admin, acme_user, acme_agent, ticket
):
    other = AgentFactory(account=acme)
    for agent in (other, acme_admin):
        for where, response in agent_surfaces(client_for, agent, ticket):
            assert response.status_code == 200, where
    seen = b"".join(r.content for _w, r in agent_surfaces(client_for, other, ticket))
    assert LEAK in seen  # granted: everyone reads it

    switch(client_for, acme_user, ticket, "revoke")
    for agent in (other, acme_admin):
        for where, response in agent_surfaces(client_for, agent, ticket):
            assert response.status_code == 200, where
            assert LEAK not in response.content, (agent, where)
        page = client_for(agent).get(f"/agent/tickets/{ticket.number}/")
        assert b"Billing question" in page.content  # the fields stay
        assert b"support-access-revoked" in page.content
    # The assignee still reads everything.
    seen = b"".join(r.content for _w, r in agent_surfaces(client_for, acme_agent, ticket))
    assert LEAK in seen
    # The requester's own page is unchanged.
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/")
    assert LEAK in page.content


def test_emails_to_other_agents_carry_no_body_while_revoked(
    client_for, acme, acme_user, acme_agent, ticket
):
    other = AgentFactory(account=acme)
    switch(client_for, acme_user, ticket, "revoke")
    ticket.refresh_from_db()
    assert conversation_for(ticket, Recipient(user=other, email=other.email)) == []
    everything = list(
        Comment.objects.for_account(acme).filter(ticket=ticket).order_by("created_at", "id")
    )
    assert conversation_for(ticket, Recipient(user=other, email=other.email), everything) == []
    assert len(conversation_for(ticket, Recipient(user=acme_agent, email=acme_agent.email))) == 2


def test_while_revoked_other_agents_see_no_sentiment_either(
    client_for, acme, acme_admin, acme_user, acme_agent
):
    """The sentiment marker is read from the words: withheld with them (the ticket
    page, a view's column, a view's condition), still there for the assignee."""
    from tickets.services.saved_views import view_create

    angry = make_ticket(
        account=acme,
        submitter=acme_user,
        requester=acme_user,
        subject="Angry one",
        body="This is unacceptable, terrible service.",
    )
    ticket_update(ticket=angry, actor=acme_agent, assignee=acme_agent)
    every = view_create(
        account=acme,
        actor=acme_admin,
        title="Everything",
        conditions={"all": [{"field": "status", "operator": "less_than", "value": "closed"}]},
        columns=["number", "subject", "sentiment"],
    )
    unhappy = view_create(
        account=acme,
        actor=acme_admin,
        title="Unhappy customers",
        conditions={"all": [{"field": "sentiment", "operator": "is", "value": "negative"}]},
        columns=["number", "subject"],
    )
    other = AgentFactory(account=acme)

    def seen_by(agent):
        client = client_for(agent)
        page = client.get(f"/agent/tickets/{angry.number}/").text
        column = client.get(f"/agent/views/{every.number}/").text
        filtered = client.get(f"/agent/views/{unhappy.number}/").text
        assert "Angry one" in column
        return ("sentiment-negative" in page, "Negative" in column, "Angry one" in filtered)

    assert seen_by(other) == (True, True, True)
    switch(client_for, acme_user, angry, "revoke")
    assert seen_by(other) == (False, False, False)
    assert seen_by(acme_agent) == (True, True, True)
