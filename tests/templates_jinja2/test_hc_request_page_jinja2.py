"""The help center's request page in Jinja2 (issue 17: templates/jinja2/portal/
request_detail.html and its includes: status, form errors, the editor, the rating form,
support access, the call and escalation facts, the shared articles).

The page printed what the DTL page printed, whitespace folded, for the same context in
English, Italian and Spanish, with hostile values in what people type (the account, the
subject, the names of the requester, a CC and the agent, the comments' bodies in text and
HTML, the file names, the organization, a custom field's title and value, the rating's
comment, a refused reply's text): open, after a refused reply, solved with the rating
form, rated, refused rating, closed with a reply refused, and as the organization's
manager viewing a colleague's request with a call. The test that said so compared both
engines until the DTL copies went (at 2a9e727). The page exists in Jinja2 only, and so do the
partials the DTL pages shared with it until they followed (form errors, the editor, the
rating form: the survey's pages and the new request, at 42b8989 and 06af9f8)."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from calls.services import call_schedule
from customfields.services import ticket_field_create
from escalations.services import escalation_create
from satisfaction.services import rate
from tests.factories import EndUserFactory, make_ticket
from tests.security.test_hostile_values_escaped import (
    ESCAPED,
    HOSTILE,
    hostile_name,
    unescaped,
)
from tests.security.test_hostile_values_escaped import hostile as hostile  # the fixture
from tickets.models import Ticket
from tickets.services import comment_add, ticket_update
from tickets.services.ccs import ticket_set_ccs

LANGUAGES = ["en", "it", "es"]
PAGE = "portal/request_detail.html"
CASES = ["open", "refused", "solved", "rated", "refused-rating", "closed", "manager"]


@pytest.fixture
def req(acme, hostile):
    admin, ticket = hostile["admin"], hostile["ticket"]
    cc = EndUserFactory(account=acme, name=hostile_name("CC"), organization=hostile["org"])
    ticket_set_ccs(ticket=ticket, actor=admin, users=[cc])
    field = ticket_field_create(
        account=acme,
        kind="text",
        title=f"Field {HOSTILE}",
        title_in_portal=f"Portal field {HOSTILE}",
        visible_in_portal=True,
    )
    ticket_update(ticket=ticket, actor=admin, custom_fields={field.number: f"Value {HOSTILE}"})
    comment_add(
        ticket=ticket,
        author=admin,
        body=f"Agent {HOSTILE}",
        html_body=f"<p>Agent <b>{HOSTILE.replace('<', '&lt;')}</b></p>",
    )
    escalation_create(ticket=ticket, actor=admin, group=ticket.group, description="Esc")
    colleague = EndUserFactory(
        account=acme, name=hostile_name("Colleague"), organization=hostile["org"]
    )
    theirs = make_ticket(
        account=acme,
        submitter=admin,
        requester=colleague,
        subject=f"Theirs {HOSTILE}",
        channel="phone",
    )
    call_schedule(
        ticket=theirs,
        actor=admin,
        scheduled_at=timezone.now(),
        meeting_url="https://meet.example/r?a=1&b='2'",
    )
    ticket.refresh_from_db()
    return {**hostile, "cc": cc, "theirs": theirs}


def _client(client_for, user, language):
    user.locale = language
    user.save()
    return client_for(user)


def _response(client_for, req, case, language):
    requester, ticket, admin = req["requester"], req["ticket"], req["admin"]
    client = _client(client_for, requester, language)
    url = f"/hc/requests/{ticket.number}/"
    if case == "open":
        return client.get(url)
    if case == "refused":
        return client.post(url, {"body": ""})
    if case == "manager":
        return client.get(f"/hc/requests/{req['theirs'].number}/")
    if case == "closed":
        ticket_update(ticket=ticket, actor=admin, status=Ticket.Status.CLOSED)
        return client.post(url, {"body": f"Typed {HOSTILE}"})
    ticket_update(ticket=ticket, actor=admin, status=Ticket.Status.SOLVED)
    if case == "rated":
        rate(ticket=ticket, user=requester, score="bad", comment=f"Bad {HOSTILE}\nline")
    if case == "refused-rating":
        return client.post(f"{url}feedback/", {"rating": "meh", "comment": f"C {HOSTILE}"})
    return client.get(url)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", CASES)
def test_the_request_page_escapes_and_speaks_the_viewers_language(client_for, req, language, case):
    response = _response(client_for, req, case, language)
    assert response.status_code == (400 if case.startswith("refused") or case == "closed" else 200)
    assert _pages(response) == [PAGE]
    text = response.text
    assert not unescaped(text) and ESCAPED in text
    assert response.headers["Content-Language"] == language
    with translation.override(language):
        for word in ("Conversation", "Request details", "Last updated"):
            assert translation.gettext(word) in text, word
    if case != "manager":
        assert "Agent <b>&lt;script&gt;" in text  # the agent's HTML reply, sanitised as stored
        assert "Value &lt;script&gt;" in text and "CC O&quot;Hara" in text
    marks = {
        "open": 'id="reply"',
        "refused": 'class="error"',
        "solved": 'id="feedback"',
        "rated": "hc-feedback-thanks",
        "refused-rating": 'class="error"',
        "closed": 'id="typed-reply"',
        "manager": "https://meet.example/r?a=1&amp;b=&#x27;2&#x27;",
    }
    assert marks[case] in text


def _pages(response) -> list[str]:
    """The templates a response rendered, without the form widgets' (a radio's options
    render with Django's form renderer)."""
    return [t.name for t in response.templates if not t.name.startswith("django/forms/")]
