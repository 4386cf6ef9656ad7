"""Single sign-on with SAML 2.0: the AuthnRequest goes out by redirect, and Responses
signed in the test with a throwaway certificate (tests/accounts/saml_idp.py) come back to
the assertion consumer service. Tampered, replayed, unsolicited, for another audience or
issuer, or meant for another account: refused."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.models import User
from accounts.sso.services import provider_save
from accounts.sso_models import IdentityProvider, SamlAssertionSeen
from tests.accounts.saml_idp import SSO_URL, SigningIdp
from tests.accounts.test_two_factor import signed_in_as
from tests.factories import AdminFactory

ACME_SP = "http://acme.localhost/sso/saml/metadata/"
ACME_ACS = "http://acme.localhost/sso/saml/acs/"


@pytest.fixture(scope="module")
def idp():
    return SigningIdp()


def configure(account, admin, idp, **extra):
    return provider_save(
        account=account,
        actor=admin,
        protocol=IdentityProvider.Protocol.SAML,
        enabled=True,
        name="Test SAML",
        saml_entity_id=idp.entity_id,
        saml_sso_url=SSO_URL,
        saml_certificate=idp.certificate,
        **extra,
    )


@pytest.fixture
def configured(acme, acme_admin, idp):
    return configure(acme, acme_admin, idp)


def started(client, idp) -> str:
    response = client.get("/sso/start/")
    assert response.status_code == 302
    return idp.request_id(response.url)


def post(client, saml_response: str):
    return client.post("/sso/saml/acs/", {"SAMLResponse": saml_response})


def test_a_signed_response_signs_in_and_creates_the_user(acme, idp, configured, client_for):
    client = client_for(account=acme)
    request_id = started(client, idp)
    response = post(client, idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=request_id))
    assert response.status_code == 302 and response.url == "/hc/"
    user = User.objects.for_account(acme).get(email="sam@acme.example")
    assert user.name == "Sam Single" and signed_in_as(client, user)


def test_a_tampered_response_is_refused(acme, acme_agent, idp, configured, client_for):
    client = client_for(account=acme)
    request_id = started(client, idp)
    good = base64.b64decode(
        idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=request_id)
    ).decode()
    # The signed person swapped for an agent, in the NameID and the attribute.
    tampered = good.replace("sam@acme.example", acme_agent.email)
    assert tampered != good
    response = post(client, base64.b64encode(tampered.encode()).decode())
    assert response.url == "/signin/" and client.session.get("_auth_user_id") is None
    assert "could not be verified" in client.get("/signin/").text


def test_an_unsigned_response_is_refused(acme, idp, configured, client_for):
    client = client_for(account=acme)
    request_id = started(client, idp)
    post(
        client,
        idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=request_id, signed=False),
    )
    assert client.session.get("_auth_user_id") is None


def test_a_response_signed_by_another_key_is_refused(acme, configured, client_for):
    impostor = SigningIdp()  # same entity id, its own key
    client = client_for(account=acme)
    request_id = started(client, impostor)
    post(client, impostor.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=request_id))
    assert client.session.get("_auth_user_id") is None


def test_a_replayed_response_is_refused(acme, idp, configured, client_for):
    client = client_for(account=acme)
    request_id = started(client, idp)
    answer = idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=request_id)
    assert post(client, answer).url == "/hc/"
    # The same response again, in this browser and in another one that started a sign-in.
    again = client_for(account=acme)
    post(again, answer)
    assert again.session.get("_auth_user_id") is None
    other = client_for(account=acme)
    started(other, idp)
    assert post(other, answer).url == "/signin/"
    assert other.session.get("_auth_user_id") is None
    assert SamlAssertionSeen.objects.for_account(acme).count() == 1


def test_the_assertion_id_alone_stops_a_replay(acme, idp, configured, client_for):
    """Even when the session's request id would match (the same browser started twice
    with a captured answer to its first start), the assertion signs in once."""
    client = client_for(account=acme)
    request_id = started(client, idp)
    answer = idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=request_id)
    assert post(client, answer).url == "/hc/"
    attacker = client_for(account=acme)
    attacker.get("/sso/start/")
    session = attacker.session
    session["_sportello_sso"]["request_id"] = request_id  # as if it had started that one
    session.save()
    assert post(attacker, answer).url == "/signin/"
    assert "already used" in attacker.get("/signin/").text


def test_an_unsolicited_response_is_refused(acme, idp, configured, client_for):
    client = client_for(account=acme)
    started(client, idp)
    post(client, idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=None))
    assert client.session.get("_auth_user_id") is None


def test_an_answer_to_another_request_is_refused(acme, idp, configured, client_for):
    client = client_for(account=acme)
    started(client, idp)
    post(client, idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to="_other"))
    assert client.session.get("_auth_user_id") is None


@pytest.mark.parametrize(
    "wrong",
    [
        {"audience": "http://globex.localhost/sso/saml/metadata/"},
        {"issuer": "https://evil.example.test/saml"},
        {"acs": "http://globex.localhost/sso/saml/acs/"},
    ],
)
def test_wrong_audience_issuer_or_destination_is_refused(acme, idp, configured, client_for, wrong):
    client = client_for(account=acme)
    request_id = started(client, idp)
    fields = {"acs": ACME_ACS, "audience": ACME_SP, "in_response_to": request_id} | wrong
    post(client, idp.response(**fields))
    assert client.session.get("_auth_user_id") is None


def test_a_response_for_one_account_cannot_sign_in_at_another(
    acme, globex, idp, configured, client_for
):
    configure(globex, AdminFactory(account=globex), idp)  # the same IdP for both
    acme_client = client_for(account=acme)
    acme_request = started(acme_client, idp)
    for_acme = idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=acme_request)
    globex_client = client_for(account=globex)
    globex_request = started(globex_client, idp)
    post(globex_client, for_acme)
    assert globex_client.session.get("_auth_user_id") is None
    # Nor with globex's request id in it: still acme's audience and destination.
    post(
        globex_client,
        idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=globex_request),
    )
    assert globex_client.session.get("_auth_user_id") is None
    assert not User.objects.for_account(globex).filter(email="sam@acme.example").exists()


def test_garbage_is_refused_without_an_error(acme, idp, configured, client_for):
    client = client_for(account=acme)
    for garbage in ("", "not base64", base64.b64encode(b"<x/>").decode(), "A" * 300_000):
        started(client, idp)
        response = post(client, garbage)
        assert response.status_code == 302 and response.url == "/signin/"


def test_without_a_session_cookie_the_answer_is_posted_again_from_our_page(
    acme, idp, configured, client_for
):
    """A real IdP's cross-site POST carries no SameSite=Lax cookie: the page posts it
    once more from this site (static/js/sso-continue.js)."""
    client = client_for(account=acme)
    request_id = started(client, idp)
    answer = idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=request_id)
    cookieless = client_for(account=acme)
    page = cookieless.post("/sso/saml/acs/", {"SAMLResponse": answer})
    assert page.status_code == 200 and 'name="again"' in page.text and answer in page.text
    assert post(client, answer).url == "/hc/"


def test_our_metadata_names_the_accounts_entity_id_and_acs(acme, configured, client_for):
    response = client_for(account=acme).get("/sso/saml/metadata/")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert f'entityID="{ACME_SP}"' in response.text and ACME_ACS in response.text


def test_the_admin_page_refuses_a_broken_certificate(acme, acme_admin, client_for):
    response = client_for(acme_admin).post(
        "/agent/settings/sso/",
        {"protocol": "saml", "name": "X", "saml_certificate": "not a cert", "jit_role": "end_user"},
    )
    assert response.status_code == 400 and "not a certificate in PEM format" in response.text


def metadata_of(idp) -> bytes:
    body = "".join(line for line in idp.certificate.splitlines() if "CERTIFICATE" not in line)
    return f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{idp.entity_id}">
<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{SSO_URL}"/>
</md:IDPSSODescriptor></md:EntityDescriptor>""".encode()  # noqa: E501


