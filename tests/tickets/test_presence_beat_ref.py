"""The heartbeat's proof of access (tickets.access.beat_ref): a steady beat skips the
ticket's query only with a proof issued to the same agent of the same account for the
same ticket, recently; anything else is looked up again, and refused as before."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.core.cache import cache

from tests.conftest import TenantClient
from tests.factories import AgentFactory, make_ticket
from tickets import access


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(account=acme, submitter=acme_agent, requester=acme_user)


def path(ticket, number=None):
    return f"/agent/tickets/{number or ticket.number}/presence/"


def first_beat(client, ticket):
    """The page's first beat: the fragment, its state and its proof."""
    text = client.post(path(ticket), {"body": ""}).text
    [state] = re.findall(r'name="state" value="([^"]*)"', text)
    [ref] = re.findall(r'name="ref" value="([^"]*)"', text)
    return state, ref


def test_a_steady_beat_with_its_proof_reads_no_ticket(
    ticket, agent_client, django_assert_num_queries
):
    state, ref = first_beat(agent_client, ticket)
    # The account, the session and the user, as every signed-in request: no ticket.
    with django_assert_num_queries(3):
        response = agent_client.post(path(ticket), {"body": "", "state": state, "ref": ref})
    assert response.status_code == 204


def test_another_agents_proof_is_not_taken(acme, ticket, agent_client, client_for):
    _state, carlas_ref = first_beat(client_for(AgentFactory(account=acme)), ticket)
    state, _ref = first_beat(agent_client, ticket)
    # Looked up again and rendered, with a proof of the agent's own.
    response = agent_client.post(path(ticket), {"body": "", "state": state, "ref": carlas_ref})
    assert response.status_code == 200
    [ref] = re.findall(r'name="ref" value="([^"]*)"', response.text)
    assert ref != carlas_ref


def test_a_proof_replayed_in_another_account_is_refused(
    acme, globex, ticket, agent_client, client_for, globex_agent
):
    state, ref = first_beat(agent_client, ticket)
    globex_client = client_for(globex_agent)
    response = globex_client.post(path(ticket), {"body": "", "state": state, "ref": ref})
    assert response.status_code == 404
    # Nor with globex's own ticket of that number, if it has none more.
    assert (
        globex_client.post(path(ticket, number=ticket.number + 50), {"ref": ref}).status_code == 404
    )


def test_a_proof_for_another_ticket_number_is_not_taken(acme, ticket, agent_client):
    state, ref = first_beat(agent_client, ticket)
    missing = ticket.number + 1000
    data = {"body": "", "state": state, "ref": ref}
    assert agent_client.post(path(ticket, number=missing), data).status_code == 404


def test_an_old_or_forged_proof_is_looked_up_again(ticket, agent_client, acme_agent, monkeypatch):
    state, ref = first_beat(agent_client, ticket)
    forged = signing.dumps(
        [acme_agent.account_id, acme_agent.pk, ticket.pk + 1, ticket.number], salt="other"
    )
    for bad in (forged, ref[:-2] + "xx", "not a proof"):
        response = agent_client.post(path(ticket), {"body": "", "state": state, "ref": bad})
        assert response.status_code == 200
    monkeypatch.setattr(access, "BEAT_REF_SECONDS", -1)  # every proof has expired
    response = agent_client.post(path(ticket), {"body": "", "state": state, "ref": ref})
    assert response.status_code == 200 and 'name="ref"' in response.text


def test_a_proof_does_not_sign_anyone_in(acme, ticket, agent_client, client_for, acme_user):
    state, ref = first_beat(agent_client, ticket)
    data = {"body": "", "state": state, "ref": ref}
    anonymous = client_for(account=acme).post(path(ticket), data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/signin/")
    assert client_for(acme_user).post(path(ticket), data).status_code == 404


def test_an_agent_made_end_user_is_refused_despite_a_proof(ticket, agent_client, acme_agent):
    state, ref = first_beat(agent_client, ticket)
    acme_agent.role = acme_agent.Role.END_USER
    acme_agent.save()
    response = agent_client.post(path(ticket), {"body": "", "state": state, "ref": ref})
    assert response.status_code == 404


def test_a_beat_needs_the_csrf_token_proof_or_not(acme, ticket, acme_agent):
    client = TenantClient(acme, enforce_csrf_checks=True)
    client.force_login(acme_agent)
    page = client.get(f"/agent/tickets/{ticket.number}/")
    assert page.status_code == 200
    ref = access.beat_ref(viewer=acme_agent, ticket=ticket)
    assert client.post(path(ticket), {"body": "", "ref": ref}).status_code == 403
