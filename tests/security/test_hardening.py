"""Input and output hardening, one test per threat of ../shared/THREATS.md that the
other areas' tests do not already pin down: sign-in throttling and redirects, request
and upload size limits, CSP and production cookies, CSRF-exempt views, escaping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from helpdesk.limits import AttachmentSizeUploadHandler, OversizedUpload
from tests.factories import make_ticket
from tickets.text import clean_html

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


# --- Sign-in ---------------------------------------------------------------------------


def sign_in(client, email, password, **extra):
    return client.post("/signin/", {"username": email, "password": password}, **extra)


def test_sign_in_is_throttled_per_account_and_address(acme, acme_agent, password, client_for):
    client = client_for(account=acme)
    for _ in range(5):
        assert sign_in(client, acme_agent.email, "wrong-password").status_code == 200
    # The right password no longer helps while the address is locked out.
    response = sign_in(client, acme_agent.email, password)
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.text
    assert "_auth_user_id" not in client.session


def test_throttling_one_account_leaves_the_same_address_elsewhere_alone(
    acme, globex, acme_agent, password, client_for
):
    from tests.factories import AgentFactory

    twin = AgentFactory(account=globex, email=acme_agent.email)
    for _ in range(5):
        sign_in(client_for(account=acme), acme_agent.email, "wrong-password")
    response = sign_in(client_for(account=globex), twin.email, password)
    assert response.status_code == 302


def test_a_success_resets_the_address_count(acme, acme_agent, password, client_for):
    client = client_for(account=acme)
    for _ in range(4):
        sign_in(client, acme_agent.email, "wrong-password")
    assert sign_in(client, acme_agent.email, password).status_code == 302
    client = client_for(account=acme)
    for _ in range(4):
        sign_in(client, acme_agent.email, "wrong-password")
    assert sign_in(client, acme_agent.email, password).status_code == 302


def test_sign_in_rotates_the_session(acme, acme_agent, password, client_for):
    client = client_for(account=acme)
    client.get("/signin/")
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    assert sign_in(client, acme_agent.email, password).status_code == 302
    assert client.session.session_key != before  # no session fixation


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_sign_in_never_redirects_off_the_host(acme, acme_agent, password, client_for, next_url):
    response = sign_in(
        client_for(account=acme), acme_agent.email, password, QUERY_STRING=f"next={next_url}"
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith(("//", "/\\"))


def test_sign_in_follows_a_same_host_next(acme, acme_agent, password, client_for):
    client = client_for(account=acme)
    response = client.post(
        "/signin/?next=/agent/search/", {"username": acme_agent.email, "password": password}
    )
    assert response["Location"] == "/agent/search/"


def test_password_validators_are_on(settings):
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator"} <= names


# --- Request and upload sizes ---------------------------------------------------------


def test_a_huge_body_is_refused_before_it_is_read(acme, acme_user, client_for):
    client = client_for(acme_user)
    # Declares 2 GB but carries nothing: reading the body would fail the test client.
    response = client.generic(
        "POST",
        "/hc/requests/new/",
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "too large" in response.text


def test_the_api_refuses_a_huge_body_in_json(acme, client_for):
    response = client_for(account=acme).generic(
        "POST",
        "/api/v2/uploads.json",
        b"",
        content_type="application/binary",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert response.json()["error"] == "RequestTooLarge"


def test_a_body_within_the_accounts_limits_is_read(acme, acme_user, client_for):
    response = client_for(acme_user).post(
        "/hc/requests/new/", {"subject": "Hello", "body": "Within limits"}
    )
    assert response.status_code != 413


def test_a_malformed_content_length_is_a_clear_400(acme, client_for):
    response = client_for(account=acme).generic(
        "POST", "/signin/", b"", content_type="text/plain", CONTENT_LENGTH="lots"
    )
    assert response.status_code == 400
    assert "could not be read" in response.text


def test_an_oversized_file_is_cut_off_while_streaming(acme):
    """The handler stops passing bytes on once a file is over the account's limit."""
    request = RequestFactory().post("/")
    request.account = acme
    handler = AttachmentSizeUploadHandler(request)
    handler.new_file("file", "big.pdf", "application/pdf", None)
    chunk = b"x" * (64 * 1024)
    passed = 0
    for start in range(0, 2 * 1024 * 1024, len(chunk)):
        if handler.receive_data_chunk(chunk, start) is not None:
            passed += len(chunk)
    assert passed <= acme.max_attachment_size_kb * 1024
    upload = handler.file_complete(2 * 1024 * 1024)
    assert isinstance(upload, OversizedUpload)
    assert upload.size == 2 * 1024 * 1024
    assert upload.read() == b""