@pytest.fixture
def metadata_server(idp):
    document = metadata_of(idp)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            found = self.path == "/metadata"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/xml")
            self.end_headers()
            self.wfile.write(document if found else b"")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_the_admin_page_reads_the_providers_metadata_url(
    acme, acme_admin, idp, metadata_server, client_for
):
    client = client_for(acme_admin)
    form = {
        "protocol": "saml",
        "enabled": "on",
        "name": "From metadata",
        "jit_enabled": "on",
        "jit_role": "end_user",
    }
    bad = client.post("/agent/settings/sso/", form | {"saml_metadata_url": metadata_server + "/x"})
    assert bad.status_code == 400 and "could not be downloaded" in bad.text
    response = client.post(
        "/agent/settings/sso/", form | {"saml_metadata_url": metadata_server + "/metadata"}
    )
    assert response.status_code == 302
    provider = IdentityProvider.objects.for_account(acme).get()
    assert provider.saml_entity_id == idp.entity_id and provider.saml_sso_url == SSO_URL
    # And the certificate read from it verifies the IdP's responses.
    visitor = client_for(account=acme)
    request_id = started(visitor, idp)
    answer = idp.response(acs=ACME_ACS, audience=ACME_SP, in_response_to=request_id)
    assert post(visitor, answer).url == "/hc/"
