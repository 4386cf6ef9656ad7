import re

import pytest
from django.core import mail

from tests.conftest import TenantClient


def sign_in(client, email, password):
    return client.post("/signin/", {"username": email, "password": password})


@pytest.mark.parametrize(
    ("who", "home"), [("acme_agent", "/agent/"), ("acme_admin", "/agent/"), ("acme_user", "/hc/")]
)
def test_each_role_lands_on_its_home(request, acme, password, who, home):
    user = request.getfixturevalue(who)
    client = TenantClient(acme)
    response = sign_in(client, user.email, password)
    assert response.status_code == 302
    assert response["Location"] == home
    assert client.get(home).status_code == 200


def test_user_of_one_account_cannot_sign_in_at_another(acme_agent, globex, password):
    response = sign_in(TenantClient(globex), acme_agent.email, password)
    assert response.status_code == 200
    assert "don&#x27;t match" in response.content.decode()


def test_failed_sign_in_does_not_tell_whether_the_address_exists(acme_agent, acme):
    client = TenantClient(acme)
    known = sign_in(client, acme_agent.email, "wrong-password").content.decode()
    unknown = sign_in(client, "nobody@acme.example", "wrong-password").content.decode()

    def strip(html):
        return re.sub(r'nonce="[^"]+"|value="[^"]+"|"X-CSRFToken": "[^"]+"', "", html)

    assert "don&#x27;t match" in known
    assert strip(known).replace(acme_agent.email, "X") == strip(unknown).replace(
        "nobody@acme.example", "X"
    )


def test_end_user_cannot_open_agent_pages(acme_user, client_for):
    assert client_for(acme_user).get("/agent/").status_code == 404


def test_anonymous_is_sent_to_sign_in(acme, client_for):
    response = client_for(account=acme).get("/agent/")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")
    assert client_for(account=acme).get("/")["Location"] == "/signin/"


def test_session_of_one_account_is_not_valid_at_another(acme_agent, globex):
    client = TenantClient(globex)
    client.force_login(acme_agent)
    assert client.get("/agent/").status_code == 302


def test_unknown_and_malformed_subdomains_are_404(db):
    for host in ("nosuch.localhost", "-bad-.localhost", "a.b.localhost"):
        response = TenantClient().get("/", HTTP_HOST=host)
        assert response.status_code == 404
        assert b"nosuch" not in response.content


def test_base_domain_shows_landing_page(db):
    response = TenantClient().get("/")
    assert response.status_code == 200
    assert b"Sportello" in response.content


def test_admin_is_only_on_base_domain(acme, client_for):
    assert client_for(account=acme).get("/admin/").status_code == 404


def test_password_reset_is_scoped_to_the_account(
    acme_user, globex, acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        TenantClient(globex).post("/password-reset/", {"email": acme_user.email})
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = TenantClient(acme).post("/password-reset/", {"email": acme_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "http://acme.localhost/password-reset/" in body


def test_password_reset_link_of_one_account_fails_at_another(
    acme_user, globex, acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        TenantClient(acme).post("/password-reset/", {"email": acme_user.email})
    path = re.search(r"http://acme\.localhost(/password-reset/\S+)", mail.outbox[0].body).group(1)
    response = TenantClient(globex).get(path, follow=True)
    assert b"expired" in response.content
    response = TenantClient(acme).get(path, follow=True)
    assert b"Choose a new password" in response.content
