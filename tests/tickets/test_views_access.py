"""Who may open which agent page (rule 9: end users never see any agent page), and no
agent action changes state through GET."""

import pytest

from tests.factories import AgentGroupFactory, make_ticket

PAGES = [
    "/agent/",
    "/agent/views/3/",
    "/agent/search/?q=x",
    "/agent/tickets/new/",
    "/agent/tickets/new/requester/search/?requester=a",
    "/agent/tickets/new/requester/pick/",
    "/agent/tickets/cc/search/?ccs=a",
    "/agent/tickets/{ticket}/",
    "/agent/tickets/{ticket}/?tab=activity",
    "/agent/users/new/",
    "/agent/users/{user}/",
]
ACTIONS = [
    "/agent/tickets/bulk/",
    "/agent/tickets/{ticket}/reply/",
    "/agent/tickets/{ticket}/fields/",
    "/agent/tickets/{ticket}/make-private/",
    "/agent/users/inline/",
    "/agent/settings/agents/{agent}/role/",
    "/agent/settings/groups/{group}/members/",
    "/agent/settings/groups/{group}/members/{agent}/remove/",
]


@pytest.fixture
def urls(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    group = AgentGroupFactory(account=acme)
    numbers = {
        "ticket": ticket.number,
        "user": acme_user.number,
        "agent": acme_agent.number,
        "group": group.number,
    }
    return lambda template: template.format(**numbers)


@pytest.mark.parametrize("page", PAGES + ACTIONS)
def test_end_users_get_404_on_every_agent_page(urls, acme_user, client_for, page):
    client = client_for(acme_user)
    assert client.get(urls(page)).status_code in (404, 405)
    assert client.post(urls(page)).status_code == 404


@pytest.mark.parametrize("page", PAGES + ACTIONS)
def test_anonymous_visitors_are_sent_to_sign_in(urls, acme, client_for, page):
    response = client_for(account=acme).get(urls(page))
    assert response.status_code == 302 and "/signin/" in response["Location"]


@pytest.mark.parametrize("page", PAGES)
def test_agents_open_every_page(urls, agent_client, page):
    assert agent_client.get(urls(page), headers={"HX-Request": "true"}).status_code in (200, 302)


@pytest.mark.parametrize("action", ACTIONS)
def test_no_action_changes_state_through_get(urls, client_for, acme_admin, action):
    assert client_for(acme_admin).get(urls(action)).status_code == 405
