"""The help center's home, "My activities", in Jinja2 (issue 17, after the agent's list
and ticket page: templates/jinja2/portal/home.html, its list fragment
portal/_activity_list.html, its rows and filters, the knowledge base's panel).

The page printed what the DTL page printed, whitespace folded, for the same context in
English, Italian and Spanish, for an end user who manages their organization, with
hostile values in what people type (the account, the requesters' names, the
organization, the subjects, a custom field's titles and option names), on each tab,
filtered, sorted, paged and empty, and so did the list a boosted link gets: the test
that said so compared both engines until the DTL copies went (bench/README.md, issue 17's
help-center round, at 2a9e727). The page exists in Jinja2 only; the help center's chrome
(portal/base.html and what it includes) and the search boxes, which the DTL help-center
pages still use, exist in both and must print the same, signed in and anonymous."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import set_urlconf
from django.utils import translation

from customfields.services import ticket_field_create
from tests.factories import EndUserFactory, make_ticket
from tests.security.test_hostile_values_escaped import (
    ESCAPED,
    HOSTILE,
    hostile_name,
    unescaped,
)
from tests.security.test_hostile_values_escaped import hostile as hostile  # the fixture
from tests.templates_jinja2.engines import normalised
from tickets.services import ticket_update
from tickets.services.ccs import ticket_set_ccs

LANGUAGES = ["en", "it", "es"]
# Words of the page and its chrome, as each language says them.
PAGE_WORDS = ["My activities", "Submit a request", "Knowledge base", "Sign out", "Filter by status"]
QUERIES = [
    "",
    "?tab=ccd",
    "?tab=organization&status=open&sort=created",
    "?tab=organization&sort=-created&page=2",
    "?status=solved&sort=activity",
    "?tab=ccd&status=solved",  # empty
    "FIELD",  # filtered on the hostile field's first option
]


@pytest.fixture
def hc(acme, hostile, monkeypatch):
    """The hostile requester (an organization manager) with requests on every tab, a
    colleague's request in the organization, one they are CC'd on, and a field to filter
    on whose titles and options are hostile; two rows a page, so the pages show."""
    monkeypatch.setattr("portal.views.PER_PAGE", 2)
    admin, requester, org = hostile["admin"], hostile["requester"], hostile["org"]
    colleague = EndUserFactory(account=acme, name=hostile_name("Colleague"), organization=org)
    field = ticket_field_create(
        account=acme,
        kind="tagger",
        title=f"Field {HOSTILE}",
        title_in_portal=f"Portal field {HOSTILE}",
        visible_in_portal=True,
        options=[{"name": f"Option {HOSTILE}", "value": "one"}, {"name": "Two", "value": "two"}],
    )
    ticket_update(ticket=hostile["ticket"], actor=admin, custom_fields={field.number: "one"})
    for n in range(3):
        make_ticket(
            account=acme, submitter=admin, requester=colleague, subject=f"Colleague {n} {HOSTILE}"
        )
    ccd = make_ticket(account=acme, submitter=admin, requester=colleague, subject=f"CC {HOSTILE}")
    ticket_set_ccs(ticket=ccd, actor=admin, users=[requester])
    solved = make_ticket(
        account=acme, submitter=admin, requester=requester, subject=f"Solved {HOSTILE}"
    )
    ticket_update(ticket=solved, actor=admin, status="solved")
    return {"requester": requester, "field": field}


def _signed_in(client_for, user, language):
    user.locale = language
    user.save()
    return client_for(user)


def _get(client, query: str, field, **kwargs):
    if query == "FIELD":
        query = f"?field_{field.number}=one"
    return client.get(f"/hc/{query}", **kwargs)


def _speaks(response, language: str) -> None:
    assert response.headers["Content-Language"] == language
    with translation.override(language):
        for word in PAGE_WORDS:
            assert translation.gettext(word).replace("'", "&#x27;") in response.text, word


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("query", QUERIES)
def test_the_home_escapes_and_speaks_the_viewers_language(client_for, hc, language, query):
    response = _get(_signed_in(client_for, hc["requester"], language), query, hc["field"])
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["portal/home.html"]
    assert not unescaped(response.text) and ESCAPED in response.text
    _speaks(response, language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("query", ["", "?tab=organization&sort=-created&page=2", "FIELD"])
def test_a_boosted_link_gets_the_pages_list_alone(client_for, hc, language, query):
    client = _signed_in(client_for, hc["requester"], language)
    page = _get(client, query, hc["field"])
    response = _get(client, query, hc["field"], headers={"HX-Request": "true"})
    assert [t.name for t in response.templates] == ["portal/_activity_list.html"]
    assert response.text.lstrip().startswith('<section id="activity-list"')
    assert normalised(response.text) in normalised(page.text)
    assert not unescaped(response.text) and "&lt;script&gt;" in response.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("signed_in", [True, False])
def test_the_help_centers_chrome_prints_the_same_in_both(client_for, acme, hc, language, signed_in):
    """portal/base.html and its includes (the navigation, the language switcher, the
    chat's slot, the messages), which the DTL help-center pages still extend."""
    if signed_in:
        response = _signed_in(client_for, hc["requester"], language).get("/hc/")
        extra = {}
    else:  # an anonymous visitor's page (the sign-in page): only the request is theirs
        response = client_for(account=acme).get("/signin/", HTTP_ACCEPT_LANGUAGE=language)
        extra = {"request": response.wsgi_request}
    request = response.wsgi_request
    assert request.user.is_authenticated is signed_in
    set_urlconf(getattr(request, "urlconf", None))
    try:
        with translation.override(language):
            pages = [
                normalised(engines[engine].get_template(name).render(dict(context), request))
                for name, context in (
                    ("portal/base.html", extra),
                    ("portal/_search_form.html", {"q": HOSTILE}),
                    ("knowledge/hc/_search_form.html", {"q": HOSTILE}),
                )
                for engine in ("django", "jinja2")
            ]
            sign_out = translation.gettext("Sign out")
    finally:
        set_urlconf(None)
    for dtl, jinja in zip(pages[::2], pages[1::2], strict=True):
        assert dtl == jinja
        assert ESCAPED in jinja and not unescaped(jinja)  # the account's name, the query
    assert (sign_out in pages[1]) is signed_in
