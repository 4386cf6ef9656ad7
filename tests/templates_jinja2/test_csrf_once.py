"""A Jinja2 page masks its CSRF token once (helpdesk.jinja2.Template.render), as DTL's
csrf_token context processor does: every form and the htmx header carry the same token,
and it is accepted."""

import re

from tests.conftest import TenantClient
from tests.factories import make_ticket


def test_the_ticket_page_masks_one_token_for_all_its_forms_and_it_is_accepted(
    acme, acme_agent, acme_user
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    client = TenantClient(acme, enforce_csrf_checks=True)
    client.force_login(acme_agent)
    page = client.get(f"/agent/tickets/{ticket.number}/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    header = re.findall(r'"X-CSRFToken": "([^"]+)"', page)
    assert len(tokens) > 3
    assert set(tokens) == set(header) and len(set(tokens)) == 1
    response = client.post(
        f"/agent/tickets/{ticket.number}/reply/",
        {"csrfmiddlewaretoken": tokens[0], "comment_type": "internal", "body": "Noted"},
    )
    assert response.status_code == 302
    refused = TenantClient(acme, enforce_csrf_checks=True)
    refused.force_login(acme_agent)
    assert refused.post(f"/agent/tickets/{ticket.number}/reply/", {"body": "x"}).status_code == 403
