"""The agent's ticket list in Jinja2 (issue 17's pilot) in English, Italian and Spanish
with hostile values in everything people type (tests/security/test_hostile_values_escaped):
every value escaped, in text and attributes, and the page and its htmx row in the
viewer's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.security.test_hostile_values_escaped import ESCAPED, HOSTILE, unescaped
from tests.security.test_hostile_values_escaped import hostile as hostile  # the fixture

LANGUAGES = ["en", "it", "es"]
# Words of the page, its chrome (top bar, sidebar) and its rows, as each language says them.
PAGE_WORDS = ["New ticket", "Update selected", "Search tickets", "Your personal views", "Sign out"]


def _signed_in(client_for, user, language):
    user.locale = language
    user.save()
    return client_for(user)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_page_escapes_hostile_values_and_speaks_the_viewers_language(
    client_for, acme, hostile, language
):
    client = _signed_in(client_for, hostile["admin"], language)
    response = client.get("/agent/views/3/?sort=subject")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert not unescaped(response.text)
    assert ESCAPED in response.text  # the subject, requester, group and account name
    assert HOSTILE not in response.text
    with translation.override(language):
        words = [translation.gettext(word) for word in PAGE_WORDS]
        tickets = translation.ngettext("%(counter)s ticket", "%(counter)s tickets", 2)
        # The rows' quick actions are labelled by the script from the page's one label.
        quick = translation.gettext("Quick actions for #%(number)s")
    assert f'data-label="{quick}"'.replace("'", "&#x27;") in response.text
    for word in words:
        assert word.replace("'", "&#x27;") in response.text, word
    assert tickets % {"counter": 2} in response.text
    if language != "en":
        assert not [w for w in PAGE_WORDS if f">{w}<" in response.text]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_quick_actions_row_escapes_and_translates(client_for, acme, hostile, language):
    client = _signed_in(client_for, hostile["admin"], language)
    ticket = hostile["ticket"]
    answer = client.post(
        f"/agent/tickets/{ticket.number}/quick/",
        {"quick_action": "nonsense", "quick_view": "3"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 400
    assert answer.text.lstrip().startswith("<tr")
    assert not unescaped(answer.text)
    assert ESCAPED in answer.text
    with translation.override(language):
        assert translation.gettext("Unknown quick action.") in answer.text
