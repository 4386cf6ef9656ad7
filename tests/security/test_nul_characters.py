"""NUL characters (U+0000), which PostgreSQL cannot hold in text, never make a 500.

Every URL pattern of the project is walked (the access crawler's table and scenario), so
a new page, filter or form is covered without being listed here: a page refuses a NUL in
its path, query string, form fields or file names with a 400 that says why; the API
answers 400 in its JSON shape; a cookie holding one is ignored; inbound email keeps its
text without them (tracking events: tests/notifications/test_nul_tracking.py)."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.conftest import ApiClient
from tests.conftest import TenantClient
from tests.security.crawler_scenario import build_scenario
from tests.security.test_access_crawler import TABLE, client_for_role, fill, project_routes
from tickets.models import Ticket

NUL = "\x00"
# Names the views read outside forms (search, filters, sorts, pickers, pages) and names
# forms use; the refusal does not depend on the name, these only make the probe honest.
FIELDS = ["q", "query", "sort", "status", "requester", "user", "page", "cursor", "tab",
          "subject", "body", "name", "email", "username", "tags", "next", "language"]  # fmt: skip
PAGE_MESSAGE = "It contains a NUL character"


@pytest.fixture
def scenario(acme, globex, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "crawler:" + "s" * 32}
    return build_scenario(acme, globex)


def _routes(scenario, *, api: bool):
    """(path, host) of every URL pattern, with the first probe's ids filled in."""
    for key, route in project_routes():
        entry = TABLE[key]
        if entry.api != api:
            continue
        kwargs = dict(next(iter(entry.probes.values()))(scenario.ids))
        kwargs.pop("_query", None)
        host = "localhost" if entry.host == "base" else f"{scenario.acme.subdomain}.localhost"
        yield entry.url or fill(route, kwargs), host


def test_every_page_refuses_nul_in_its_query_string_with_a_400(scenario):
    client = client_for_role("admin", scenario)
    answers = {}
    for path, host in _routes(scenario, api=False):
        client.force_login(scenario.users["admin"])  # /signout/ signs out
        for field in FIELDS:
            response = client.get(path, {field: f"a{NUL}b"}, HTTP_HOST=host)
            answers[f"GET {path}?{field}"] = response.status_code
            assert PAGE_MESSAGE in response.text or response.status_code != 400
    assert {k: v for k, v in answers.items() if v != 400} == {}


def test_every_page_refuses_nul_in_posted_fields_with_a_400(scenario):
    client = client_for_role("admin", scenario)
    answers = {}
    for path, host in _routes(scenario, api=False):
        client.force_login(scenario.users["admin"])
        fields = {field: f"x{NUL}" for field in FIELDS}
        answers[f"POST {path}"] = client.post(path, fields, HTTP_HOST=host).status_code
    assert {k: v for k, v in answers.items() if v != 400} == {}


def test_a_file_name_with_nul_is_kept_without_it(acme, acme_user, client_for):
    """Django's multipart parser drops unprintable characters from file names; the
    attachment rules drop control characters again."""
    upload = SimpleUploadedFile(f"sc{NUL}an.pdf", b"%PDF-1.4\n", "application/pdf")
    response = client_for(acme_user).post(
        "/hc/requests/new/", {"subject": "Scan", "body": "Attached", "attachments": [upload]}
    )
    assert response.status_code == 302
    ticket = Ticket.objects.for_account(acme).get()
    assert [a.filename for a in ticket.comments.get().attachments.all()] == ["scan.pdf"]


def test_agent_search_with_nul_says_so(acme, acme_agent, client_for):
    response = client_for(acme_agent).get("/agent/search/", {"q": NUL})
    assert response.status_code == 400
    assert PAGE_MESSAGE in response.text


def test_sign_in_with_nul_in_the_address_is_a_400_and_counts_nothing(acme, client_for):
    from accounts.models import SignInFailure

    response = client_for(account=acme).post(
        "/signin/", {"username": f"agent{NUL}@acme.example", "password": "x"}
    )
    assert response.status_code == 400
    assert not SignInFailure.objects.exists()


def test_every_api_route_refuses_nul_in_its_query_and_json_body(scenario):
    client = ApiClient(scenario.acme)
    answers = {}
    for path, host in _routes(scenario, api=True):
        if not path.startswith("/api/"):
            continue  # the ESP webhooks: see test_inbound_email_*
        user = scenario.users["admin"]
        client.credentials(HTTP_AUTHORIZATION=_basic(user))
        response = client.get(path, {"query": f"a{NUL}b"}, HTTP_HOST=host)
        answers[f"GET {path}"] = response.status_code
        for method in ("post", "put"):
            body = {"ticket": {"subject": f"a{NUL}", "tags": [f"b{NUL}"]}, f"k{NUL}": 1}
            response = getattr(client, method)(path, body, HTTP_HOST=host)
            answers[f"{method.upper()} {path}"] = response.status_code
    refused = {k: v for k, v in answers.items() if v >= 500 or v < 400}
    assert refused == {}


def test_a_json_body_with_nul_is_a_400_in_the_apis_shape(acme, acme_agent):
    client = ApiClient(acme)
    client.credentials(HTTP_AUTHORIZATION=_basic(acme_agent))
    response = client.put(
        "tickets/update_many.json?ids=1", {"ticket": {"additional_tags": [f"a{NUL}"]}}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidJSON"
    assert "NUL" in response.json()["description"]


def _basic(user) -> str:
    from tests.api.conftest import basic_header, token_for

    return basic_header(user.email, token_for(user))


@pytest.mark.parametrize(
    "header",
    [
        "Basic " + base64.b64encode(f"a{NUL}@acme.example/token:abc".encode()).decode(),
        "Basic " + base64.b64encode(f"agent@acme.example/token:a{NUL}b".encode()).decode(),
        f"Bearer a{NUL}b",
    ],
)
def test_api_credentials_with_nul_are_refused_as_unauthenticated(acme, header):
    response = ApiClient(acme).get("tickets.json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_a_cookie_with_nul_is_ignored(acme, acme_user):
    client = TenantClient(acme)
    client.cookies["sessionid"] = f"abcdefgh{NUL}ijkl"
    response = client.get("/hc/")
    assert response.status_code == 302  # no session: to sign in
    assert response["Location"].startswith("/signin/")


def test_inbound_email_with_nul_characters_is_kept_without_them(acme, acme_user, settings):
    from notifications import addresses
    from tests.notifications.payloads import WEBHOOK_SECRET, post_postmark, postmark_payload

    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": WEBHOOK_SECRET}
    payload = postmark_payload(
        sender=acme_user.email,
        to=addresses.support_address(acme),
        subject=f"Print{NUL}er",
        text=f"It jam{NUL}s",
        sender_name=f"Uma{NUL}",
        message_id=f"<a{NUL}b@mail.customer.example>",
        headers=[("In-Reply-To", f"<x{NUL}@y>"), ("References", f"<x{NUL}@y>")],
        attachments=[(f"log{NUL}.txt", b"printer log", "text/plain")],
    )
    response = post_postmark(payload)
    assert response.status_code == 200
    ticket = Ticket.objects.for_account(acme).get()
    assert ticket.subject == "Printer"
    comment = ticket.comments.get()
    assert comment.body == "It jams"
    assert [a.filename for a in comment.attachments.all()] == ["log.txt"]
