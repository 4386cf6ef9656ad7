"""The agent's ticket page in Jinja2 (issue 17, after the list: templates/jinja2/agent/
ticket_detail.html, its includes, and the fragments its views return: presence, follow).

The page printed what the DTL page printed, whitespace folded, for the same context in
English, Italian and Spanish, for an admin, an agent and a light agent, with hostile values
in everything people type (the subject, the comments' bodies and files, names, an
organization, a group, tags, a custom field's title and value, a macro, a linked ticket,
an escalation), its refused reply and its conflict, and its two fragments: the test that
said so compared both engines until the DTL copies went (bench/README.md, "Eleventh
round"). The page, its own includes and fragments now exist in Jinja2 only; what DTL
pages still include (the form field, the icon) exists in both, and must print the same
(the CC and requester fields, the submit button and the custom fields went with the DTL
new-ticket page: tests/templates_jinja2/test_ticket_new_jinja2.py)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from accounts.models import AgentRole
from customfields.services import ticket_field_create
from escalations.services import escalation_create
from macros.services import macro_create
from tests.factories import AgentFactory, make_ticket
from tests.security.test_hostile_values_escaped import ESCAPED, HOSTILE, unescaped
from tests.security.test_hostile_values_escaped import hostile as hostile  # the fixture
from tests.templates_jinja2.engines import both_engines
from ticketlinks.services import ticket_link_add
from tickets.services import ticket_update
from timeworked.services import time_log

LANGUAGES = ["en", "it", "es"]
ROLES = ["admin", "agent", "light"]
PAGE = "agent/ticket_detail.html"
# Words of the page, as each language says them.
PAGE_WORDS = ["Conversation", "Activity", "Forward", "Ticket fields", "Linked tickets"]


@pytest.fixture
def rich(acme, hostile, acme_agent):
    """The hostile ticket with everything the page's side panels print."""
    admin, ticket = hostile["admin"], hostile["ticket"]
    field = ticket_field_create(account=acme, kind="text", title=f"Field {HOSTILE}")
    ticket_update(ticket=ticket, actor=admin, custom_fields={field.number: f"Value {HOSTILE}"})
    macro_create(
        account=acme,
        actor=admin,
        title=f"Macro {HOSTILE}::Child {HOSTILE}",
        description=f"Does {HOSTILE}",
        actions=[{"field": "comment_value", "value": f"Hi {HOSTILE}"}],
    )
    other = make_ticket(account=acme, submitter=admin, subject=f"Other {HOSTILE}")
    ticket_link_add(ticket=ticket, other=other, kind="related", actor=admin)
    escalation_create(
        ticket=ticket, actor=admin, group=ticket.group, description=f"Esc {HOSTILE}\nline"
    )
    time_log(ticket=ticket, actor=admin, seconds=5400)
    light = AgentFactory(
        account=acme,
        email="light@acme.example",
        name=f"Light {HOSTILE}",
        agent_role=AgentRole.objects.for_account(acme).get(builtin="light_agent"),
    )
    ticket.refresh_from_db()
    return {"admin": admin, "agent": acme_agent, "light": light, "ticket": ticket}


def _signed_in(client_for, user, language):
    user.locale = language
    user.save()
    return client_for(user)


def _pages(response) -> list[str]:
    """The templates a response rendered, without the form widgets' (Django's forms render
    a few, a radio's options, with their own renderer: not the page's language)."""
    return [t.name for t in response.templates if not t.name.startswith("django/forms/")]


def _speaks(response, language: str, words: list[str]) -> None:
    assert response.headers["Content-Language"] == language
    with translation.override(language):
        for word in words:
            assert translation.gettext(word).replace("'", "&#x27;") in response.text, word


def _escaped(response) -> None:
    assert not unescaped(response.text)
    assert ESCAPED in response.text and HOSTILE not in response.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("tab", ["conversation", "activity"])
def test_the_ticket_page_escapes_and_speaks_the_viewers_language(
    client_for, rich, language, role, tab
):
    client = _signed_in(client_for, rich[role], language)
    response = client.get(f"/agent/tickets/{rich['ticket'].number}/?tab={tab}")
    assert response.status_code == 200
    assert _pages(response) == [PAGE]
    _escaped(response)
    _speaks(response, language, PAGE_WORDS)
    text = response.text
    if tab == "conversation":
        assert "Other &lt;script&gt;" in text  # the linked ticket
        assert "Value &lt;script&gt;" in text  # the custom field's value
        assert "Esc &lt;script&gt;" in text  # the escalation
        files = re.findall(r'<ul class="attachments">.*?</ul>', text, re.S)
        assert len(files) == 2 and all("&#x27;&amp;" in f for f in files), files
    else:
        assert 'class="list activity"' in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_reply_and_a_conflict_escape_and_translate(client_for, rich, language):
    client = _signed_in(client_for, rich["admin"], language)
    url = f"/agent/tickets/{rich['ticket'].number}/"
    refused = client.post(f"{url}reply/", {"body": "", "comment_type": "public"})
    assert refused.status_code == 200 and 'role="alert"' in refused.text
    _escaped(refused)
    before = "2020-01-01T00:00:00+00:00"  # a stamp older than every change: a conflict
    stale = client.post(
        f"{url}reply/",
        {"body": f"Mine {HOSTILE}", "comment_type": "internal", "updated_stamp": before},
    )
    assert stale.status_code == 409 and 'id="conflict"' in stale.text
    _escaped(stale)
    _speaks(stale, language, ["Someone changed this ticket while you were working on it."])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_fragments_escape_and_translate(client_for, rich, language):
    ticket = rich["ticket"]
    for role in ("admin", "agent"):  # two viewers: the second sees the first
        client = _signed_in(client_for, rich[role], language)
        presence = client.post(f"/agent/tickets/{ticket.number}/presence/", {"body": "typing"})
    assert presence.status_code == 200
    assert _pages(presence) == ["agent/_presence.html"]
    assert not unescaped(presence.text) and "&lt;script&gt;" in presence.text
    _speaks(presence, language, ["Also viewing this ticket:", "typing a reply…"])
    follow = client.post(
        f"/agent/tickets/{ticket.number}/follow/", {"follow": "1"}, headers={"HX-Request": "true"}
    )
    assert follow.status_code == 200 and 'name="follow" value="0"' in follow.text
    assert _pages(follow) == ["notifications/_follow.html"]
    _speaks(follow, language, ["Unfollow"])


def _both(response, template_name: str, **extra) -> tuple[str, str]:
    """``template_name`` through both engines, for the ticket page's response."""
    assert response.templates[0].name == PAGE
    return both_engines(response, template_name, **extra)


# What DTL pages still include, as the ticket page includes it.
SHARED = {
    "form_field.html": lambda c: {"field": c["reply_form"]["attachments"]},
    "_icon.html": lambda c: {"name": "paperclip"},
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("refused", [False, True])
def test_the_partials_the_dtl_pages_share_print_the_same(client_for, rich, language, refused):
    client = _signed_in(client_for, rich["admin"], language)
    url = f"/agent/tickets/{rich['ticket'].number}/"
    if refused:  # errors on the fields, and a requester refused: the typed text instead
        response = client.post(
            f"{url}fields/", {"requester": f"x{HOSTILE}", "status": "nonsense", "ccs": "a@"}
        )
    else:
        response = client.get(url)
    context = response.context if isinstance(response.context, dict) else response.context[0]
    for partial, extra in SHARED.items():
        dtl, jinja = _both(response, partial, **extra(context))
        assert dtl == jinja, partial
        assert jinja and not unescaped(jinja), partial
    if refused:
        assert 'class="error"' in response.text
