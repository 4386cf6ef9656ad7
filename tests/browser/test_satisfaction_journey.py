"""Issue 26: an end user rates a solved request from the link in the solved email, as the
development mail backend writes it under var/mail/ (here a temporary folder): one click
records Bad without signing in, the next page takes a reason and a comment, the same
link followed again changes nothing, and once the request has been closed longer than
the survey's window the link's page says so."""

import email
import re
from datetime import timedelta
from email import policy
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from satisfaction.models import SatisfactionRating
from tests.browser.conftest import screenshot
from tests.factories import make_ticket
from tickets.models import Ticket
from tickets.services import ticket_update

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+/hc/satisfaction/\S+/(good|bad)/")


def survey_links(mail_dir, to: str) -> dict[str, str]:
    """The Good/Bad links of the one survey email written to ``to``."""
    found = []
    for path in sorted(mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        if to in str(message["To"]) and LINK.search(text):
            found.append(text)
    assert len(found) == 1, f"expected one survey email to {to}, found {len(found)}"
    return {m.group(1): m.group(0) for m in LINK.finditer(found[0])}


def survey_links_written(mail_dir) -> bool:
    return any(
        LINK.search(
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            .get_body(preferencelist=("plain",))
            .get_content()
        )
        for path in mail_dir.glob("*.eml")
    )


def test_end_user_rates_a_solved_request_from_the_emailed_link(
    page, acme_url, acme, acme_agent, acme_user, settings, tmp_path
):
    settings.MAILERS = {"default": {"BACKEND": "notifications.mail.DevelopmentEmailBackend"}}
    settings.DEV_MAIL_DIR = tmp_path
    settings.SITE_PORT = str(urlsplit(acme_url).port)
    settings.SITE_SCHEME = "http"
    ticket = make_ticket(
        account=acme, submitter=acme_agent, requester=acme_user, subject="Printer jams"
    )
    assert not survey_links_written(tmp_path)  # the "created" email offers no rating
    ticket_update(ticket=ticket, actor=acme_agent, status=Ticket.Status.SOLVED)
    links = survey_links(tmp_path, acme_user.email)
    assert set(links) == {"good", "bad"}
    assert links["bad"].startswith(acme_url)

    # One click: the page records Bad as it loads (no sign-in), then asks for more.
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(links["bad"])
    expect(page.locator("h1")).to_have_text("Thank you for your feedback.")
    expect(page.get_by_text("You rated this request: bad.")).to_be_visible()
    assert SatisfactionRating.objects.for_account(acme).get(ticket=ticket).score == "bad"
    page.get_by_label("What was the main reason for your rating?").select_option(
        label="The issue took too long to resolve"
    )
    page.get_by_label("Comment (optional)").fill("Three days without a printer.")
    screenshot(page, "satisfaction-bad-reason")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("You rated this request: bad.")).to_be_visible()
    rating = SatisfactionRating.objects.for_account(acme).get(ticket=ticket)
    assert (rating.score, rating.comment) == ("bad", "Three days without a printer.")
    assert rating.reason is not None and rating.reason.key == "too_long"

    # The requester changes their mind on the page; the Bad link replayed cannot undo it.
    page.get_by_label("Good, I'm satisfied").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("You rated this request: good.")).to_be_visible()
    page.goto(links["bad"])
    expect(page.get_by_text("This link has already been used.")).to_be_visible()
    expect(page.get_by_text("You rated this request: good.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == "good"

    # Closed longer ago than the window (14 days): a clear page, nothing recorded.
    Ticket.objects.for_account(acme).filter(pk=ticket.pk).update(
        status=Ticket.Status.CLOSED, status_changed_at=timezone.now() - timedelta(days=15)
    )
    response = page.goto(links["bad"])
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Your rating could not be recorded")
    expect(page.get_by_role("alert")).to_have_text(
        "This request was closed too long ago to be rated."
    )
    screenshot(page, "satisfaction-window-closed")
    ticket.refresh_from_db()
    assert ticket.satisfaction_rating == "good"
