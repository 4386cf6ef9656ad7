"""Admin settings → API tokens: create (shown once, stored hashed), name, revoke."""

from __future__ import annotations

import re

import pytest

from api.models import ApiToken
from api.tokens import api_token_create
from tests.api.conftest import ApiClient, basic_header

pytestmark = pytest.mark.django_db

URL = "/agent/settings/api/"


def test_admin_creates_a_token_shown_once_that_works(client_for, acme, acme_admin, acme_agent):
    client = client_for(acme_admin)
    page = client.post(URL, {"name": "Zapier", "kind": "api", "user": acme_agent.number})

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    secret = re.search(r'class="api-token-secret">([^<]+)<', page.content.decode()).group(1)
    token = ApiToken.objects.for_account(acme).get()
    assert token.name == "Zapier" and token.user == acme_agent and token.created_by == acme_admin
    assert secret not in token.digest
    api = ApiClient(acme)
    api.credentials(HTTP_AUTHORIZATION=basic_header(acme_agent.email, secret))
    assert api.get("users/me.json").status_code == 200
    # Listed by name and hint afterwards, never with the secret again.
    listing = client.get(URL).content.decode()
    assert "Zapier" in listing and secret not in listing and token.hint in listing


def test_bearer_token_needs_a_user(client_for, acme, acme_admin):
    page = client_for(acme_admin).post(URL, {"name": "OAuth", "kind": "bearer"})
    assert "An access token acts as one user." in page.content.decode()
    assert not ApiToken.objects.for_account(acme).exists()


def test_admin_revokes_a_token(client_for, acme, acme_admin, acme_agent):
    token, secret = api_token_create(account=acme, name="Old", user=acme_agent)
    response = client_for(acme_admin).post(f"{URL}{token.number}/revoke/")
    assert response.status_code == 302
    api = ApiClient(acme)
    api.credentials(HTTP_AUTHORIZATION=basic_header(acme_agent.email, secret))
    assert api.get("users/me.json").status_code == 401


def test_revoking_another_accounts_token_is_404(client_for, acme_admin, globex, globex_agent):
    token, _secret = api_token_create(account=globex, name="Theirs", user=globex_agent)
    assert client_for(acme_admin).post(f"{URL}{token.number}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_revoke_is_post_only(client_for, acme, acme_admin, acme_agent):
    token, _secret = api_token_create(account=acme, name="Keep", user=acme_agent)
    assert client_for(acme_admin).get(f"{URL}{token.number}/revoke/").status_code == 405


def test_agents_and_end_users_cannot_manage_tokens(client_for, acme_agent, acme_user):
    assert client_for(acme_agent).get(URL).status_code == 403
    assert client_for(acme_user).get(URL).status_code == 404
