"""Single sign-on with OpenID Connect against a real local provider (served from a thread
by tests/accounts/oidc_provider.py): code flow with PKCE, ID tokens signed with a
throwaway key and verified against its JWKS; just-in-time users; agents required to use
it; the admins' break-glass sign-in; the secret stored encrypted and never shown."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey

from accounts.identity_models import AuditEntry
from accounts.models import User
from accounts.sso.services import provider_save
from accounts.sso_models import IdentityProvider
from tests.accounts.oidc_provider import LocalOidcProvider
from tests.accounts.test_two_factor import password_step, signed_in_as, with_two_factor
from tests.factories import AdminFactory

pytestmark = pytest.mark.slow  # a provider served from a thread


@pytest.fixture
def idp():
    with LocalOidcProvider() as provider:
        yield provider


def configure(account, admin, idp, **extra):
    return provider_save(
        account=account,
        actor=admin,
        client_secret=idp.client_secret,
        protocol=IdentityProvider.Protocol.OIDC,
        enabled=True,
        name="Local IdP",
        oidc_issuer=idp.issuer,
        oidc_client_id=idp.client_id,
        **extra,
    )


def sso_round_trip(client, idp):
    """The browser's trip: our start → the provider's page → Continue → our callback."""
    start = client.get("/sso/start/")
    assert start.status_code == 302 and start.url.startswith(idp.issuer), start
    page = requests.get(start.url, timeout=5)
    assert page.status_code == 200 and "Continue as" in page.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.url).query).items()}
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]
    back = requests.post(f"{idp.issuer}/authorize", data=query, allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/sso/oidc/callback/"
    return client.get(f"{callback.path}?{callback.query}")


@pytest.fixture
def globex_admin(globex):
    return AdminFactory(account=globex, email="admin@globex.example")


@pytest.fixture
def configured(acme, acme_admin, idp):
    return configure(acme, acme_admin, idp)


def test_an_end_user_signs_in_and_is_created_just_in_time(acme, idp, configured, client_for):
    client = client_for(account=acme)
    assert "Continue with Local IdP" in client.get("/signin/").text
    response = sso_round_trip(client, idp)
    assert response.status_code == 302 and response.url == "/hc/"
    user = User.objects.for_account(acme).get(email="sam@acme.example")
    assert user.name == "Sam Single" and user.role == User.Role.END_USER
    assert signed_in_as(client, user)


def test_a_known_agent_is_signed_in_as_themselves(acme, acme_agent, idp, configured, client_for):
    idp.email = acme_agent.email.upper()
    client = client_for(account=acme)
    assert sso_round_trip(client, idp).url == "/agent/"
    assert signed_in_as(client, acme_agent)


def test_the_chosen_role_is_given_to_new_users(acme, acme_admin, idp, client_for):
    configure(acme, acme_admin, idp, jit_role=IdentityProvider.JitRole.AGENT)
    sso_round_trip(client_for(account=acme), idp)
    assert User.objects.for_account(acme).get(email="sam@acme.example").role == "agent"


def test_without_just_in_time_creation_an_unknown_person_is_refused(
    acme, acme_admin, idp, client_for
):
    configure(acme, acme_admin, idp, jit_enabled=False)
    client = client_for(account=acme)
    assert sso_round_trip(client, idp).url == "/signin/"
    assert not User.objects.for_account(acme).filter(email="sam@acme.example").exists()
    assert "There is no user with your email" in client.get("/signin/").text


@pytest.mark.parametrize(
    "lie",
    [
        {"token_audience": "someone-else"},
        {"token_issuer": "http://127.0.0.1:1"},
        {"token_nonce": "another-browser"},
        {"email_verified": False},
    ],
)
def test_a_token_for_another_audience_issuer_or_nonce_is_refused(
    acme, idp, configured, client_for, lie
):
    for name, value in lie.items():
        setattr(idp, name, value)
    client = client_for(account=acme)
    assert sso_round_trip(client, idp).url == "/signin/"
    assert client.session.get("_auth_user_id") is None
    assert not User.objects.for_account(acme).filter(email="sam@acme.example").exists()


def test_a_token_signed_by_another_key_is_refused(acme, idp, configured, client_for):
    published, forger = idp.key, RSAKey.generate_key(2048, parameters={"kid": "k1"})
    honest_token = idp.token

    def forged(form):  # signed with a key of the same id that the JWKS does not publish
        idp.key = forger
        try:
            return honest_token(form)
        finally:
            idp.key = published

    idp.token = forged
    client = client_for(account=acme)
    assert sso_round_trip(client, idp).url == "/signin/"
    assert client.session.get("_auth_user_id") is None


def test_a_callback_not_started_in_this_browser_is_refused(acme, idp, configured, client_for):
    victim = client_for(account=acme)
    attacker = client_for(account=acme)
    start = attacker.get("/sso/start/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.url).query).items()}
    back = requests.post(f"{idp.issuer}/authorize", data=query, allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    # Login CSRF: the attacker's code in the victim's browser.
    response = victim.get(f"{callback.path}?{callback.query}")
    assert response.url == "/signin/" and victim.session.get("_auth_user_id") is None
    assert idp.token_requests == 0  # refused before the code was even spent


def test_a_callback_at_another_account_is_refused(
    acme, globex, globex_admin, idp, configured, client_for
):
    configure(globex, globex_admin, idp)
    acme_client = client_for(account=acme)
    start = acme_client.get("/sso/start/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.url).query).items()}
    back = requests.post(f"{idp.issuer}/authorize", data=query, allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    globex_client = client_for(account=globex)
    globex_client.get("/sso/start/")  # a sign-in of its own is waiting there
    globex_client.get(f"{callback.path}?{callback.query}")
    assert globex_client.session.get("_auth_user_id") is None


def test_the_provider_down_is_a_message_not_an_error(acme, acme_admin, client_for):
    provider_save(
        account=acme,
        actor=acme_admin,
        client_secret="s",
        protocol="oidc",
        enabled=True,
        name="Gone",
        oidc_issuer="http://127.0.0.1:9",
        oidc_client_id="x",
    )
    client = client_for(account=acme)
    assert client.get("/sso/start/").url == "/signin/"
    assert "The identity provider could not be reached" in client.get("/signin/").text


def test_agents_required_to_use_it_cannot_sign_in_with_a_password(
    acme, acme_admin, acme_agent, acme_user, idp, password, client_for
):
    configure(acme, acme_admin, idp, agents_require_sso=True)
    client = client_for(account=acme)
    response = password_step(client, acme_agent, password)
    assert response.status_code == 200 and not signed_in_as(client, acme_agent)
    assert "Agents of this helpdesk sign in with single sign-on." in response.text
    # End users still may; admins too, but only at the break-glass address.
    assert password_step(client_for(account=acme), acme_user, password).url == "/hc/"
    assert (
        not signed_in_as((admin := client_for(account=acme)), acme_admin)
        and password_step(admin, acme_admin, password).status_code == 200
    )
    glass = client_for(account=acme)
    response = glass.post("/signin/admin/", {"username": acme_admin.email, "password": password})
    assert response.status_code == 302 and signed_in_as(glass, acme_admin)
    agent = client_for(account=acme)
    agent.post("/signin/admin/", {"username": acme_agent.email, "password": password})
    assert not signed_in_as(agent, acme_agent)
    # Through the provider the agent signs in.
    idp.email = acme_agent.email
    via = client_for(account=acme)
    assert sso_round_trip(via, idp).url == "/agent/" and signed_in_as(via, acme_agent)


def test_break_glass_still_asks_for_the_second_factor(acme, acme_admin, idp, password, client_for):
    configure(acme, acme_admin, idp, agents_require_sso=True)
    with_two_factor(acme_admin)
    glass = client_for(account=acme)
    response = glass.post("/signin/admin/", {"username": acme_admin.email, "password": password})
    assert response.url == "/signin/verify/" and not signed_in_as(glass, acme_admin)


def test_the_admin_page_stores_the_secret_encrypted_and_never_shows_it(
    acme, acme_admin, idp, client_for
):
    client = client_for(acme_admin)
    page = client.get("/agent/settings/sso/")
    assert page.status_code == 200 and "No client secret stored yet." in page.text
    form = {
        "protocol": "oidc",
        "enabled": "on",
        "name": "Local IdP",
        "oidc_issuer": idp.issuer,
        "oidc_client_id": idp.client_id,
        "client_secret": idp.client_secret,
        "jit_enabled": "on",
        "jit_role": "end_user",
    }
    assert client.post("/agent/settings/sso/", form).status_code == 302
    stored = IdentityProvider.objects.for_account(acme).get()
    assert idp.client_secret not in stored.oidc_client_secret
    page = client.get("/agent/settings/sso/").text
    assert idp.client_secret not in page and stored.oidc_client_secret not in page
    assert "A client secret is stored (encrypted)." in page
    # Saved again without a secret: the stored one is kept.
    assert client.post("/agent/settings/sso/", form | {"client_secret": ""}).status_code == 302
    assert sso_round_trip(client_for(account=acme), idp).url == "/hc/"
    entry = AuditEntry.objects.for_account(acme).filter(action="sso.changed").first()
    assert entry.actor == acme_admin and "client_secret" in entry.changes
    assert idp.client_secret not in str(entry.changes)


def test_turning_it_on_needs_the_providers_details(acme, acme_admin, client_for):
    client = client_for(acme_admin)
    response = client.post(
        "/agent/settings/sso/",
        {"protocol": "oidc", "enabled": "on", "name": "X", "jit_role": "end_user"},
    )
    assert response.status_code == 400 and "Needed to turn single sign-on on." in response.text
    assert not IdentityProvider.objects.for_account(acme).exists()


def test_agents_may_not_open_the_settings_page(acme_agent, client_for):
    assert client_for(acme_agent).get("/agent/settings/sso/").status_code == 403


def test_no_provider_no_sso_pages(acme, client_for):
    client = client_for(account=acme)
    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/oidc/callback/?code=x&state=y").status_code == 404
    assert "Continue with" not in client.get("/signin/").text