def test_an_oversized_file_is_refused_with_the_size_message(acme, acme_user, client_for):
    ticket = make_ticket(account=acme, requester=acme_user)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (2 * 1024 * 1024), "application/pdf")
    response = client_for(acme_user).post(
        f"/hc/requests/{ticket.number}/", {"body": "See attached", "attachments": [big]}
    )
    assert response.status_code == 400
    assert "“big.pdf” is larger than 500 KB." in response.text
    assert ticket.comments.count() == 1


def test_a_file_of_exactly_the_limit_passes(acme, acme_user, client_for):
    ticket = make_ticket(account=acme, requester=acme_user)
    exact = PDF + b"0" * (500 * 1024 - len(PDF))
    response = client_for(acme_user).post(
        f"/hc/requests/{ticket.number}/",
        {"body": "Exactly", "attachments": [SimpleUploadedFile("ok.pdf", exact)]},
    )
    assert response.status_code == 302
    one_more = SimpleUploadedFile("no.pdf", exact + b"0")
    response = client_for(acme_user).post(
        f"/hc/requests/{ticket.number}/", {"body": "One more", "attachments": [one_more]}
    )
    assert response.status_code == 400


# --- Response headers and production settings -----------------------------------------


def test_pages_carry_a_csp_without_inline_scripts(acme, acme_agent, client_for):
    response = client_for(acme_agent).get("/agent/")
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_settings_are_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.SECURE_REFERRER_POLICY)"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "ALLOWED_HOSTS")},
        "DEBUG": "false",
        "SECRET_KEY": "s" * 60,
        "BASE_DOMAIN": "helpdesk.example.com",
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "same-origin"], (
        result.stderr
    )


# --- CSRF and state-changing GETs -------------------------------------------------------

# Views that may skip Django's CSRF check, and why. Anything else exempt fails the test.
CSRF_EXEMPT_ALLOWED = {
    # Token-authenticated JSON API; session cookies are not an authentication class there.
    "api.",
    # The macros', SLA policies' and merge API views: api.views.base.ApiView subclasses,
    # the same token-only auth.
    "macros.api.",
    "servicelevels.api.",
    "ticketlinks.api.",
    # The webhooks' API (issue 23) and the Help Center API (issue 25): ApiView subclasses too.
    "webhooks.api.",
    "knowledge.api.",
    # Time entries' API (seed 002): ApiView subclasses in the timeworked app.
    "timeworked.api.",
    # ESP webhooks, authenticated by the webhook secret (HTTP basic) or signature.
    "notifications.webhooks.",
    # SAML's assertion consumer service: posted by the identity provider's page, its
    # XML signature, audience and InResponseTo (this browser's session) authenticate it.
    "accounts.sso_views.saml_acs",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


@pytest.mark.parametrize("urlconf", ["helpdesk.urls", "helpdesk.urls_tenant"])
def test_only_token_or_signature_authenticated_views_skip_csrf(urlconf):
    offenders = []
    for route, callback in _walk(get_resolver(urlconf).url_patterns):
        if not getattr(callback, "csrf_exempt", False) or route.startswith("admin/"):
            continue
        qualified = f"{callback.__module__}.{callback.__name__}"
        if not qualified.startswith(tuple(CSRF_EXEMPT_ALLOWED)):
            offenders.append(f"{route} ({qualified})")
    assert offenders == []


def test_the_api_does_not_accept_session_cookies(acme, acme_agent, client_for):
    """With a session cookie an exempt API would be a CSRF hole; it must ignore it."""
    response = client_for(acme_agent).post(
        "/api/v2/tickets.json",
        {"ticket": {"subject": "csrf", "comment": {"body": "x"}}},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)


# --- Escaping and sanitising ----------------------------------------------------------

XSS_SUBJECT = '<script>alert("subject")</script><img src=x onerror=alert(1)>'


def test_ticket_titles_are_escaped_in_agent_and_portal_lists(
    acme, acme_agent, acme_user, client_for
):
    make_ticket(account=acme, requester=acme_user, subject=XSS_SUBJECT, assignee=acme_agent)
    for client, path in [
        (client_for(acme_agent), "/agent/views/3/"),
        (client_for(acme_agent), "/agent/"),
        (client_for(acme_user), "/hc/"),
    ]:
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 200, path
        assert "&lt;script&gt;alert" in page, path  # the title is there, escaped
        assert "<script>alert" not in page, path
        assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", ""), path


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="java\nscript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
    ],
)
def test_dangerous_link_schemes_are_removed_however_spelled(html):
    cleaned = clean_html(html)
    assert "script:" not in cleaned.lower()
    assert "data:" not in cleaned.lower()


