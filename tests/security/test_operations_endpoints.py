"""/healthz, /readyz and /metrics on an account's subdomain (and the base domain): they
are no URL pattern, so the access crawler does not walk them; here every role of acme,
signed in or not, from outside the operators' network, gets exactly what an unknown
path gets, whatever the method, and nothing of the probes' answers. Being an account's
admin opens nothing: only the network or the operators' token does."""

from __future__ import annotations

import pytest

from tests.operations.conftest import OUTSIDE

PATHS = ["/healthz", "/readyz", "/metrics", "/healthz/", "/metrics?name[]=x"]
ROLES = ["anonymous", "end_user", "manager", "agent", "admin", "other_account_agent"]


@pytest.fixture
def client_as(client_for, acme, acme_user, acme_manager, acme_agent, acme_admin, globex_agent):
    users = {
        "anonymous": None,
        "end_user": acme_user,
        "manager": acme_manager,
        "agent": acme_agent,
        "admin": acme_admin,
        "other_account_agent": globex_agent,
    }

    def make(role):
        client = client_for(users[role]) if users[role] else client_for(account=acme)
        client.defaults["REMOTE_ADDR"] = OUTSIDE
        return client

    return make


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("host", ["acme.localhost", "localhost"])
def test_outside_the_operators_network_every_role_gets_an_unknown_path(client_as, role, host):
    client = client_as(role)
    unknown = {m: getattr(client, m)("/no-such-path", HTTP_HOST=host) for m in ("get", "post")}
    for path in PATHS:
        for method in ("get", "post", "head"):
            response = getattr(client, method)(path, HTTP_HOST=host)
            expected = unknown.get(method, unknown["get"]).status_code
            assert response.status_code == expected, (role, method, path, response.status_code)
            assert response.status_code in (302, 403, 404), (role, method, path)
            assert b'"checks"' not in response.content
            assert b"sportello_" not in response.content


def test_an_operators_token_of_another_deployment_opens_nothing(client_as, settings):
    settings.OPERATIONS_TOKEN = "a" * 40
    client = client_as("admin")
    response = client.get(
        "/metrics", HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION="Bearer " + "b" * 40
    )
    assert response.status_code == 404
    response = client.get(
        "/metrics", HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION="Bearer " + "a" * 40
    )
    assert response.status_code == 200
