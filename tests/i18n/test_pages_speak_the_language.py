"""Every page of the agent workspace and the help center, rendered in Italian and in
Spanish, shows none of the English source texts that the catalogue translates: a string
that escaped translation (not marked, marked lazily too early, rendered before the
language was chosen…) shows up here by its English words."""

from __future__ import annotations

import zoneinfo
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from escalations.models import DEFAULT_STAGE_NAMES
from notifications.defaults import DEFAULT_TRIGGERS
from notifications.models import Trigger
from tests.factories import make_ticket
from tickets.services import comment_add

READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}


def english_sources(language: str) -> set[str]:
    """The English texts that this language's catalogue says differently, less the default
    triggers' names and descriptions: those are the account's data, written once in the
    account's language (English here) and edited by its admins; and less the IANA time
    zone names, identifiers shown as they are ("Portugal" is a zone and a country)."""
    with translation.override("en"):
        trigger_texts = {str(t[k]) for t in DEFAULT_TRIGGERS for k in ("name", "description")}
    po = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
    )
    return (
        {
            e.msgid
            for e in po.translated_entries()
            if not e.msgid_plural and e.msgstr != e.msgid and any(ch.isalpha() for ch in e.msgid)
        }
        - trigger_texts
        # The default escalation stages' names (seed 004): words such as "Engineering"
        # or "Resolved" are also the options of the demo's custom fields, data written
        # in English; a stage's name reads translated through its label.
        - set(DEFAULT_STAGE_NAMES.values())
        - zoneinfo.available_timezones()
    )


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._raw = 0

    def handle_starttag(self, tag, attrs):
        self._raw += tag in ("script", "style")
        self.texts += [v for k, v in attrs if k in READ_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        self._raw -= tag in ("script", "style") and self._raw > 0

    def handle_data(self, data):
        if not self._raw and data.strip():
            self.texts.append(data)


def english_left(html: str, sources: set[str]) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return sorted({" ".join(t.split()) for t in parser.texts} & sources)


@pytest.fixture
def scene(acme, acme_admin, acme_user):
    acme.private_tickets_enabled = True
    acme.save()
    ticket = make_ticket(
        account=acme, submitter=acme_admin, requester=acme_user, subject="Impresora"
    )
    comment_add(ticket=ticket, author=acme_admin, body="Nota", public=False)
    comment_add(ticket=ticket, author=acme_user, body="Gracias")
    return ticket


AGENT_PAGES = [
    "/agent/",
    "/agent/views/3/",
    "/agent/views/6/",
    "/agent/search/?q=Impresora",
    "/agent/tickets/new/",
    "/agent/tickets/{number}/",
    "/agent/tickets/{number}/?tab=activity",
    "/agent/tickets/{number}/forward/",
    "/agent/users/new/",
    "/agent/settings/",
    "/agent/settings/agents/",
    "/agent/settings/groups/",
    "/agent/settings/triggers/",
    "/agent/settings/triggers/new/",
    "/agent/settings/triggers/{trigger}/",
    "/agent/settings/deliveries/",
    "/preferences/",
]
HELP_CENTER_PAGES = [
    "/hc/",
    "/hc/?status=solved",
    "/hc/requests/new/",
    "/hc/requests/{number}/",
    "/hc/search/?q=Impresora",
    "/preferences/",
]


@pytest.mark.parametrize("language", ["it", "es"])
def test_agent_workspace_has_no_english_left(client_for, acme, acme_admin, scene, language):
    acme_admin.locale = language
    acme_admin.save()
    client = client_for(acme_admin)
    trigger = Trigger.objects.for_account(acme).first()
    sources = english_sources(language)
    found = {}
    for path in AGENT_PAGES:
        url = path.format(number=scene.number, trigger=trigger.number)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == language
        if left := english_left(response.text, sources):
            found[url] = left
    assert not found, f"English on {language} pages: {found}"


@pytest.mark.parametrize("language", ["it", "es"])
def test_help_center_has_no_english_left(client_for, acme_user, scene, language):
    acme_user.locale = language
    acme_user.save()
    client = client_for(acme_user)
    sources = english_sources(language)
    found = {}
    for path in HELP_CENTER_PAGES:
        url = path.format(number=scene.number)
        response = client.get(url)
        assert response.status_code == 200, url
        if left := english_left(response.text, sources):
            found[url] = left
    for path in ("/signin/", "/password-reset/"):
        response = client_for(account=acme_user.account).get(path, HTTP_ACCEPT_LANGUAGE=language)
        if left := english_left(response.text, sources):
            found[path] = left
    assert not found, f"English on {language} pages: {found}"
