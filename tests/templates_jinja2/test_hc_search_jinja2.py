"""The help center's search of one's requests in Jinja2 (issue 17: templates/jinja2/
portal/search.html and its field filters; bench scenario 5a).

The page printed what the DTL page printed, whitespace folded, for the same context in
English, Italian and Spanish, with hostile values in what people type (the account, the
requester's name, the subjects and bodies found, the query itself, a custom field's
titles and option names): no query, hits with their marks, one hit a page with the
pages' links, filtered by the field, nothing found, filtered or not. The test that said
so compared both engines until the DTL copy went; now the page exists in Jinja2 only
and must still escape and speak the viewer's language."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.utils import translation

from customfields.services import ticket_field_create
from tests.factories import make_ticket
from tests.security.test_hostile_values_escaped import ESCAPED, HOSTILE, unescaped
from tests.security.test_hostile_values_escaped import hostile as hostile  # the fixture
from tickets.services import ticket_update

LANGUAGES = ["en", "it", "es"]
PAGE = "portal/search.html"
Q = quote(f"alert {HOSTILE}")
QUERIES = [
    "",
    "?q=alert",  # both hostile requests, their subjects and snippets marked
    "?q=alert&page=2",
    "?q=alert&FIELD=one",
    "?q=alert&FIELD=two",  # filtered, nothing found
    f"?q={Q}",  # the hostile query itself, printed back
]


@pytest.fixture
def found(acme, hostile, monkeypatch):
    monkeypatch.setattr("portal.views.SEARCH_PAGE_SIZE", 1)
    admin, requester = hostile["admin"], hostile["requester"]
    field = ticket_field_create(
        account=acme,
        kind="tagger",
        title=f"Field {HOSTILE}",
        title_in_portal=f"Portal field {HOSTILE}",
        visible_in_portal=True,
        options=[{"name": f"Option {HOSTILE}", "value": "one"}, {"name": "Two", "value": "two"}],
    )
    ticket_update(ticket=hostile["ticket"], actor=admin, custom_fields={field.number: "one"})
    make_ticket(
        account=acme,
        submitter=admin,
        requester=requester,
        subject=f"Another alert {HOSTILE}",
        body=f"The alert again {HOSTILE}",
    )
    return {"requester": requester, "field": field}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("query", QUERIES)
def test_the_search_escapes_and_speaks_the_viewers_language(client_for, found, language, query):
    user = found["requester"]
    user.locale = language
    user.save()
    query = query.replace("FIELD", f"field_{found['field'].number}")
    response = client_for(user).get(f"/hc/search/{query}")
    assert response.status_code == 200
    assert [t.name for t in response.templates] == [PAGE]
    assert not unescaped(response.text) and ESCAPED in response.text
    assert response.headers["Content-Language"] == language
    with translation.override(language):
        assert translation.gettext("Search your requests") in response.text
    if query.startswith("?q=alert") and not query.endswith("two") and "%" not in query:
        assert "<mark>" in response.text and "&lt;script&gt;" in response.text
