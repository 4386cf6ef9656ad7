"""Common fixtures: two accounts, acme and globex, so every feature is tested across
the boundary; a client per role that talks to an account's own subdomain."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import (
    DEFAULT_PASSWORD,
    AccountFactory,
    AdminFactory,
    AgentFactory,
    EndUserFactory,
    OrganizationFactory,
)


def host_of(account) -> str:
    return f"{account.subdomain}.localhost"


class TenantClient(Client):
    """A test client whose requests go to one account's subdomain."""

    def __init__(self, account=None, **kwargs):
        self.account = account
        super().__init__(HTTP_HOST=host_of(account) if account else "localhost", **kwargs)


@pytest.fixture
def acme(db):
    return AccountFactory(subdomain="acme", name="Acme Inc.")


@pytest.fixture
def globex(db):
    return AccountFactory(subdomain="globex", name="Globex Corporation")


@pytest.fixture
def acme_admin(acme):
    return AdminFactory(account=acme, email="admin@acme.example", name="Ada Admin")


@pytest.fixture
def acme_agent(acme):
    return AgentFactory(account=acme, email="agent@acme.example", name="Alan Agent")


@pytest.fixture
def acme_org(acme):
    return OrganizationFactory(
        account=acme, name="Acme Customers Ltd", domains=["customer.example"]
    )


@pytest.fixture
def acme_user(acme, acme_org):
    return EndUserFactory(
        account=acme, email="user@customer.example", name="Uma User", organization=acme_org
    )


@pytest.fixture
def acme_manager(acme, acme_org):
    return EndUserFactory(
        account=acme,
        email="manager@customer.example",
        name="Mona Manager",
        organization=acme_org,
        is_org_manager=True,
    )


@pytest.fixture
def globex_agent(globex):
    return AgentFactory(account=globex, email="agent@globex.example", name="Gina Globex")


@pytest.fixture
def globex_user(globex):
    return EndUserFactory(account=globex, email="user@globex.example", name="Gus Globex")


@pytest.fixture
def client_for():
    """client_for(user) → a client signed in as that user on their account's subdomain;
    client_for(account=acme) → an anonymous client on acme's subdomain."""

    def make(user=None, *, account=None):
        client = TenantClient(account or (user.account if user else None))
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is not what these tests are about; PBKDF2 would dominate their time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """Tests read the translations as `make run` serves them: .po compiled to .mo first
    (a plain `pytest` too, not only `make test`)."""
    from django.utils.translation.reloader import translation_file_changed

    from accounts.management.commands.compile_catalogues import compile_catalogues

    for mo in compile_catalogues():
        translation_file_changed(sender=None, file_path=mo)


# No test writes into the project's media folder: uploads land in a temporary one.
@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def private_on(acme):
    acme.private_tickets_enabled = True
    acme.save()
    return acme
