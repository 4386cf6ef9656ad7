"""Sign-in throttling as production runs it: as the application role, which row-level
security binds (the failures table is no tenant table; the role may write it)."""

from __future__ import annotations


def test_failures_are_counted_and_lock_as_the_app_role(
    acme, acme_agent, password, client_for, app_role, platform_role
):
    app_role.activate()
    client = client_for(account=acme)
    for _ in range(5):
        response = client.post("/signin/", {"username": acme_agent.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/signin/", {"username": acme_agent.email, "password": password})
    assert "Too many failed sign-ins for this address" in response.text
    other = client_for(account=acme)
    response = other.post(
        "/signin/",
        {"username": acme_agent.email, "password": password},
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 302
