"""API fixtures: a DRF client per user that talks to the user's own subdomain with a
real API token (basic auth ``email/token:SECRET``), as Zendesk clients do."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import api_token_create
from tests.conftest import host_of


def basic_header(email: str, secret: str) -> str:
    raw = f"{email}/token:{secret}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def token_for(user, *, kind=ApiToken.Kind.API, bound=True) -> str:
    _token, secret = api_token_create(
        account=user.account, name=f"test {user.email}", kind=kind, user=user if bound else None
    )
    return secret


class ApiClient(APIClient):
    """Requests go to ``/api/v2/<path>`` on one account's subdomain."""

    def __init__(self, account, **kwargs):
        super().__init__(HTTP_HOST=host_of(account), **kwargs)
        self.account = account

    def _path(self, path: str) -> str:
        if path.startswith("http"):  # a link the API answered with
            parts = urlsplit(path)
            return f"{parts.path}?{parts.query}" if parts.query else parts.path
        return path if path.startswith("/") else f"/api/v2/{path}"

    def get(self, path, data=None, **extra):
        return super().get(self._path(path), data, **extra)

    def post(self, path, data=None, format="json", **extra):
        return super().post(self._path(path), data, format=format, **extra)

    def put(self, path, data=None, format="json", **extra):
        return super().put(self._path(path), data, format=format, **extra)

    def delete(self, path, data=None, **extra):
        return super().delete(self._path(path), data, **extra)


@pytest.fixture
def api_for():
    """api_for(user) → a client authenticated with a fresh token of that user;
    api_for(account=acme) → an anonymous client on acme's subdomain."""

    def make(user=None, *, account=None, bearer=False):
        client = ApiClient(account or user.account)
        if user is not None:
            if bearer:
                secret = token_for(user, kind=ApiToken.Kind.BEARER)
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
            else:
                client.credentials(HTTP_AUTHORIZATION=basic_header(user.email, token_for(user)))
        return client

    return make


@pytest.fixture
def private_enabled(acme):
    acme.private_tickets_enabled = True
    acme.save(update_fields=["private_tickets_enabled"])
    return acme


@pytest.fixture
def agent_api(api_for, acme_agent):
    return api_for(acme_agent)


@pytest.fixture
def user_api(api_for, acme_user):
    return api_for(acme_user)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The throttle counts in the cache; every test starts with the full budget.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
