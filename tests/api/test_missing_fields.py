"""Issue 23's missing fields, as clients read them: tickets' custom_status_id,
problem_id and generated_timestamp; users' alias, details, notes, signature,
last_login_at, iana_time_zone, photo, role_type and shared; requests' group_id and
ticket_form_id; organizations' group_id. Each answer still matches Zendesk's schema."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.zendesk import assert_matches
from tests.factories import AgentGroupFactory, make_ticket
from ticketlinks.services import ticket_link_add

pytestmark = pytest.mark.django_db


def test_a_tickets_problem_id_and_generated_timestamp(agent_api, acme, acme_agent):
    problem = make_ticket(account=acme, submitter=acme_agent, type="problem")
    incident = make_ticket(account=acme, submitter=acme_agent)
    ticket_link_add(ticket=incident, other=problem, kind="incident", actor=acme_agent)
    shown = agent_api.get(f"tickets/{incident.number}.json").json()["ticket"]
    assert_matches({"ticket": shown}, "TicketResponse")
    assert shown["problem_id"] == problem.number
    assert shown["custom_status_id"] is not None
    incident.refresh_from_db()
    assert shown["generated_timestamp"] == int(incident.updated_at.timestamp())
    listed = {t["id"]: t for t in agent_api.get("tickets.json").json()["tickets"]}
    assert listed[incident.number]["problem_id"] == problem.number
    assert listed[problem.number]["problem_id"] is None


def test_a_users_profile_fields(agent_api, api_for, acme, acme_user):
    acme_user.notes = "Prefers phone"
    acme_user.last_login = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    acme_user.time_zone = "Europe/Rome"
    acme_user.save()
    shown = agent_api.get(f"users/{acme_user.number}.json").json()
    assert_matches(shown, "UserResponse")
    user = shown["user"]
    assert user["notes"] == "Prefers phone"
    assert user["last_login_at"] == "2026-01-02T03:04:05Z"
    assert user["iana_time_zone"] == "Europe/Rome"
    for name in ("alias", "details", "signature", "photo", "role_type"):
        assert name in user and user[name] is None, name
    assert user["shared"] is False
    # An end user reading their own profile is not shown the agents' notes about them.
    mine = api_for(acme_user).get("users/me.json").json()["user"]
    assert mine["notes"] is None


def test_a_requests_group_and_form(api_for, acme, acme_user, acme_agent):
    group = AgentGroupFactory(account=acme, name="Tier 2")
    ticket = make_ticket(account=acme, submitter=acme_user)
    type(ticket).objects.for_account(acme).filter(pk=ticket.pk).update(group=group)
    shown = api_for(acme_user).get(f"requests/{ticket.number}.json").json()["request"]
    assert shown["group_id"] == group.number
    assert "ticket_form_id" in shown and shown["ticket_form_id"] is None


def test_an_organizations_group_id(agent_api, acme_org):
    shown = agent_api.get(f"organizations/{acme_org.number}.json").json()
    assert_matches(shown, "OrganizationResponse")
    assert "group_id" in shown["organization"] and shown["organization"]["group_id"] is None
