"""The end user's journey through the help center, in Chromium: My activities (with the
CC and organization tabs), a proactive request, a formatted reply with an attachment, a
refused file with the typed text kept, closing the request and leaving feedback."""

import re
import struct
import zlib

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.factories import EndUserFactory, make_ticket
from tickets.models import Ticket
from tickets.services import comment_add, ticket_add_ccs

pytestmark = pytest.mark.browser


def png(width: int = 24, height: int = 24, rgb: bytes = b"\x1f\x6f\x5c") -> bytes:
    """A real (decodable) PNG of one colour, so the thumbnail renders."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + rgb * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def top_screenshot(page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


@pytest.fixture
def colleague(acme, acme_org):
    return EndUserFactory(
        account=acme, name="Carl Colleague", email="carl@customer.example", organization=acme_org
    )


@pytest.fixture
def proactive(acme, acme_agent, acme_user):
    """A public ticket an agent opened for the user, with a reply and an internal note."""
    ticket = make_ticket(
        account=acme,
        submitter=acme_agent,
        requester=acme_user,
        subject="Your laptop replacement",
        body="Hello Uma, your new laptop is ready. Which day suits you for pick-up?",
        assignee=acme_agent,
    )
    comment_add(ticket=ticket, author=acme_agent, body="Do not mention the delay.", public=False)
    return ticket


def test_end_user_replies_is_refused_a_file_closes_and_leaves_feedback(
    page, acme_url, acme, acme_agent, acme_user, colleague, proactive, password
):
    ccd = make_ticket(account=acme, submitter=colleague, subject="Office Wi-Fi keeps dropping")
    ticket_add_ccs(ticket=ccd, actor=acme_agent, users=[acme_user])

    sign_in(page, acme_url, acme_user.email, password)
    expect(page).to_have_url(f"{acme_url}/hc/")
    expect(page.get_by_role("heading", name="My activities")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Your laptop replacement")).to_be_visible()
    expect(table).to_contain_text("Open")
    expect(table).not_to_contain_text("Office Wi-Fi")
    screenshot(page, "portal-my-activities")

    page.get_by_role("link", name=re.compile(r"Requests I'm CC'd on")).click()
    expect(page.get_by_role("table")).to_contain_text("Office Wi-Fi keeps dropping")
    expect(page.get_by_role("table")).not_to_contain_text("Your laptop replacement")
    page.get_by_role("link", name=re.compile(r"^My requests")).click()

    page.get_by_role("link", name="Your laptop replacement").click()
    expect(page).to_have_url(f"{acme_url}/hc/requests/{proactive.number}/")
    expect(page.get_by_text("your new laptop is ready")).to_be_visible()
    expect(page.get_by_text("Do not mention the delay")).to_have_count(0)
    side = page.get_by_role("complementary", name="Request details")
    expect(side).to_contain_text(acme_agent.name)
    expect(side).to_contain_text(acme_user.name)

    # A formatted reply with an allowed attachment.
    editor = page.get_by_role("textbox", name="Your message")
    editor.click()
    page.keyboard.type("Thursday works. ")
    page.get_by_role("button", name="Bold").click()
    page.keyboard.type("Morning please")
    page.locator("#reply").get_by_label("Attachments").set_input_files(
        [{"name": "receipt.png", "mimeType": "image/png", "buffer": png()}]
    )
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status").filter(has_text="Your reply was added.")).to_be_visible()
    reply = page.locator(".hc-comment").last
    expect(reply.locator("strong")).to_have_text("Morning please")
    expect(reply.get_by_role("link", name=re.compile("receipt.png"))).to_be_visible()
    # The thumbnail comes through the authorised download view and really decodes.
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.hc-thumb')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    top_screenshot(page, "portal-request-page")

    # A forbidden type and an oversized file are refused by name; the text stays.
    editor = page.get_by_role("textbox", name="Your message")
    editor.click()
    page.keyboard.type("Here is the HAR file you asked for.")
    page.locator("#reply").get_by_label("Attachments").set_input_files(
        [
            {"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ" * 10},
            {
                "name": "network.har",
                "mimeType": "application/json",
                "buffer": b"{" + b" " * (600 * 1024) + b"}",
            },
        ]
    )
    page.get_by_role("button", name="Send reply").click()
    alerts = page.locator("#reply [role=alert]")
    expect(alerts.filter(has_text="“tool.exe” is not an allowed file type")).to_be_visible()
    expect(alerts.filter(has_text="“network.har” is larger than 500 KB.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your message")).to_have_text(
        "Here is the HAR file you asked for."
    )
    top_screenshot(page, "portal-request-refused-file")
    assert proactive.comments.filter(body__contains="HAR file").count() == 0

    # Close the request, then leave feedback, then be thanked.
    page.get_by_role("button", name="Close request").click()
    expect(page.get_by_text("This request has been closed.")).to_be_visible()
    expect(page.get_by_text("submit a new request and mention this request's ID")).to_be_visible()
    expect(page.get_by_role("button", name="Close request")).to_have_count(0)
    page.get_by_role("link", name="Leave feedback").click()
    page.get_by_label("Good, I'm satisfied").check()
    page.get_by_label("Comment (optional)").fill("Quick and friendly.")
    top_screenshot(page, "portal-request-feedback-form")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator("#feedback")).to_contain_text("Thank you for your feedback.")
    expect(page.get_by_role("button", name="Send feedback")).to_have_count(0)
    expect(page.get_by_role("button", name="Send reply")).to_have_count(0)
    expect(page.get_by_text("This request has been closed.")).to_have_count(1)
    top_screenshot(page, "portal-request-closed-thanks")

    proactive.refresh_from_db()
    assert proactive.status == Ticket.Status.SOLVED
    assert (proactive.satisfaction_rating, proactive.satisfaction_comment) == (
        "good",
        "Quick and friendly.",
    )

    page.goto(f"{acme_url}/hc/?status=solved")
    expect(page.get_by_role("table")).to_contain_text("Your laptop replacement")
    expect(page.get_by_role("table")).to_contain_text("Solved")


def test_organization_manager_sees_organization_requests_with_requester(
    page, acme_url, acme, acme_manager, colleague, password
):
    make_ticket(account=acme, submitter=colleague, subject="Printer jam on floor 3")
    sign_in(page, acme_url, acme_manager.email, password)
    expect(page).to_have_url(f"{acme_url}/hc/")
    page.get_by_role("link", name=re.compile("Organization requests")).click()
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Requester")).to_be_visible()
    expect(table).to_contain_text("Printer jam on floor 3")
    expect(table).to_contain_text("Carl Colleague")
    screenshot(page, "portal-organization-requests")


def test_search_finds_a_request_by_a_reply_word_highlighted(
    page, acme_url, acme_user, proactive, password
):
    sign_in(page, acme_url, acme_user.email, password)
    requests_search = page.get_by_role("searchbox", name="Search your requests")
    requests_search.fill("pick-up")
    requests_search.press("Enter")
    result = page.locator(".hc-result")
    expect(result).to_have_count(1)
    expect(result.locator("mark").first).to_be_visible()
    screenshot(page, "portal-search")
    requests_search.fill("delay")
    requests_search.press("Enter")
    expect(page.get_by_text("No requests match your search.")).to_be_visible()


@pytest.mark.parametrize("path", ["/hc/", "/hc/requests/{number}/", "/hc/requests/new/"])
def test_help_center_pages_fit_a_phone_screen(page, acme_url, acme_user, proactive, password, path):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, acme_url, acme_user.email, password)
    page.goto(acme_url + path.format(number=proactive.number))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    screenshot(page, "phone-portal-" + (path.strip("/").split("/")[-1].strip("{}") or "home"))
