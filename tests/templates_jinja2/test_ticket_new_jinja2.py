"""The agent's new-ticket page in Jinja2 (issue 17, after the list, the ticket page and the
help center: templates/jinja2/agent/ticket_new.html), and the fragments its htmx
endpoints return: the requester field picked or emptied, its search results, its
"+ Add user" form, the CC suggestions.

Each printed what the DTL page or partial printed, whitespace folded, for the view's own
context, in English, Italian and Spanish, with hostile values in everything people type
(the account, names and emails, an organization, a group, a custom field's title and
options, a ticket form, the typed requester, subject, CCs and query, errors, a message):
the page empty, with a requester given, refused (field and form errors, files to attach
again), refused with a requester picked, for a light agent (no "Submit as Solved"), with
private tickets off; each fragment in each of its states. This test compared both engines
until the DTL copies went (acc3483; bench/README.md, "Thirteenth round"); it now checks
that every case escapes, speaks the viewer's language and keeps its parts."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import set_urlconf
from django.utils import translation

from accounts.models import Account, AgentRole
from customfields.form_services import ticket_form_create, ticket_form_update
from customfields.models import TicketForm
from customfields.services import ticket_field_create
from tests.factories import AgentFactory, EndUserFactory
from tests.security.test_hostile_values_escaped import ESCAPED, HOSTILE, unescaped
from tests.security.test_hostile_values_escaped import hostile as hostile  # the fixture
from tests.templates_jinja2.engines import normalised, view_context

LANGUAGES = ["en", "it", "es"]
PAGE = "agent/ticket_new.html"
NEW = "/agent/tickets/new/"
PAGE_WORDS = ["New ticket", "Leave empty to be the requester yourself.", "Comment type"]


@pytest.fixture
def rich(acme, hostile, acme_agent):
    """The hostile account with custom fields, a ticket form with a condition, a light
    agent and a hostile colleague: everything the new-ticket page and its fragments print."""
    kind = ticket_field_create(
        account=acme,
        kind="tagger",
        title=f"Kind {HOSTILE}",
        options=[{"name": f"Outage {HOSTILE}", "value": "outage"}, {"name": "Question"}],
    )
    since = ticket_field_create(account=acme, kind="text", title=f"Since {HOSTILE}")
    conditions = [
        {
            "parent_field_id": kind.number,
            "value": "outage",
            "child_fields": [{"id": since.number, "is_required": True}],
        }
    ]
    numbers = [kind.number, since.number]
    ticket_form_create(
        account=acme, name=f"Form {HOSTILE}", field_numbers=numbers, conditions=conditions
    )
    # The form a new ticket starts on shows a field only when another says "outage".
    default = TicketForm.objects.for_account(acme).get(default=True)
    ticket_form_update(form=default, field_numbers=numbers, conditions=conditions)
    light = AgentFactory(
        account=acme,
        email="light@acme.example",
        name=f"Light {HOSTILE}",
        agent_role=AgentRole.objects.for_account(acme).get(builtin="light_agent"),
    )
    # Found by the requester search and the CC search beside the hostile requester.
    EndUserFactory(account=acme, name=f"Requester Two {HOSTILE}", phone="+39 06 1234")
    return {**hostile, "light": light, "agent": acme_agent, "kind": kind}


def _signed_in(client_for, user, language):
    user.locale = language
    user.save()
    return client_for(user)


def _speaks(response, language: str, words: list[str]) -> None:
    assert response.headers["Content-Language"] == language
    with translation.override(language):
        for word in words:
            assert translation.gettext(word).replace("'", "&#x27;") in response.text, word


def _checked(response, template_name: str, **extra) -> str:
    """The response's HTML, or with ``extra`` its template rendered again for the view's
    context changed (an error added), folded; every hostile value escaped."""
    html = response.text
    if extra:
        request = response.wsgi_request
        set_urlconf(getattr(request, "urlconf", None))
        try:
            with translation.override(response.headers["Content-Language"]):
                template = engines["jinja2"].get_template(template_name)
                html = template.render({**view_context(response), **extra}, request)
        finally:
            set_urlconf(None)
    assert response.templates[0].name == template_name
    assert html and not unescaped(html)
    return normalised(html)


STATES = ["empty", "requester", "refused", "refused_picked", "light", "public", "message"]


def _page(client_for, rich, acme, state: str, language: str):
    user = rich["light"] if state == "light" else rich["admin"]
    client = _signed_in(client_for, user, language)
    requester = rich["requester"]
    if state == "public":  # no proactive private tickets: the help line goes
        Account.objects.filter(pk=acme.pk).update(private_tickets_enabled=False)
    if state == "requester":
        return client.get(NEW, {"requester": requester.number})
    if state == "refused":  # typed, not picked; CCs and a file refused with the rest
        return client.post(
            NEW,
            {
                "requester": f"x{HOSTILE}",
                "requester_name": f"Name {HOSTILE}",
                "ccs": f"a@, {HOSTILE}",
                "subject": "",
                "body": "",
                "comment_type": "public",
                "tags": f"tag{HOSTILE}",
                "attachments": [_file()],
            },
        )
    if state == "refused_picked":
        return client.post(
            NEW,
            {
                "requester": requester.email,
                "subject": f"Subject {HOSTILE}",
                "body": "",
                "comment_type": "internal",
                "due_date": "not a date",
                f"cf-{rich['kind'].number}": "outage",
            },
        )
    if state == "message":  # "+ Add user" refused without JavaScript: errors as messages
        return client.post(
            "/agent/users/inline/",
            {"new_user-name": f"Name {HOSTILE}", "new_user-email": f"bad{HOSTILE}"},
            follow=True,
        )
    return client.get(NEW)


def _file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"f{HOSTILE}.txt", b"hello", "text/plain")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", STATES)
def test_the_new_ticket_page_prints_what_dtl_printed(client_for, rich, acme, state, language):
    response = _page(client_for, rich, acme, state, language)
    assert response.status_code == 200
    _speaks(response, language, PAGE_WORDS)
    assert not unescaped(response.text) and ESCAPED in response.text
    form = response.context["form"]
    if state == "refused":  # a form error too, as a domain error gives one
        form.add_error(None, f"Refused {HOSTILE}")
    page = _checked(response, PAGE, **({"form": form} if state == "refused" else {}))
    text = response.text
    assert 'name="csrfmiddlewaretoken"' in page and 'nonce="' in page
    assert "Form &lt;script&gt;" in text and "Outage &lt;script&gt;" in text
    assert 'data-cf-conditions="' in text
    if state == "requester" or state == "refused_picked":
        assert 'class="requester-chip"' in text and "Requester" in text
    if state == "refused":
        assert 'class="error"' in text and "attach-again" in text
        assert "Refused &lt;script&gt;" in page
    if state == "light":
        assert 'value="solved"' not in text
    else:
        assert 'value="solved"' in text
    assert ("reply-type-help" in text) is (state != "public")
    if state == "message":
        assert 'class="messages' in text or 'role="status"' in text
        assert response.redirect_chain and response.redirect_chain[-1][0] == NEW


def _htmx(client, path, data=None, method="get"):
    call = client.post if method == "post" else client.get
    return call(path, data or {}, headers={"HX-Request": "true"})


FIELD = "agent/_requester_field.html"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_requester_fragments_print_what_dtl_printed(client_for, rich, language):
    client = _signed_in(client_for, rich["admin"], language)
    requester = rich["requester"]
    results = "agent/_requester_results.html"
    found = _htmx(client, "/agent/tickets/new/requester/search/", {"q": "Requester"})
    text = _checked(found, results)
    assert "Org &lt;script&gt;" in text and "+39 06 1234" in text and text.count("<li") == 3
    _speaks(found, language, ["+ Add user"])
    nobody = _htmx(client, "/agent/tickets/new/requester/search/", {"q": f"zz{HOSTILE}"})
    text = _checked(nobody, results)
    assert "typeahead-empty" in text and "zz&lt;script&gt;" in text
    with translation.override(language):
        assert translation.gettext("No user matches “%(q)s”.").split("“")[0] in text

    picked = _htmx(client, "/agent/tickets/new/requester/pick/", {"user": requester.number})
    assert 'class="requester-chip"' in _checked(picked, FIELD)
    emptied = _htmx(client, "/agent/tickets/new/requester/pick/")
    assert "data-typeahead-input" in _checked(emptied, FIELD)

    for query in (f"New {HOSTILE}", f"new{HOSTILE}@example.com"):
        add = _htmx(client, "/agent/tickets/new/requester/add/", {"q": query})
        text = _checked(add, FIELD)
        assert 'id="inline-add-user"' in text and "&lt;script&gt;" in text
        _speaks(add, language, ["Add a new user", "Add user"])
    refused = _htmx(
        client,
        "/agent/users/inline/",
        {"new_user-name": f"Name {HOSTILE}", "new_user-email": requester.email},
        method="post",
    )
    inline_form = refused.context["inline_form"]
    inline_form.add_error(None, f"Refused {HOSTILE}")
    text = _checked(refused, FIELD, inline_form=inline_form)
    assert text.count('class="error"') >= 2 and "Refused &lt;script&gt;" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cc_suggestions_print_what_dtl_printed(client_for, rich, language):
    client = _signed_in(client_for, rich["admin"], language)
    cc = "agent/_cc_results.html"
    for typed, words in ((f"x@example.com, {rich['admin'].email}", ["Agent"]), ("Requester", [])):
        response = _htmx(client, "/agent/tickets/cc/search/", {"ccs": typed})
        text = _checked(response, cc)
        assert "data-cc-email=" in text and "&lt;script&gt;" in text
        _speaks(response, language, words)
