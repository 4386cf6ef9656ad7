"""The help center shows a request's custom status by its end-user label only (issue
19): on the list, the request page and in search; the agents' label never appears."""

from __future__ import annotations

import pytest

from tests.factories import make_ticket
from tickets.models import CustomStatus
from tickets.services.statuses import custom_status_create

AGENT_LABEL = "Blocked by vendor bug 4411"
END_USER_LABEL = "We are on it"


@pytest.fixture
def blocked(acme, acme_admin):
    return custom_status_create(
        account=acme,
        actor=acme_admin,
        category="hold",
        agent_label=AGENT_LABEL,
        end_user_label=END_USER_LABEL,
        description="Internal: vendor ticket 4411",
    )


@pytest.fixture
def request_on_hold(acme, acme_agent, acme_user, blocked):
    return make_ticket(
        account=acme,
        submitter=acme_agent,
        requester=acme_user,
        subject="Zebra printer jammed",
        custom_status=blocked,
    )


def test_end_user_sees_the_end_user_label_everywhere(client_for, acme_user, request_on_hold):
    client = client_for(acme_user)
    pages = [
        client.get("/hc/").text,
        client.get(f"/hc/requests/{request_on_hold.number}/").text,
        client.get("/hc/search/", {"q": "zebra"}).text,
    ]
    for page in pages:
        assert END_USER_LABEL in page
        assert AGENT_LABEL not in page
        assert "vendor" not in page


def test_a_renamed_built_in_status_shows_its_new_end_user_label(
    acme, acme_agent, acme_user, client_for
):
    pending = CustomStatus.objects.for_account(acme).get(category="pending", is_default=True)
    pending.end_user_label = "Your turn"
    pending.save()
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, status="pending")
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/").text
    assert "Your turn" in page and "Awaiting your reply" not in page


def test_built_in_statuses_read_as_before_in_the_end_users_language(
    acme, acme_agent, acme_user, client_for
):
    acme_user.locale = "it"
    acme_user.save()
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, status="pending")
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/").text
    assert "In attesa della tua risposta" in page
