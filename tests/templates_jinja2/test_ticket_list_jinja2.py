"""The agent's ticket list in Jinja2 (issue 17's pilot: templates/jinja2/, helpdesk/jinja2.py).

While a page's chrome exists in both languages (templates/agent/base.html for the pages
still in DTL, templates/jinja2/agent/base.html for this one), the two must print the same
thing: the same context through both, whitespace normalised, must agree, so neither can
drift. The same holds for the rows and the quick-action menus, which the DTL pages
(search, a person's tickets, the reports' click-through) still include. The list page
itself exists in Jinja2 only."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from tests.factories import make_ticket
from tests.security.test_hostile_values_escaped import ESCAPED
from tests.security.test_hostile_values_escaped import hostile as hostile  # the fixture
from tests.templates_jinja2.engines import both_engines, normalised
from tickets.services import ticket_update

LANGUAGES = ["en", "it", "es"]
# Words of the page, its chrome (top bar, sidebar) and its rows, as each language says them.
PAGE_WORDS = ["New ticket", "Update selected", "Search tickets", "Your personal views", "Sign out"]


def _signed_in(client_for, user, language):
    user.locale = language
    user.save()
    return client_for(user)


def _both(response, template_name: str, **extra) -> tuple[str, str]:
    """``template_name`` through both engines; the list renders one template, so its
    context is the view's dict (no ContextList)."""
    assert isinstance(response.context, dict)
    return both_engines(response, template_name, **extra)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["admin", "agent"])
def test_the_dtl_and_jinja2_agent_chrome_print_the_same(
    client_for, acme, hostile, acme_agent, language, role
):
    user = hostile["admin"] if role == "admin" else acme_agent
    response = _signed_in(client_for, user, language).get("/agent/views/3/")
    dtl, jinja = _both(response, "agent/base.html")
    assert "topbar" in jinja and "sidenav" in jinja
    assert dtl == jinja


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("partial", ["agent/_ticket_rows.html", "agent/_quick_menus.html"])
def test_the_rows_print_what_the_dtl_pages_rows_print(client_for, acme, hostile, language, partial):
    response = _signed_in(client_for, hostile["admin"], language).get("/agent/views/3/")
    assert [t.name for t in response.templates][:1] == ["agent/ticket_list.html"]
    # As the list includes them: its page's tickets, with check boxes.
    dtl, jinja = _both(
        response, partial, tickets=response.context["page"].object_list, checkable=True
    )
    assert dtl == jinja
    assert jinja and jinja in normalised(response.text)
    if partial == "agent/_ticket_rows.html":
        assert ESCAPED in jinja


def test_a_translation_prints_as_dtls_translate_with_its_values_escaped(acme):
    template = engines["jinja2"].from_string('{{ _("Agent workspace") }}|{{ _("%(x)s!", x=v) }}')
    with translation.override("it"):
        assert template.render({"v": "<i>"}) == "Area di lavoro dell'agente|&lt;i&gt;!"


def test_printed_values_are_escaped_as_django_escapes_them(acme):
    # html.escape's entities, not MarkupSafe's: the pages print the bytes DTL printed.
    assert engines["jinja2"].from_string("{{ v }}").render({"v": "\"'&<>"}) == (
        "&quot;&#x27;&amp;&lt;&gt;"
    )


def test_the_agent_home_is_the_jinja2_list(client_for, acme, acme_agent):
    ticket = make_ticket(account=acme, submitter=acme_agent, subject="Mine")
    ticket_update(ticket=ticket, actor=acme_agent, assignee=acme_agent)
    response = client_for(acme_agent).get("/agent/")
    assert response.status_code == 200
    assert "Mine" in response.text
    assert [t.name for t in response.templates] == ["agent/ticket_list.html"]
