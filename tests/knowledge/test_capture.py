"""Knowledge capture (issue 25): an article from a solved ticket's answer, prefilled
without the requester's personal data, linked back both ways; editors only."""

import pytest

from knowledge import services
from knowledge.models import Article
from tickets.models import TicketEvent
from tickets.services import comment_add, ticket_create

pytestmark = pytest.mark.django_db

ANSWER = (
    "<p>Hello Anna, hold the reset button for ten seconds.</p>"
    '<p>Write to <a href="mailto:anna.rossi@example.com">anna.rossi@example.com</a> '
    "or call me at +39 02 1234 5678. Your phone 333-123-4567 is on file.</p>"
    '<p><img src="https://tracker.example/p.gif"><script>alert(1)</script></p>'
)


@pytest.fixture
def solved(acme, acme_admin, acme_user):
    acme_user.name, acme_user.phone = "Anna Rossi", "333-123-4567"
    acme_user.save(update_fields=["name", "phone"])
    ticket = ticket_create(
        account=acme, submitter=acme_user, subject="Anna Rossi's router blinks red", body="Help!"
    )
    comment_add(ticket=ticket, author=acme_admin, html_body=ANSWER, body="x", public=True)
    comment_add(ticket=ticket, author=acme_admin, body="Internal", public=False, status="solved")
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    return ticket


@pytest.fixture
def section(acme_admin):
    category = services.category_save(editor=acme_admin, locale="en", name="Guides")
    return services.section_save(editor=acme_admin, category=category, locale="en", name="Net")


def capture_url(ticket, position=2):
    return f"/agent/knowledge/articles/from-ticket/{ticket.number}/{position}/"


def test_editor_prefilled_without_personal_data(client_for, acme_admin, solved, section):
    r = client_for(acme_admin).get(capture_url(solved))
    assert r.status_code == 200
    form = r.context["form"]
    assert form.initial["title"] == "[…]'s router blinks red"
    body = form.initial["body"]
    assert "hold the reset button" in body
    for personal in ("Anna", "Rossi", "anna.rossi@example.com", "mailto", "1234 5678", "4567"):
        assert personal not in body
    for dangerous in ("<script", "tracker.example"):
        assert dangerous not in body
    page = r.content.decode()
    assert f"ticket #{solved.number}" in page
    assert "Internal" not in body


def test_saving_links_article_and_ticket(client_for, acme_admin, solved, section):
    client = client_for(acme_admin)
    r = client.post(
        capture_url(solved),
        {
            "title": "Router blinks red",
            "body": "<p>Hold the reset button.</p>",
            "section": section.number,
            "visibility": "everyone",
            "locale": "en",
        },
    )
    assert r.status_code == 302
    article = Article.objects.for_account(solved.account).get()
    assert article.source_ticket == solved
    assert article.status == "draft"
    event = TicketEvent.objects.for_account(solved.account).get(
        ticket=solved, field="knowledge_article"
    )
    assert event.new_value == f"#{article.number}" and event.actor == acme_admin
    editor_page = client.get(r["Location"]).content.decode()
    assert f"/agent/tickets/{solved.number}/" in editor_page
    activity = client.get(f"/agent/tickets/{solved.number}/?tab=activity").content.decode()
    assert "Article created" in activity and f"#{article.number}" in activity


def test_ticket_page_offers_public_agent_answers_to_editors(
    client_for, acme_admin, acme_agent, solved
):
    page = client_for(acme_admin).get(f"/agent/tickets/{solved.number}/").content.decode()
    assert capture_url(solved, 2) in page
    assert capture_url(solved, 1) not in page  # the requester's description
    assert capture_url(solved, 3) not in page  # the internal note
    # An agent an admin has not allowed to write articles: no action, and 404.
    client = client_for(acme_agent)
    assert "from-ticket" not in client.get(f"/agent/tickets/{solved.number}/").content.decode()
    assert client.get(capture_url(solved)).status_code == 404
    client_for(acme_admin).post("/agent/settings/knowledge/", {"agents_may_edit": "on"})
    assert capture_url(solved) in client.get(f"/agent/tickets/{solved.number}/").content.decode()
    assert client.get(capture_url(solved)).status_code == 200


def test_only_solved_tickets_public_agent_answers(client_for, acme, acme_admin, acme_user):
    ticket = ticket_create(account=acme, submitter=acme_user, subject="Open one", body="Help")
    comment_add(ticket=ticket, author=acme_admin, body="Try this.", public=True)
    client = client_for(acme_admin)
    assert client.get(capture_url(ticket)).status_code == 404
    assert "from-ticket" not in client.get(f"/agent/tickets/{ticket.number}/").content.decode()


def test_positions_past_the_conversation_are_404(client_for, acme_admin, solved):
    client = client_for(acme_admin)
    for position in (0, 4, 10**20):
        assert client.get(capture_url(solved, position)).status_code == 404


def test_end_user_and_other_account_get_404(client_for, acme_user, globex_agent, solved):
    assert client_for(acme_user).get(capture_url(solved)).status_code == 404
    assert client_for(globex_agent).get(capture_url(solved)).status_code == 404


def test_invalid_post_is_a_form_error_not_500(client_for, acme_admin, solved, section):
    r = client_for(acme_admin).post(capture_url(solved), {"title": "", "section": "999"})
    assert r.status_code == 400
    assert not Article.objects.for_account(solved.account).exists()


def test_what_the_stripping_keeps():
    from knowledge.capture import Person, draft_body

    person = Person(name="Anna Rossi", email="anna@example.com", phone="")
    body = draft_body(
        body="Anna: on 2024-01-02 Annabel fixed order 12345 (ticket #1234567).",
        html_body="",
        person=person,
    )
    assert "[…]: on 2024-01-02 Annabel fixed order 12345 (ticket #1234567)." in body
