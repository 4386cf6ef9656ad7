"""The request page: conversation, sidebar, replies with attachments, closing, feedback."""

import zoneinfo

import pytest

from tests.factories import make_ticket
from tests.portal.conftest import PDF, PNG, upload
from tickets.models import Channel, Ticket
from tickets.services import comment_add, request_solve_by_requester, ticket_update


def page_of(number):
    return f"/hc/requests/{number}/"


@pytest.fixture
def ticket(acme, acme_agent, acme_user):
    return make_ticket(
        account=acme,
        submitter=acme_agent,
        requester=acme_user,
        subject="Printer on fire",
        body="First message",
        assignee=acme_agent,
    )


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Ticket.Status.NEW, "Open"),
        (Ticket.Status.OPEN, "Open"),
        (Ticket.Status.ON_HOLD, "Open"),
        (Ticket.Status.PENDING, "Awaiting your reply"),
        (Ticket.Status.SOLVED, "Solved"),
        (Ticket.Status.CLOSED, "Solved"),
    ],
)
def test_status_is_shown_as_the_end_user_understands_it(
    acme, acme_agent, acme_user, client_for, status, label
):
    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    if status != Ticket.Status.NEW:
        ticket_update(ticket=ticket, actor=acme_agent, status=status)
    client = client_for(acme_user)
    for response in (client.get("/hc/"), client.get(page_of(ticket.number))):
        assert f"hc-status-{'awaiting' if 'Awaiting' in label else label.lower()}" in response.text
        assert f">{label}</span>" in response.text
    hidden = {"On-hold", "Pending", "New"} - {label}
    assert not any(f">{word}</span>" in client.get("/hc/").text for word in hidden)


def test_conversation_is_public_comments_oldest_first_with_sidebar(
    ticket, acme_agent, acme_user, client_for
):
    comment_add(ticket=ticket, author=acme_agent, body="Second message", public=True)
    comment_add(ticket=ticket, author=acme_user, body="Third message")
    text = client_for(acme_user).get(page_of(ticket.number)).text
    assert text.index("First message") < text.index("Second message") < text.index("Third message")
    for fact in ("Assigned agent", acme_agent.name, "Requester", acme_user.name, "Last updated"):
        assert fact in text


def test_dates_are_shown_in_the_viewers_time_zone(ticket, acme_user, client_for):
    acme_user.time_zone = "Asia/Tokyo"
    acme_user.save()
    local = ticket.created_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    client = client_for(acme_user)
    for url in ("/hc/", page_of(ticket.number)):
        text = client.get(url).text
        assert local.strftime("%H:%M") in text
        assert "Times in Asia/Tokyo" in text


def test_dates_fall_back_to_the_accounts_time_zone(acme, ticket, acme_user, client_for):
    acme.time_zone = "America/New_York"
    acme.save()
    assert "Times in America/New_York" in client_for(acme_user).get("/hc/").text


def test_reply_with_allowed_attachment_is_added_publicly(ticket, acme_user, client_for):
    response = client_for(acme_user).post(
        page_of(ticket.number),
        {
            "body": "",
            "html_body": "<p>Here is the <strong>log</strong></p>",
            "attachments": [upload("log.txt"), upload("shot.png", PNG, "image/png")],
        },
    )
    assert response.status_code == 302
    comment = ticket.comments.order_by("-id").first()
    assert (comment.author, comment.public, comment.channel) == (acme_user, True, Channel.PORTAL)
    assert comment.html_body == "<p>Here is the <strong>log</strong></p>"
    assert sorted(a.filename for a in comment.attachments.all()) == ["log.txt", "shot.png"]


def test_reply_html_is_sanitised(ticket, acme_user, client_for):
    client_for(acme_user).post(
        page_of(ticket.number),
        {
            "html_body": (
                '<p onclick="x()">hi <a href="javascript:alert(1)">x</a><script>1</script></p>'
            )
        },
    )
    comment = ticket.comments.order_by("-id").first()
    assert "javascript" not in comment.html_body
    assert "onclick" not in comment.html_body
    assert "<script" not in comment.html_body
    page = client_for(acme_user).get(page_of(ticket.number)).text
    assert "javascript:alert" not in page


