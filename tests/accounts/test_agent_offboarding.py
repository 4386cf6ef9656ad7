"""Agents join and leave the team (issue 21): an invitation sets their role, groups and
default group; deactivating one lists their open tickets and hands them to another agent
or a group in the same step, each move in the ticket's Activity."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.identity_models import AuditEntry
from accounts.models import GroupMembership, User
from accounts.selectors import default_group_of
from accounts.services import group_add_agent
from accounts.user_services import agent_set_groups, user_invite
from tests.factories import AgentFactory, AgentGroupFactory, make_ticket
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_update
from tickets.services.offboarding import agent_deactivate_and_reassign


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def leaving(acme):
    return AgentFactory(account=acme, name="Lea Leaving")


def test_invited_agent_joins_groups_and_a_default_group_that_assignment_uses(acme, acme_admin):
    billing = AgentGroupFactory(account=acme, name="Billing")
    tier2 = AgentGroupFactory(account=acme, name="Tier 2")
    agent = user_invite(
        account=acme,
        actor=acme_admin,
        name="Nina New",
        email="nina@acme.example",
        role=User.Role.AGENT,
        groups=[billing],
        default_group=tier2,
    )
    assert set(agent.agent_groups.all()) == {billing, tier2}
    assert default_group_of(agent) == tier2
    ticket = make_ticket(account=acme, assignee=agent)
    assert ticket.group == tier2
    other = make_ticket(account=acme)
    ticket_update(ticket=other, actor=acme_admin, assignee=agent)
    other.refresh_from_db()
    assert other.group == tier2


def test_only_one_default_group_and_only_the_accounts_groups(acme, acme_admin, globex):
    agent = AgentFactory(account=acme)
    a, b = AgentGroupFactory(account=acme), AgentGroupFactory(account=acme)
    agent_set_groups(agent=agent, actor=acme_admin, groups=[a, b], default_group=a)
    agent_set_groups(agent=agent, actor=acme_admin, groups=[a, b], default_group=b)
    defaults = GroupMembership.objects.for_account(acme).filter(user=agent, is_default=True)
    assert [m.group for m in defaults] == [b]
    with pytest.raises(ValidationError):
        agent_set_groups(agent=agent, actor=acme_admin, groups=[AgentGroupFactory(account=globex)])


def test_an_agent_cannot_invite_agents(acme, acme_agent):
    with pytest.raises(PermissionDenied):
        user_invite(account=acme, actor=acme_agent, name="X", email="x@acme.example", role="agent")


def test_deactivation_is_refused_while_open_tickets_have_no_new_owner(acme, acme_admin, leaving):
    ticket = make_ticket(account=acme, assignee=leaving)
    with pytest.raises(ValidationError, match="1 open ticket"):
        agent_deactivate_and_reassign(agent=leaving, actor=acme_admin)
    leaving.refresh_from_db()
    ticket.refresh_from_db()
    assert leaving.is_active and ticket.assignee == leaving


def test_open_tickets_go_to_an_agent_and_solved_ones_stay(acme, acme_admin, leaving):
    support = AgentGroupFactory(account=acme, name="Support")
    group_add_agent(group=support, agent=leaving)
    taker = AgentFactory(account=acme, name="Tom Taker")
    kept_group = make_ticket(account=acme, assignee=leaving, group=support)
    group_add_agent(group=support, agent=taker)
    pending = make_ticket(account=acme, assignee=leaving, status=Ticket.Status.PENDING)
    solved = make_ticket(account=acme, assignee=leaving, status=Ticket.Status.SOLVED)
    moved = agent_deactivate_and_reassign(agent=leaving, actor=acme_admin, to_agent=taker)
    assert moved == 2
    for ticket in (kept_group, pending, solved):
        ticket.refresh_from_db()
    assert kept_group.assignee == taker and kept_group.group == support
    assert pending.assignee == taker
    assert solved.assignee == leaving
    event = kept_group.events.get(kind=TicketEvent.Kind.CHANGE, field="assignee")
    assert (event.old_value, event.new_value) == ("Lea Leaving", "Tom Taker")
    assert event.actor == acme_admin
    leaving.refresh_from_db()
    assert not leaving.is_active
    assert (
        AuditEntry.objects.for_account(acme)
        .filter(action=AuditEntry.Action.AGENT_DEACTIVATED)
        .exists()
    )


def test_a_new_assignee_outside_the_tickets_group_takes_it_to_their_default(
    acme, acme_admin, leaving
):
    support, tier2 = AgentGroupFactory(account=acme), AgentGroupFactory(account=acme)
    group_add_agent(group=support, agent=leaving)
    ticket = make_ticket(account=acme, assignee=leaving, group=support)
    taker = AgentFactory(account=acme)
    agent_set_groups(agent=taker, actor=acme_admin, groups=[tier2], default_group=tier2)
    agent_deactivate_and_reassign(agent=leaving, actor=acme_admin, to_agent=taker)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.group) == (taker, tier2)


def test_open_tickets_go_to_a_group_unassigned(acme, acme_admin, leaving):
    queue = AgentGroupFactory(account=acme, name="Queue")
    ticket = make_ticket(account=acme, assignee=leaving)
    agent_deactivate_and_reassign(agent=leaving, actor=acme_admin, to_group=queue)
    ticket.refresh_from_db()
    assert ticket.assignee is None and ticket.group == queue


def test_tickets_cannot_go_to_another_account_or_an_end_user(
    acme, acme_admin, leaving, acme_user, globex_agent
):
    make_ticket(account=acme, assignee=leaving)
    for taker in (acme_user, globex_agent, leaving):
        with pytest.raises(ValidationError):
            agent_deactivate_and_reassign(agent=leaving, actor=acme_admin, to_agent=taker)
    with pytest.raises(PermissionDenied):
        agent_deactivate_and_reassign(
            agent=leaving, actor=AgentFactory(account=acme), to_agent=acme_admin
        )
    leaving.refresh_from_db()
    assert leaving.is_active


# The pages


def test_the_page_lists_open_tickets_and_reassigns_in_the_same_step(
    acme, acme_admin, leaving, client_for
):
    taker = AgentFactory(account=acme, name="Tom Taker")
    make_ticket(account=acme, assignee=leaving, subject="Broken hinge")
    make_ticket(account=acme, assignee=leaving, subject="Closed one", status="solved")
    client = client_for(acme_admin)
    page = client.get(f"/agent/settings/agents/{leaving.number}/deactivate/").content.decode()
    assert "Broken hinge" in page and "Closed one" not in page
    assert "has 1 open ticket" in page
    refused = client.post(f"/agent/settings/agents/{leaving.number}/deactivate/", {})
    assert refused.status_code == 200
    assert "choose who takes it" in refused.content.decode()
    done = client.post(
        f"/agent/settings/agents/{leaving.number}/deactivate/", {"to_agent": taker.number}
    )
    assert done.status_code == 302
    assert Ticket.objects.for_account(acme).get(subject="Broken hinge").assignee == taker
    leaving.refresh_from_db()
    assert not leaving.is_active
    # Gone from the team: the page is for active agents only.
    assert client.get(f"/agent/settings/agents/{leaving.number}/deactivate/").status_code == 404


def test_the_team_page_invites_with_groups_and_a_default_group(acme, acme_admin, client_for):
    group = AgentGroupFactory(account=acme, name="Billing")
    client = client_for(acme_admin)
    response = client.post(
        "/agent/settings/agents/",
        {
            "name": "Gia Group",
            "email": "gia@acme.example",
            "role": "agent",
            "groups": [group.number],
            "default_group": group.number,
        },
    )
    assert response.status_code == 302
    agent = User.objects.for_account(acme).get(email="gia@acme.example")
    assert default_group_of(agent) == group
    assert (
        AuditEntry.objects.for_account(acme).filter(action=AuditEntry.Action.USER_INVITED).exists()
    )


def test_suspending_an_agent_from_their_profile_goes_through_the_hand_over(
    acme, acme_admin, leaving, client_for
):
    make_ticket(account=acme, assignee=leaving)
    client = client_for(acme_admin)
    profile = client.get(f"/agent/settings/users/{leaving.number}/").content.decode()
    assert f"/agent/settings/agents/{leaving.number}/deactivate/" in profile
    response = client.post(f"/agent/settings/users/{leaving.number}/suspend/")
    assert response["Location"].endswith(f"/agent/settings/agents/{leaving.number}/deactivate/")
    leaving.refresh_from_db()
    assert leaving.is_active
