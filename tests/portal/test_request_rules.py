"""The request page's edges: account attachment settings, exact limits, disguised files,
replies to a solved request, CSRF, escaping, and a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EndUserFactory, make_ticket
from tests.portal.conftest import PDF, PNG, upload
from tickets.models import Channel, Ticket
from tickets.services import (
    comment_add,
    request_solve_by_requester,
    ticket_add_ccs,
)


def page_of(number):
    return f"/hc/requests/{number}/"


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Printer on fire"
    )


def test_sidebar_lists_the_ccs(acme, ticket, acme_agent, acme_user, client_for):
    carl = EndUserFactory(account=acme, name="Carl Colleague")
    dana = EndUserFactory(account=acme, name="Dana Doe")
    ticket_add_ccs(ticket=ticket, actor=acme_agent, users=[dana, carl])
    text = client_for(acme_user).get(page_of(ticket.number)).text
    assert "Carl Colleague, Dana Doe" in text


def test_a_file_of_exactly_the_limit_passes_one_byte_more_is_refused(ticket, acme_user, client_for):
    client = client_for(acme_user)
    exact = PDF + b"0" * (500 * 1024 - len(PDF))
    ok = client.post(
        page_of(ticket.number),
        {"body": "exact", "attachments": [upload("exact.pdf", exact, "application/pdf")]},
    )
    assert ok.status_code == 302
    over = client.post(
        page_of(ticket.number),
        {"body": "over", "attachments": [upload("over.pdf", exact + b"0", "application/pdf")]},
    )
    assert over.status_code == 400
    assert "“over.pdf” is larger than 500 KB." in over.text


def test_limits_are_the_accounts_settings(acme, ticket, acme_user, client_for):
    acme.max_attachments_per_message = 2
    acme.max_attachment_size_kb = 1
    acme.allowed_attachment_types = "txt"
    acme.save()
    client = client_for(acme_user)
    page = client.get(page_of(ticket.number)).text
    assert "Up to 2 files, 1 KB each. Allowed types: TXT." in page
    three = [upload(f"n{i}.txt") for i in range(3)]
    assert "at most 2 files" in client.post(page_of(ticket.number), {"attachments": three}).text
    big = client.post(page_of(ticket.number), {"attachments": [upload("big.txt", b"a" * 1025)]})
    assert "“big.txt” is larger than 1 KB." in big.text
    pdf = client.post(
        page_of(ticket.number), {"attachments": [upload("a.pdf", PDF, "application/pdf")]}
    )
    assert "“a.pdf” is not an allowed file type. Allowed: TXT." in pdf.text
    assert ticket.comments.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf.html", b"<html></html>", "is not an allowed file type"),
        ("photo.png", b"<svg onload=alert(1)></svg>", "does not look like a .png file"),
        ("notes.txt", b"<html><script>alert(1)</script>", "does not look like a .txt file"),
        ("invoice\u202etxt.exe", b"MZ", "is not an allowed file type"),
    ],
)
def test_disguised_files_are_refused_by_name(ticket, acme_user, client_for, name, content, message):
    response = client_for(acme_user).post(
        page_of(ticket.number), {"body": "see file", "attachments": [upload(name, content)]}
    )
    assert response.status_code == 400
    assert message in response.text
    assert "see file" in response.text
    assert ticket.comments.count() == 1


def test_a_solved_request_is_closed_in_the_help_center_but_email_replies_thread_in(
    ticket, acme_user, client_for
):
    request_solve_by_requester(ticket=ticket, user=acme_user)
    client = client_for(acme_user)
    page = client.get(page_of(ticket.number)).text
    assert "This request has been closed." in page
    assert "Send reply" not in page
    # A stale form posted anyway is refused with a reason, and the typed text comes back.
    response = client.post(page_of(ticket.number), {"body": "It broke again"})
    assert response.status_code == 400
    assert "This request is closed. Submit a new request instead." in response.text
    assert "It broke again" in response.text
    assert not ticket.comments.filter(body="It broke again").exists()
    # By email a solved ticket still takes the requester's reply (only Closed is final).
    comment_add(ticket=ticket, author=acme_user, body="By mail", channel=Channel.EMAIL)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SOLVED  # rule 10: a reply changes no status
    assert ticket.comments.filter(body="By mail", public=True).exists()


def test_feedback_only_once_the_request_is_solved(ticket, acme_user, client_for):
    client = client_for(acme_user)
    assert "Leave feedback" not in client.get(page_of(ticket.number)).text
    response = client.post(f"{page_of(ticket.number)}feedback/", {"rating": "good"})
    assert response.status_code == 400
    assert "You can leave feedback once the request is solved." in response.text
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == ""


def test_bad_feedback_is_kept_and_acknowledged(ticket, acme_user, client_for):
    request_solve_by_requester(ticket=ticket, user=acme_user)
    client = client_for(acme_user)
    client.post(f"{page_of(ticket.number)}feedback/", {"rating": "bad", "comment": "Too slow"})
    ticket.refresh_from_db()
    assert (ticket.satisfaction_rating, ticket.satisfaction_comment) == ("bad", "Too slow")
    text = client.get(page_of(ticket.number)).text
    assert "Thank you for your feedback." in text
    assert "Change your rating" in text


def test_a_cc_cannot_close_or_rate(acme, ticket, acme_agent, client_for):
    carl = EndUserFactory(account=acme)
    ticket_add_ccs(ticket=ticket, actor=acme_agent, users=[carl])
    client = client_for(carl)
    assert "Close request" not in client.get(page_of(ticket.number)).text
    client.post(f"{page_of(ticket.number)}close/")
    ticket.refresh_from_db()
    assert not ticket.is_solved


def test_state_changes_are_post_only_and_csrf_protected(acme, ticket, acme_user):
    from tests.conftest import TenantClient

    client = TenantClient(acme, enforce_csrf_checks=True)
    client.force_login(acme_user)
    url = page_of(ticket.number)
    assert client.get(f"{url}feedback/").status_code == 405
    assert client.post(f"{url}close/").status_code == 403
    assert client.post(url, {"body": "no token"}).status_code == 403
    assert client.post("/hc/requests/new/", {"subject": "x", "body": "y"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status != Ticket.Status.SOLVED
    assert ticket.comments.count() == 1


def test_subject_and_comment_html_are_safe_on_the_page(acme, acme_agent, acme_user, client_for):
    ticket = make_ticket(
        account=acme,
        submitter=acme_agent,
        requester=acme_user,
        subject="<script>alert(1)</script>",
        html_body=(
            '<p><a href="java\nscript:alert(1)">a</a> <a href="&#106;avascript:alert(2)">b</a>'
            ' <a href="https://example.com">ok</a></p>'
        ),
    )
    text = client_for(acme_user).get(page_of(ticket.number)).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "alert(2)" not in text
    assert "script:alert" not in text
    assert 'href="https://example.com"' in text


def test_comments_made_before_a_private_ticket_went_public_stay_hidden(
    private_on, acme_agent, acme_user, client_for
):
    ticket = make_ticket(
        account=private_on,
        submitter=acme_agent,
        requester=acme_user,
        subject="Renewal",
        body="Quote them double",
        public=False,
    )
    comment_add(ticket=ticket, author=acme_agent, body="Check the discount", public=False)
    comment_add(ticket=ticket, author=acme_agent, body="Here is your quote.", public=True)
    text = client_for(acme_user).get(page_of(ticket.number)).text
    assert "Here is your quote." in text
    assert "Quote them double" not in text
    assert "Check the discount" not in text


def test_attachments_have_no_public_url(ticket, acme, acme_agent, acme_user, client_for):
    comment = comment_add(
        ticket=ticket,
        author=acme_agent,
        body="f",
        uploads=[upload("a.pdf", PDF, "application/pdf")],
    )
    attachment = comment.attachments.get()
    text = client_for(acme_user).get(page_of(ticket.number)).text
    assert attachment.file.name not in text
    assert "/media/" not in text
    anonymous = client_for(account=acme)
    response = anonymous.get(f"{page_of(ticket.number)}attachments/{attachment.token}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")
    assert anonymous.get(f"/media/{attachment.file.name}").status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(ticket, agent, user, n):
    account = ticket.account
    for i in range(n):
        comment_add(
            ticket=ticket,
            author=agent if i % 2 else user,
            body=f"message {i}",
            uploads=[upload(f"f{i}.txt"), upload(f"p{i}.png", PNG, "image/png")],
        )
        ticket_add_ccs(ticket=ticket, actor=agent, users=[EndUserFactory(account=account)])
        comment_add(ticket=ticket, author=agent, body=f"note {i}", public=False)


def test_request_page_runs_a_fixed_number_of_queries(
    ticket, acme_agent, acme_user, client_for, django_assert_max_num_queries
):
    client = client_for(acme_user)
    _grow(ticket, acme_agent, acme_user, 1)
    few = _queries(client, page_of(ticket.number))
    _grow(ticket, acme_agent, acme_user, 10)
    many = _queries(client, page_of(ticket.number))
    assert few == many
    with django_assert_max_num_queries(10):
        response = client.get(page_of(ticket.number))
    assert response.text.count('class="comment hc-comment') == 12