def test_refused_file_is_named_with_its_rule_and_the_text_is_kept(ticket, acme_user, client_for):
    response = client_for(acme_user).post(
        page_of(ticket.number),
        {
            "body": "My carefully typed reply",
            "html_body": "<p>My carefully <em>typed</em> reply</p>",
            "attachments": [upload("evil.html", b"<html><script>alert(1)</script></html>")],
        },
    )
    assert response.status_code == 400
    assert "“evil.html” is not an allowed file type" in response.text
    assert "My carefully typed reply" in response.text  # the plain textarea
    assert "&lt;p&gt;My carefully &lt;em&gt;typed&lt;/em&gt; reply&lt;/p&gt;" in response.text
    assert ticket.comments.count() == 1


def test_file_over_the_size_limit_is_refused(ticket, acme_user, client_for):
    big = upload("big.pdf", PDF + b"0" * (500 * 1024), "application/pdf")
    response = client_for(acme_user).post(
        page_of(ticket.number), {"body": "See attached", "attachments": [big]}
    )
    assert response.status_code == 400
    assert "“big.pdf” is larger than 500 KB." in response.text
    assert "See attached" in response.text


def test_five_attachments_pass_and_a_sixth_is_refused(ticket, acme_user, client_for):
    client = client_for(acme_user)
    five = [upload(f"f{i}.txt") for i in range(5)]
    assert (
        client.post(page_of(ticket.number), {"body": "five", "attachments": five}).status_code
        == 302
    )
    six = [upload(f"g{i}.txt") for i in range(6)]
    response = client.post(page_of(ticket.number), {"body": "six", "attachments": six})
    assert response.status_code == 400
    assert "at most 5 files" in response.text
    assert not ticket.comments.filter(body="six").exists()


def test_empty_reply_is_refused_with_a_message(ticket, acme_user, client_for):
    response = client_for(acme_user).post(page_of(ticket.number), {"body": "  "})
    assert response.status_code == 400
    assert "Write a comment or attach a file." in response.text


def test_closed_request_says_why_instead_of_a_reply_form(ticket, acme_agent, acme_user, client_for):
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.CLOSED)
    client = client_for(acme_user)
    text = client.get(page_of(ticket.number)).text
    assert "This request has been closed." in text
    assert "Send reply" not in text
    response = client.post(page_of(ticket.number), {"body": "hello?"})
    assert response.status_code == 400
    assert "This request is closed" in response.text
    assert not ticket.comments.filter(body="hello?").exists()


def test_requester_closes_request_then_leaves_feedback_then_is_thanked(
    ticket, acme_user, client_for
):
    client = client_for(acme_user)
    assert "Close request" in client.get(page_of(ticket.number)).text
    response = client.post(f"{page_of(ticket.number)}close/", follow=True)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SOLVED
    assert "This request has been closed." in response.text
    assert f"ID (#{ticket.number})" in response.text
    assert "Leave feedback" in response.text
    assert "Send reply" not in response.text
    assert "Close request" not in response.text

    response = client.post(
        f"{page_of(ticket.number)}feedback/", {"rating": "good", "comment": "Quick!"}, follow=True
    )
    ticket.refresh_from_db()
    assert (ticket.satisfaction_rating, ticket.satisfaction_comment) == ("good", "Quick!")
    assert "Thank you for your feedback." in response.text
    # The form stays, folded, for a change of mind (issue 26).
    assert "Change your rating" in response.text


def test_closed_request_and_the_thanks_for_feedback_are_each_said_once(
    ticket, acme_user, client_for
):
    client = client_for(acme_user)
    text = client.post(f"{page_of(ticket.number)}close/", follow=True).text
    assert text.count("This request has been closed.") == 1
    assert "can no longer receive replies" not in text
    text = client.post(f"{page_of(ticket.number)}feedback/", {"rating": "good"}, follow=True).text
    assert text.count("Thank you for your feedback.") == 1
    assert text.count("This request has been closed.") == 1


def test_close_is_post_only(ticket, acme_user, client_for):
    assert client_for(acme_user).get(f"{page_of(ticket.number)}close/").status_code == 405
    ticket.refresh_from_db()
    assert ticket.status != Ticket.Status.SOLVED