def test_links_get_noopener_noreferrer_nofollow_and_markup_is_allow_listed():
    cleaned = clean_html(
        '<p onclick="x()">Hi <a href="https://ok.example" target="_blank">ok</a>'
        '<iframe src="https://evil.example"></iframe><style>*{}</style><svg onload=alert(1)>'
        "<ul><li><code>x</code></li></ul></p>"
    )
    assert 'rel="noopener noreferrer nofollow"' in cleaned
    for banned in ("onclick", "<iframe", "<style", "<svg", "onload", "target="):
        assert banned not in cleaned
    assert "<ul><li><code>x</code></li></ul>" in cleaned


# --- Filters and sorts: allow-listed only ---------------------------------------------


@pytest.mark.parametrize(
    "who,path",
    [("agent", "/agent/views/3/"), ("manager", "/hc/?tab=organization")],
)
def test_sort_on_a_hidden_column_is_no_boolean_oracle(
    acme, acme_agent, acme_manager, acme_user, acme_org, client_for, who, path
):
    """``?sort=requester__password`` must order nothing by the password hash."""
    make_ticket(account=acme, requester=acme_user, subject="Alpha one")
    make_ticket(account=acme, requester=acme_manager, subject="Beta two")
    client = client_for(acme_agent if who == "agent" else acme_manager)
    joiner = "&" if "?" in path else "?"
    pages = [
        client.get(f"{path}{joiner}sort={sort}")
        for sort in ("requester__password", "-requester__password", "requester__email")
    ]
    assert {page.status_code for page in pages} == {200}
    orders = [(page.text.find("Alpha one") < page.text.find("Beta two")) for page in pages]
    assert len(set(orders)) == 1


def test_uploaded_files_are_not_served_at_media_urls(acme, acme_user, client_for, settings):
    ticket = make_ticket(
        account=acme,
        requester=acme_user,
        uploads=[SimpleUploadedFile("a.pdf", PDF, "application/pdf")],
    )
    stored = ticket.comments.get().attachments.get().file.name
    # Stored under an unguessable key (>= 128 random bits), not under its name.
    assert "a.pdf" not in stored
    assert len(stored.rsplit("/", 1)[1]) >= 22
    for host in ("localhost", "acme.localhost"):
        for prefix in ("/media/", "/" + settings.MEDIA_URL.strip("/") + "/", "/"):
            assert client_for(account=acme).get(prefix + stored, HTTP_HOST=host).status_code in (
                302,
                404,
            )


# --- References across accounts and secrets in error reports --------------------------


def test_no_service_links_a_row_to_another_accounts_object(
    acme, globex, acme_agent, acme_user, globex_agent, globex_user
):
    """Foreign keys ignore row-level security, so the services refuse a cross-account link."""
    from django.core.exceptions import ValidationError

    from accounts.services import group_create
    from tickets.services import ticket_add_ccs, ticket_update

    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    globex_group = group_create(account=globex, name="Their group")
    for fields in (
        {"requester": globex_user},
        {"assignee": globex_agent},
        {"group": globex_group},
    ):
        with pytest.raises(ValidationError):
            ticket_update(ticket=ticket, actor=acme_agent, **fields)
    with pytest.raises(ValidationError):
        ticket_add_ccs(ticket=ticket, actor=acme_agent, users=[globex_user])
    assert not ticket.cc_links.filter(user=globex_user).exists()


def test_error_reports_hide_credentials():
    """Django's error reports and debug pages show settings; credentials come out masked."""
    from django.views.debug import SafeExceptionReporterFilter

    cleanse = SafeExceptionReporterFilter().cleanse_setting
    shown = repr(
        [
            cleanse(
                "MAILERS",
                {"default": {"OPTIONS": {"username": "u", "password": "hunter2-smtp"}}},
            ),
            cleanse("ANYMAIL", {"MAILGUN_API_KEY": "key-mailgun", "WEBHOOK_SECRET": "u:hook"}),
            cleanse("DATABASES", {"default": {"USER": "app", "PASSWORD": "db-password"}}),
        ]
    )
    for secret in ("hunter2-smtp", "key-mailgun", "u:hook", "db-password"):
        assert secret not in shown


def test_a_file_over_the_limit_comes_back_as_a_form_error_with_the_text_kept(
    acme, acme_user, client_for
):
    """Several MB over the account's whole-message allowance is still the form's to refuse
    (naming the file, keeping the text), not a 413 page that loses what was typed."""
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (4 * 1024 * 1024))
    response = client_for(acme_user).post(
        "/hc/requests/new/",
        {"subject": "Scanner", "body": "My long explanation", "attachments": [big]},
    )
    assert response.status_code != 413
    assert "“scan.pdf” is larger than 500 KB." in response.text
    assert "My long explanation" in response.text
    assert not acme_user.requested_tickets.exists()
