"""A stale form (expired CSRF token) loses nothing: the page says so and gives the text back."""

from django.test import Client

from tests.factories import make_ticket


def test_stale_reply_form_shows_the_typed_text_back(acme, acme_agent, acme_user):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    client = Client(enforce_csrf_checks=True, HTTP_HOST=f"{acme.subdomain}.localhost")
    client.force_login(acme_user)
    response = client.post(
        f"/hc/requests/{ticket.number}/",
        {"body": "My long <b>answer</b> that must not be lost", "password": "hunter2"},
        HTTP_REFERER=f"http://{acme.subdomain}.localhost/hc/requests/{ticket.number}/",
    )
    assert response.status_code == 403
    text = response.content.decode()
    assert "This form has expired" in text
    assert "My long &lt;b&gt;answer&lt;/b&gt; that must not be lost" in text
    assert "hunter2" not in text
    assert f'href="http://{acme.subdomain}.localhost/hc/requests/{ticket.number}/"' in text
    assert not ticket.comments.filter(body__startswith="My long").exists()


def test_stale_form_never_links_off_site(acme, acme_user):
    client = Client(enforce_csrf_checks=True, HTTP_HOST=f"{acme.subdomain}.localhost")
    client.force_login(acme_user)
    response = client.post(
        "/hc/requests/new/", {"subject": "x"}, HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()
