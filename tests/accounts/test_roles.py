"""Custom agent roles (issue 21): each permission refused in the services (one place),
through the pages and the API alike; the group-only agent's tickets in every list;
admins define roles and give them on the profile page and in invitations."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AgentRole, GroupMembership, User
from accounts.roles import EVERYTHING, permissions_of, role_create
from accounts.user_services import user_invite
from tests.api.conftest import ApiClient, basic_header, token_for
from tests.factories import AgentFactory, AgentGroupFactory, make_ticket
from ticketlinks.merge import ticket_merge
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to
from tickets.services import (
    RoleRefused,
    comment_add,
    ticket_delete,
    ticket_make_private,
    ticket_update,
)


def api_for(user) -> ApiClient:
    client = ApiClient(user.account)
    client.credentials(HTTP_AUTHORIZATION=basic_header(user.email, token_for(user)))
    return client


def builtin(account, key) -> AgentRole:
    return AgentRole.objects.for_account(account).get(builtin=key)


@pytest.fixture
def front_line(acme):
    return AgentFactory(
        account=acme,
        email="front@acme.example",
        name="Fran Front",
        agent_role=builtin(acme, "front_line"),
    )


@pytest.fixture
def light_agent(acme):
    return AgentFactory(
        account=acme,
        email="light@acme.example",
        name="Lee Light",
        agent_role=builtin(acme, "light_agent"),
    )


@pytest.fixture
def tier1(acme):
    return AgentGroupFactory(account=acme, name="Tier 1")


@pytest.fixture
def group_agent(acme, tier1):
    agent = AgentFactory(
        account=acme,
        email="group@acme.example",
        name="Gail Group",
        agent_role=builtin(acme, "group_agent"),
    )
    GroupMembership.objects.create(account=acme, group=tier1, user=agent)
    return agent


# The built-in roles


def test_every_account_starts_with_the_built_in_roles(acme, globex):
    for account in (acme, globex):
        keys = set(AgentRole.objects.for_account(account).values_list("builtin", flat=True))
        assert keys == {"light_agent", "group_agent", "front_line"}


def test_admins_and_plain_agents_may_do_everything(acme_admin, acme_agent, acme_user):
    assert permissions_of(acme_admin) == EVERYTHING
    assert permissions_of(acme_agent) == EVERYTHING
    assert not permissions_of(acme_user).solve


# Front line: updates, never solves or closes (seed 003)


def test_front_line_cannot_solve_or_close_in_the_service(acme, front_line):
    ticket = make_ticket(account=acme, submitter=front_line, assignee=front_line)
    ticket_update(ticket=ticket, actor=front_line, status=Ticket.Status.PENDING)
    for status in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
        with pytest.raises(RoleRefused, match="does not allow solving"):
            ticket_update(ticket=ticket, actor=front_line, status=status)
    with pytest.raises(RoleRefused):
        comment_add(ticket=ticket, author=front_line, body="Done", status=Ticket.Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING
    assert ticket.comments.count() == 1  # the refused reply left nothing behind


def test_front_line_cannot_delete_or_merge(acme, front_line):
    one = make_ticket(account=acme, submitter=front_line)
    two = make_ticket(account=acme, submitter=front_line)
    with pytest.raises(RoleRefused):
        ticket_delete(ticket=one, actor=front_line)
    with pytest.raises(RoleRefused):
        ticket_merge(target=one, sources=[two], actor=front_line)
    assert Ticket.objects.for_account(acme).count() == 2


def test_front_line_is_not_offered_solved_on_the_ticket_page_or_the_list(
    acme, front_line, acme_agent, client_for
):
    ticket = make_ticket(account=acme, submitter=front_line, assignee=front_line)
    client = client_for(front_line)
    page = client.get(f"/agent/tickets/{ticket.number}/").text
    sidebar = page[page.index('id="side_status"') :].split("</select>")[0]
    assert 'value="solved"' not in sidebar and 'value="closed"' not in sidebar
    assert 'value="pending"' in sidebar
    reply_box = page[page.index('class="split-submit"') :].split("</details>")[0]
    assert 'value="solved"' not in reply_box and 'value="pending"' in reply_box
    listing = client.get("/agent/tickets/bulk/fields/").text  # the list's bulk bar's fields
    bulk = listing[listing.index('name="status"') :].split("</select>")[0]
    assert 'value="solved"' not in bulk and 'value="pending"' in bulk
    # A plain agent is offered both.
    page = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/").text
    assert 'value="solved"' in page[page.index('id="side_status"') :].split("</select>")[0]


def test_front_line_posting_solved_anyway_is_refused_with_a_message(acme, front_line, client_for):
    ticket = make_ticket(account=acme, submitter=front_line, assignee=front_line)
    client = client_for(front_line)
    response = client.post(
        f"/agent/tickets/{ticket.number}/fields/",
        {
            "requester": ticket.requester.email,
            "initial-requester": ticket.requester.email,
            "status": "solved",
            "initial-status": "open",
            "assignee": str(front_line.number),
            "initial-assignee": str(front_line.number),
        },
        follow=True,
    )
    assert "Your role does not allow solving or closing tickets." in response.text
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    response = client.post(
        "/agent/tickets/bulk/",
        {"tickets": [str(ticket.number)], "status": "solved"},
        follow=True,
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_the_api_answers_403_in_zendesks_shape(acme, front_line):
    ticket = make_ticket(account=acme, submitter=front_line, assignee=front_line)
    api = api_for(front_line)
    response = api.put(
        f"tickets/{ticket.number}.json", {"ticket": {"status": "solved"}}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "error": "Forbidden",
        "description": "Your role does not allow solving or closing tickets.",
    }
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert (
        api.put(
            f"tickets/{ticket.number}.json", {"ticket": {"status": "pending"}}, format="json"
        ).status_code
        == 200
    )


# Light agent: internal notes only, never assigned, changes no ticket


def test_light_agents_add_internal_notes_only(acme, light_agent, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    note = comment_add(ticket=ticket, author=light_agent, body="FYI", public=False)
    assert not note.public
    with pytest.raises(RoleRefused, match="internal notes only"):
        comment_add(ticket=ticket, author=light_agent, body="Hello customer", public=True)
    # By email their reply threads in as an internal note.
    emailed = comment_add(
        ticket=ticket, author=light_agent, body="Re: hi", public=True, channel="email"
    )
    assert not emailed.public
    with pytest.raises(RoleRefused):
        ticket_update(ticket=ticket, actor=light_agent, priority="high")
    with pytest.raises(RoleRefused):
        ticket_make_private(ticket=ticket, actor=light_agent)


def test_light_agents_are_never_assigned(acme, light_agent, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    with pytest.raises(ValidationError, match="light agent"):
        ticket_update(ticket=ticket, actor=acme_agent, assignee=light_agent)


def test_the_light_agents_reply_box_offers_internal_notes_only(
    acme, light_agent, acme_agent, client_for
):
    ticket = make_ticket(account=acme, submitter=acme_agent)
    client = client_for(light_agent)
    page = client.get(f"/agent/tickets/{ticket.number}/").text
    assert 'value="internal"' in page and 'value="public"' not in page
    response = client.post(
        f"/agent/tickets/{ticket.number}/reply/",
        {"comment_type": "public", "body": "Hi there"},
    )
    assert ticket.comments.filter(body="Hi there").count() == 0
    assert response.status_code in (200, 400)
    client.post(
        f"/agent/tickets/{ticket.number}/reply/", {"comment_type": "internal", "body": "Note"}
    )
    assert ticket.comments.get(body="Note").public is False


# Group agent: their groups' tickets and those assigned to them, everywhere


@pytest.fixture
def group_world(acme, tier1, group_agent, acme_agent):
    tier2 = AgentGroupFactory(account=acme, name="Tier 2")
    GroupMembership.objects.create(account=acme, group=tier2, user=acme_agent)
    theirs = make_ticket(
        account=acme, submitter=acme_agent, subject="Tier one printer", group=tier1
    )
    other = make_ticket(account=acme, submitter=acme_agent, subject="Tier two printer", group=tier2)
    assigned = make_ticket(
        account=acme, submitter=acme_agent, subject="Assigned printer", assignee=group_agent
    )
    return theirs, other, assigned


def test_group_agents_see_their_groups_and_their_own_tickets_only(
    group_world, group_agent, acme_agent
):
    theirs, other, assigned = group_world
    assert set(tickets_visible_to(viewer=group_agent)) == {theirs, assigned}
    assert other in tickets_visible_to(viewer=acme_agent)


def test_group_agents_pages_lists_search_and_api_leave_other_groups_out(
    group_world, group_agent, client_for
):
    theirs, other, assigned = group_world
    client = client_for(group_agent)
    assert client.get(f"/agent/tickets/{other.number}/").status_code == 404
    assert client.get(f"/agent/tickets/{theirs.number}/").status_code == 200
    listing = client.get("/agent/views/unsolved/", follow=True).text
    assert "Tier one printer" in listing and "Tier two printer" not in listing
    found = client.get("/agent/search/?q=printer").text
    assert "Tier one printer" in found and "Tier two printer" not in found
    api = api_for(group_agent)
    subjects = {t["subject"] for t in api.get("tickets.json").json()["tickets"]}
    assert subjects == {"Tier one printer", "Assigned printer"}
    assert api.get(f"tickets/{other.number}.json").status_code == 404
    results = api.get("search.json", {"query": "type:ticket printer"}).json()["results"]
    assert "Tier two printer" not in {r.get("subject") for r in results}


# Admins define roles and give them


def test_admins_add_a_role_and_agents_cannot(acme, acme_admin, acme_agent, client_for):
    response = client_for(acme_admin).post(
        "/agent/settings/roles/new/",
        {"name": "Escalations", "ticket_access": "assigned", "public_replies": "on"},
    )
    assert response.status_code == 302
    role = AgentRole.objects.for_account(acme).get(name="Escalations")
    assert role.ticket_access == "assigned" and role.public_replies and not role.solve
    assert client_for(acme_agent).get("/agent/settings/roles/").status_code == 403
    page = client_for(acme_admin).get("/agent/settings/roles/").text
    assert "Escalations" in page and "Front line" in page


def test_built_in_roles_and_roles_in_use_are_not_deleted(acme, acme_admin, front_line, client_for):
    role = builtin(acme, "front_line")
    client_for(acme_admin).post(f"/agent/settings/roles/{role.number}/delete/")
    assert AgentRole.objects.for_account(acme).filter(pk=role.pk).exists()
    spare = role_create(account=acme, actor=acme_admin, name="Spare")
    client_for(acme_admin).post(f"/agent/settings/roles/{spare.number}/delete/")
    assert not AgentRole.objects.for_account(acme).filter(pk=spare.pk).exists()


def test_role_given_on_the_profile_page_and_in_an_invitation(
    acme, acme_admin, acme_agent, client_for
):
    role = builtin(acme, "front_line")
    client = client_for(acme_admin)
    page = client.get(f"/agent/settings/users/{acme_agent.number}/").text
    assert 'name="agent_role"' in page and "Front line" in page
    response = client.post(
        f"/agent/settings/users/{acme_agent.number}/",
        {
            "name": acme_agent.name,
            "email": acme_agent.email,
            "role": "agent",
            "agent_role": str(role.number),
        },
    )
    assert response.status_code == 302
    acme_agent.refresh_from_db()
    assert acme_agent.agent_role == role and not permissions_of(acme_agent).solve
    invited = user_invite(
        account=acme,
        actor=acme_admin,
        name="Nina New",
        email="nina@acme.example",
        role="agent",
        agent_role=role,
    )
    assert invited.agent_role == role
    response = client.post(
        "/agent/settings/users/invite/",
        {"name": "Otto", "email": "otto@acme.example", "role": "agent", "agent_role": role.number},
    )
    assert response.status_code == 302
    otto = acme_agent.__class__.objects.for_account(acme).get(email="otto@acme.example")
    assert otto.agent_role == role


def test_another_accounts_role_is_refused(acme, acme_admin, acme_agent, globex):
    from accounts.user_services import user_update

    with pytest.raises(ValidationError):
        user_update(user=acme_agent, actor=acme_admin, agent_role=builtin(globex, "front_line"))


def test_group_agents_view_counts_and_links_leave_other_groups_out(
    acme, group_world, group_agent, acme_agent
):
    from ticketlinks.selectors import links_for_ticket
    from ticketlinks.services import ticket_link_add
    from tickets.view_selectors import view_counts, views_for_agent

    theirs, other, assigned = group_world
    views = list(views_for_agent(viewer=group_agent).filter(key="unsolved"))
    assert views, "the built-in All unsolved view"
    counts = view_counts(views=views, viewer=group_agent)
    assert int(counts[views[0].number]) == 2
    assert int(view_counts(views=views, viewer=acme_agent)[views[0].number]) == 3
    ticket_link_add(ticket=theirs, other=other, kind="related", actor=acme_agent)
    assert links_for_ticket(account=acme, ticket=theirs, viewer=group_agent) == []
    assert len(links_for_ticket(account=acme, ticket=theirs, viewer=acme_agent)) == 1


def test_a_role_without_end_user_management_cannot_add_users(acme, light_agent, client_for):
    client = client_for(light_agent)
    response = client.post(
        "/agent/users/new/", {"name": "Pat New", "email": "pat@new.example", "phone": ""}
    )
    assert "Your role does not allow adding or editing end users." in response.text
    assert not User.objects.for_account(acme).filter(email="pat@new.example").exists()


def test_merge_and_make_private_are_not_offered_to_roles_that_refuse_them(
    acme, front_line, light_agent, acme_agent, client_for
):
    """The buttons follow the role (the services refuse anyway, tested above): the
    ticket page's "Make private" and "Merge into another ticket", the list's bulk "Merge…".
    Deleting a ticket has no button on the pages (API only, refused there by the role)."""
    ticket = make_ticket(account=acme, submitter=acme_agent)
    merge_link = "/agent/tickets/merge/?tickets="
    for refused in (front_line, light_agent):
        client = client_for(refused)
        page = client.get(f"/agent/tickets/{ticket.number}/").text
        assert merge_link not in page
        listing = client.get("/agent/views/unsolved/", follow=True).text
        assert 'formaction="/agent/tickets/merge/"' not in listing
    page = client_for(light_agent).get(f"/agent/tickets/{ticket.number}/").text
    assert "/make-private/" not in page
    # Front line may make private (only solving, deleting and merging are refused).
    assert "/make-private/" in client_for(front_line).get(f"/agent/tickets/{ticket.number}/").text
    client = client_for(acme_agent)
    page = client.get(f"/agent/tickets/{ticket.number}/").text
    assert merge_link in page and "/make-private/" in page
    listing = client.get("/agent/views/unsolved/", follow=True).text
    assert 'formaction="/agent/tickets/merge/"' in listing
