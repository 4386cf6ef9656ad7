"""Schema-driven fuzzing: schemathesis generates requests from /api/v2/openapi.json
(valid ones and, in negative mode, ones that break the schema) and sends them to the
app in-process; no answer may be a 5xx, and every answer must be JSON."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.openapi import openapi_schema
from tests.api.conftest import basic_header, token_for
from tests.factories import AgentGroupFactory, make_ticket
from tickets.services import comment_add

pytestmark = pytest.mark.django_db

HOST = "acme.localhost"
schema = schemathesis.openapi.from_dict(openapi_schema(server_url=f"http://{HOST}/api/v2"))
app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Django's handler closes the database connection after each request, which would end
    # the test's transaction; its own test client switches that off the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(settings, acme, acme_agent, acme_user, acme_org):
    """A populated account, so generated ids hit real records as well as missing ones."""
    settings.API_RATE_LIMIT = "100000/min"
    acme.private_tickets_enabled = True
    acme.save()
    group = AgentGroupFactory(account=acme, name="Tier 1")
    group.memberships.create(account=acme, user=acme_agent)
    first = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, tags=["vip"])
    comment_add(ticket=first, author=acme_agent, body="internal", public=False)
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, public=False)
    return {"Host": HOST, "Authorization": basic_header(acme_agent.email, token_for(acme_agent))}


@pytest.fixture
def end_user_headers(fuzz_headers, acme_user):
    """The end user's token, made once for all of an operation's cases as the agent's is
    (one a case added an insert and a last-used update to each of ~100 requests)."""
    return {**fuzz_headers, "Authorization": basic_header(acme_user.email, token_for(acme_user))}


def _check(case, headers):
    response = case.call(app=app, headers=headers)
    case.validate_response(response, checks=[not_a_server_error])
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/json") or response.status_code == 204, (
        response.status_code,
        response.text[:200],
    )


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_as_an_agent(case, fuzz_headers):
    _check(case, fuzz_headers)


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_as_an_end_user(case, end_user_headers):
    _check(case, end_user_headers)


def test_openapi_description_is_served_and_names_every_endpoint(api_for, acme):
    response = api_for(account=acme).get("openapi.json")
    assert response.status_code == 200
    description = response.json()
    assert description["servers"] == [{"url": "http://acme.localhost/api/v2"}]
    for path in (
        "/tickets.json",
        "/tickets/{id}.json",
        "/tickets/show_many.json",
        "/tickets/update_many.json",
        "/tickets/{id}/comments.json",
        "/users.json",
        "/users/{id}.json",
        "/users/me.json",
        "/users/search.json",
        "/users/{id}/tickets/requested.json",
        "/organizations.json",
        "/organizations/{id}.json",
        "/organizations/{id}/tickets.json",
        "/groups.json",
        "/groups/{id}.json",
        "/views.json",
        "/views/active.json",
        "/views/count_many.json",
        "/views/{id}.json",
        "/views/{id}/tickets.json",
        "/views/{id}/count.json",
        "/uploads.json",
        "/search.json",
        "/requests.json",
        "/requests/{id}.json",
        "/requests/{id}/comments.json",
        "/macros.json",
        "/webhooks.json",
        "/webhooks/{id}.json",
        "/webhooks/{id}/signing_secret.json",
        "/macros/active.json",
        "/macros/{id}.json",
        "/tickets/{id}/macros/{macro_id}/apply.json",
        "/slas/policies.json",
        "/slas/policies/{id}.json",
        "/tickets/{id}/merge.json",
    ):
        assert path in description["paths"], path
    assert "put" in description["paths"]["/organizations/{id}.json"]