def test_only_the_requester_may_close_or_rate(acme, ticket, acme_manager, client_for):
    client = client_for(acme_manager)  # sees the request as organization manager
    assert "Close request" not in client.get(page_of(ticket.number)).text
    response = client.post(f"{page_of(ticket.number)}close/", follow=True)
    assert "Only the requester can close this request." in response.text
    ticket.refresh_from_db()
    assert ticket.status != Ticket.Status.SOLVED


def test_feedback_without_a_rating_is_refused(ticket, acme_user, client_for):
    request_solve_by_requester(ticket=ticket, user=acme_user)
    response = client_for(acme_user).post(f"{page_of(ticket.number)}feedback/", {"rating": "meh"})
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == ""


def test_submit_a_request_creates_a_public_portal_ticket(acme, acme_user, client_for):
    response = client_for(acme_user).post(
        "/hc/requests/new/",
        {
            "subject": "Cannot sign in",
            "body": "It says my password is wrong.",
            "attachments": [upload("screen.png", PNG, "image/png")],
        },
    )
    ticket = Ticket.objects.for_account(acme).get(subject="Cannot sign in")
    assert response.status_code == 302
    assert response["Location"] == page_of(ticket.number)
    assert (ticket.requester, ticket.channel, ticket.is_public) == (acme_user, "portal", True)
    assert ticket.comments.get().attachments.count() == 1


def test_submit_a_request_with_a_refused_file_keeps_subject_and_text(acme, acme_user, client_for):
    response = client_for(acme_user).post(
        "/hc/requests/new/",
        {"subject": "Cannot sign in", "body": "Details here", "attachments": [upload("x.exe")]},
    )
    assert response.status_code == 200
    assert "“x.exe” is not an allowed file type" in response.text
    assert 'value="Cannot sign in"' in response.text
    assert "Details here" in response.text
    assert not Ticket.objects.for_account(acme).exists()


def test_attachment_download_headers(ticket, acme_agent, acme_user, client_for):
    comment = comment_add(
        ticket=ticket,
        author=acme_agent,
        body="files",
        uploads=[
            upload("report.pdf", PDF, "application/pdf"),
            upload("shot.png", PNG, "image/png"),
        ],
    )
    pdf, png = sorted(comment.attachments.all(), key=lambda a: a.filename)
    client = client_for(acme_user)
    response = client.get(f"{page_of(ticket.number)}attachments/{pdf.token}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == PDF
    image = client.get(f"{page_of(ticket.number)}attachments/{png.token}/")
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline;")
    assert "sandbox" in image["Content-Security-Policy"]


def test_attachment_token_of_another_request_is_404(
    acme, ticket, acme_agent, acme_user, client_for
):
    other = make_ticket(account=acme, submitter=acme_agent, requester=acme_user)
    comment = comment_add(ticket=other, author=acme_agent, body="f", uploads=[upload("a.txt")])
    token = comment.attachments.get().token
    client = client_for(acme_user)
    assert client.get(f"{page_of(ticket.number)}attachments/{token}/").status_code == 404
    assert client.get(f"{page_of(other.number)}attachments/{token}/").status_code == 200
    assert client.get(f"{page_of(other.number)}attachments/guess/").status_code == 404


@pytest.mark.parametrize(
    ("channel", "submitted_by_requester", "shown"),
    [
        (Channel.WEB, False, "By our support team"),
        (Channel.API, False, "By our support team"),
        (Channel.CHAT, True, "By chat"),
        (Channel.PHONE, False, "By phone"),
        (Channel.EMAIL, True, "By email"),
        (Channel.PORTAL, True, "In the help center"),
        (Channel.API, True, "Online"),
    ],
)
def test_request_says_how_it_was_opened_in_the_end_users_words(
    channel, submitted_by_requester, shown, acme, acme_agent, acme_user, client_for
):
    submitter = acme_user if submitted_by_requester else acme_agent
    ticket = make_ticket(
        account=acme, submitter=submitter, requester=acme_user, channel=channel, assignee=None
    )
    text = client_for(acme_user).get(page_of(ticket.number)).text
    assert f"<dt>Opened</dt><dd>{shown}</dd>" in text
    assert "<dt>Channel</dt>" not in text and ">Web<" not in text and ">API<" not in text
