"""Passkeys through the pages, answered by a software authenticator (an ECDSA P-256 key,
attestation "none", the assertion signed as a browser's passkey signs it): added on the
security page, used as the second step after the password and to sign in without one,
and meeting the account's requirement of two factors for agents."""

from __future__ import annotations

import json

import pytest

from accounts.identity_models import Passkey
from accounts.services import account_settings_update
from tests.accounts.soft_authenticator import SoftAuthenticator
from tests.accounts.test_two_factor import code_at, password_step, signed_in_as, with_two_factor

ORIGIN = "http://acme.localhost"


def options(client, url: str) -> dict:
    response = client.post(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def add_passkey(client, name: str = "Laptop") -> SoftAuthenticator:
    authenticator = SoftAuthenticator(origin=ORIGIN)
    wanted = options(client, "/security/passkeys/options/")
    assert wanted["rp"]["id"] == "acme.localhost" and wanted["attestation"] == "none"
    response = client.post(
        "/security/passkeys/new/", {"name": name, "credential": authenticator.create(wanted)}
    )
    assert response.status_code == 302 and response.url == "/security/", response.content
    return authenticator


def test_a_passkey_is_added_on_the_security_page_and_listed(acme, acme_agent, client_for):
    client = client_for(acme_agent)
    assert "No passkeys yet." in client.get("/security/").text
    authenticator = add_passkey(client)
    stored = Passkey.objects.for_account(acme).get()
    assert stored.user == acme_agent and stored.name == "Laptop" and stored.sign_count == 0
    assert stored.transports == ["internal"]
    page = client.get("/security/").text
    assert "Laptop" in page and "Remove passkey" in page
    # The page names the passkey by its credential id, never by a row's id.
    assert f'value="{stored.credential_id}"' in page
    assert authenticator.user_handle and str(acme_agent.pk).encode() not in (
        authenticator.user_handle
    )


def test_a_passkey_is_the_second_step_after_the_password(acme, acme_agent, password, client_for):
    authenticator = add_passkey(client_for(acme_agent))
    client = client_for(account=acme)
    assert password_step(client, acme_agent, password).url == "/signin/verify/"
    page = client.get("/signin/verify/").text
    assert "Use a passkey" in page and "Code from your authenticator app" not in page
    wanted = options(client, "/signin/verify/passkey/options/")
    assert [c["id"] for c in wanted["allowCredentials"]] == [
        Passkey.objects.for_account(acme).get().credential_id
    ]
    response = client.post("/signin/verify/passkey/", {"credential": authenticator.get(wanted)})
    assert response.status_code == 302 and response.url == "/agent/"
    assert signed_in_as(client, acme_agent)
    assert Passkey.objects.for_account(acme).get().sign_count == 1


def test_either_factor_is_offered_when_the_user_has_both(acme, acme_agent, password, client_for):
    secret = with_two_factor(acme_agent)
    add_passkey(client_for(acme_agent))
    client = client_for(account=acme)
    password_step(client, acme_agent, password)
    page = client.get("/signin/verify/").text
    assert "Use a passkey" in page and "Code from your authenticator app" in page
    assert client.post("/signin/verify/", {"code": code_at(secret, 1)}).url == "/agent/"


def test_an_answer_to_another_challenge_or_origin_is_refused(
    acme, acme_agent, password, client_for
):
    authenticator = add_passkey(client_for(acme_agent))
    client = client_for(account=acme)
    password_step(client, acme_agent, password)
    old = options(client, "/signin/verify/passkey/options/")
    options(client, "/signin/verify/passkey/options/")  # a newer challenge replaces it
    client.post("/signin/verify/passkey/", {"credential": authenticator.get(old)})
    assert not signed_in_as(client, acme_agent)
    wanted = options(client, "/signin/verify/passkey/options/")
    phished = authenticator.get(wanted, origin="http://acme.localhost.evil.example")
    assert client.post("/signin/verify/passkey/", {"credential": phished}).url == (
        "/signin/verify/"
    )
    assert not signed_in_as(client, acme_agent)


def test_a_signed_answer_is_good_once(acme, acme_agent, password, client_for):
    authenticator = add_passkey(client_for(acme_agent))
    first = client_for(account=acme)
    password_step(first, acme_agent, password)
    answer = authenticator.get(options(first, "/signin/verify/passkey/options/"))
    assert first.post("/signin/verify/passkey/", {"credential": answer}).url == "/agent/"
    # The same answer again, in a second half-way sign-in: its challenge is not this one's.
    second = client_for(account=acme)
    password_step(second, acme_agent, password)
    options(second, "/signin/verify/passkey/options/")
    second.post("/signin/verify/passkey/", {"credential": answer})
    assert not signed_in_as(second, acme_agent)


def test_a_tampered_signature_is_refused(acme, acme_agent, password, client_for):
    authenticator = add_passkey(client_for(acme_agent))
    client = client_for(account=acme)
    password_step(client, acme_agent, password)
    answer = json.loads(authenticator.get(options(client, "/signin/verify/passkey/options/")))
    answer["response"]["signature"] = answer["response"]["signature"][:-4] + "AAAA"
    client.post("/signin/verify/passkey/", {"credential": json.dumps(answer)})
    assert not signed_in_as(client, acme_agent)


def test_garbage_answers_are_refused_without_an_error(acme, acme_agent, password, client_for):
    add_passkey(client_for(acme_agent))
    client = client_for(account=acme)
    password_step(client, acme_agent, password)
    for garbage in ("", "{", "[]", '{"id": 5}', "x" * 30_000):
        options(client, "/signin/verify/passkey/options/")
        response = client.post("/signin/verify/passkey/", {"credential": garbage})
        assert response.status_code == 302 and not signed_in_as(client, acme_agent)
    bad = client_for(acme_agent)
    options(bad, "/security/passkeys/options/")
    response = bad.post("/security/passkeys/new/", {"name": "X", "credential": "{"})
    assert response.status_code == 400 and "The passkey did not answer" in response.text


def test_signing_in_with_a_passkey_alone(acme, acme_agent, client_for):
    authenticator = add_passkey(client_for(acme_agent))
    client = client_for(account=acme)
    assert "Use a passkey" in client.get("/signin/").text
    wanted = options(client, "/signin/passkey/options/")
    assert wanted["userVerification"] == "required" and not wanted.get("allowCredentials")
    response = client.post("/signin/passkey/", {"credential": authenticator.get(wanted)})
    assert response.status_code == 302 and response.url == "/agent/"
    assert signed_in_as(client, acme_agent)


def test_a_passkey_alone_must_have_verified_the_person(acme, acme_agent, client_for):
    authenticator = add_passkey(client_for(acme_agent))
    client = client_for(account=acme)
    wanted = options(client, "/signin/passkey/options/")
    client.post("/signin/passkey/", {"credential": authenticator.get(wanted, verified=False)})
    assert not signed_in_as(client, acme_agent)


def test_a_passkey_of_one_account_cannot_sign_in_at_another(acme, globex, acme_agent, client_for):
    authenticator = add_passkey(client_for(acme_agent))
    client = client_for(account=globex)
    wanted = options(client, "/signin/passkey/options/")
    assert wanted["rpId"] == "globex.localhost"
    # Even signed for globex's host from globex's origin: acme's passkey is not globex's.
    answer = authenticator.get(wanted, origin="http://globex.localhost")
    client.post("/signin/passkey/", {"credential": answer})
    assert client.session.get("_auth_user_id") is None


def test_a_removed_passkey_signs_in_no_more(acme, acme_agent, password, client_for):
    owner = client_for(acme_agent)
    authenticator = add_passkey(owner)
    credential_id = Passkey.objects.for_account(acme).get().credential_id
    owner.post("/security/passkeys/remove/", {"passkey": credential_id, "password": "wrong"})
    assert Passkey.objects.for_account(acme).exists()
    owner.post("/security/passkeys/remove/", {"passkey": credential_id, "password": password})
    assert not Passkey.objects.for_account(acme).exists()
    client = client_for(account=acme)
    wanted = options(client, "/signin/passkey/options/")
    client.post("/signin/passkey/", {"credential": authenticator.get(wanted)})
    assert not signed_in_as(client, acme_agent)
    assert password_step(client, acme_agent, password).url == "/agent/"


def test_one_cannot_remove_another_users_passkey(acme, acme_agent, acme_admin, client_for):
    add_passkey(client_for(acme_agent))
    credential_id = Passkey.objects.for_account(acme).get().credential_id
    admin = client_for(acme_admin)
    admin.post("/security/passkeys/remove/", {"passkey": credential_id, "password": "x"})
    assert Passkey.objects.for_account(acme).exists()


@pytest.fixture
def required(acme, acme_admin):
    account_settings_update(account=acme, actor=acme_admin, agents_require_2fa=True)


def test_a_passkey_meets_the_requirement_for_agents(acme, acme_agent, required, client_for):
    client = client_for(acme_agent)
    assert client.get("/agent/").url == "/security/two-factor/"
    assert "Add a passkey" in client.get("/security/two-factor/").text
    assert client.get("/security/passkeys/new/").status_code == 200
    add_passkey(client)
    assert client.get("/agent/").status_code == 200


def test_an_admin_reset_removes_passkeys_too(acme, acme_admin, acme_agent, client_for):
    add_passkey(client_for(acme_agent))
    client_for(acme_admin).post(f"/agent/settings/users/{acme_agent.number}/two-factor/reset/")
    assert not Passkey.objects.for_account(acme).exists()
