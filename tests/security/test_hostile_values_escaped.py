"""Every page of the agent workspace and the help center, in English and in Italian, with
hostile values in everything people type (account, people, organization, group, subject,
comments, file name, tags, search query): each comes out escaped, in text and in
attributes alike (issue 17: the markup is in templates, where escaping is the default).

How it would fail: a value printed raw shows its ``<script>`` tag, and a value breaking
out of an attribute (title, aria-label, data-label, value) gives its tag an ``on…``
attribute that the parser sees."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import group_create
from notifications.models import Trigger
from tests.factories import AdminFactory, EndUserFactory, OrganizationFactory, make_ticket
from tickets.models import Ticket
from tickets.services import comment_add, ticket_update

SCRIPT = "<script>alert(1)</script>"
HOSTILE = f"{SCRIPT}\"'&"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&amp;"
# Breaks out of a double-quoted attribute if printed raw, then out of a single-quoted one.
ATTRIBUTE_BREAKER = 'O"Hara" onmouseover="alert(2)" x=\' onfocus=\'alert(3)'


def hostile_name(role: str) -> str:
    return f"{role} {ATTRIBUTE_BREAKER} {SCRIPT}"


class _Page(HTMLParser):
    """The tags' attribute names and the scripts' texts of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.handlers += [f"<{tag} {name}=…>" for name, _ in attrs if name.startswith("on")]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.scripts.append(data)


def unescaped(html: str) -> list[str]:
    page = _Page()
    page.feed(html)
    problems = [f"raw {SCRIPT!r}"] if SCRIPT in html else []
    problems += [f"inline handler {h}" for h in page.handlers]
    problems += [f"script text {s[:40]!r}" for s in page.scripts if "alert(" in s]
    return problems


@pytest.fixture
def hostile(acme):
    acme.name = f"Acme {HOSTILE}"
    acme.private_tickets_enabled = True
    acme.save()
    org = OrganizationFactory(account=acme, name=f"Org {HOSTILE}")
    admin = AdminFactory(account=acme, name=hostile_name("Admin"))
    requester = EndUserFactory(
        account=acme, name=hostile_name("Requester"), organization=org, is_org_manager=True
    )
    group = group_create(account=acme, name=f"Group {HOSTILE}", agents=[admin])
    ticket = make_ticket(
        account=acme,
        submitter=admin,
        requester=requester,
        subject=f"Subject {HOSTILE} alert",
        body=f"Body {HOSTILE}\nsecond line alert",
        tags=[f"tag{HOSTILE}"],
    )
    ticket_update(ticket=ticket, actor=admin, priority="urgent", assignee=admin, group=group)
    comment_add(
        ticket=ticket,
        author=admin,
        body=f"Note {HOSTILE}",
        public=False,
        uploads=[SimpleUploadedFile(f"f{HOSTILE}.txt", b"hello", "text/plain")],
    )
    comment_add(
        ticket=ticket,
        author=requester,
        body=f"Reply {HOSTILE} alert",
        uploads=[
            SimpleUploadedFile(f"p{HOSTILE}.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")
        ],
    )
    private = make_ticket(
        account=acme, submitter=admin, requester=requester, subject=f"Private {HOSTILE}"
    )
    assert private.number
    return {"admin": admin, "requester": requester, "ticket": ticket, "org": org}


QUERY = f"alert {HOSTILE}"


def agent_pages(ticket: Ticket, requester, trigger) -> list[str]:
    return [
        "/agent/",
        # The seven built-in views every account starts with (tickets/apps.py).
        *(f"/agent/views/{number}/" for number in range(1, 8)),
        "/agent/views/3/?sort=subject",
        "/agent/search/?q=alert",
        "/agent/search/",
        f"/agent/tickets/{ticket.number}/",
        f"/agent/tickets/{ticket.number}/?tab=activity",
        f"/agent/tickets/{ticket.number}/forward/",
        "/agent/tickets/new/",
        f"/agent/tickets/new/?requester={requester.number}",
        f"/agent/users/{requester.number}/",
        "/agent/users/new/",
        "/agent/settings/",
        "/agent/settings/agents/",
        f"/agent/settings/agents/{ticket.submitter.number}/deactivate/",
        f"/agent/settings/users/{requester.number}/",
        f"/agent/settings/users/{requester.number}/merge/",
        f"/agent/settings/users/{requester.number}/delete/",
        "/agent/settings/groups/",
        "/agent/settings/triggers/",
        "/agent/settings/triggers/new/",
        f"/agent/settings/triggers/{trigger.number}/",
        "/agent/settings/deliveries/",
        "/agent/settings/suppressions/",
        "/agent/settings/api/",
        "/preferences/",
    ]


def help_center_pages(ticket: Ticket) -> list[str]:
    return [
        "/hc/",
        "/hc/?tab=organization",
        "/hc/?status=solved",
        "/hc/requests/new/",
        f"/hc/requests/{ticket.number}/",
        "/hc/search/?q=alert",
        "/preferences/",
    ]


# Where the hostile subject must be shown (escaped): proof the value reached the page.
SHOWS_SUBJECT = ("/agent/views/3/", "/agent/search/?q=alert", "/hc/", "/hc/search/")


@pytest.mark.parametrize("language", ["en", "it"])
def test_agent_pages_escape_every_value(client_for, acme, hostile, language):
    admin = hostile["admin"]
    admin.locale = language
    admin.save()
    client = client_for(admin)
    trigger = Trigger.objects.for_account(acme).first()
    found, shown = {}, []
    pages = agent_pages(hostile["ticket"], hostile["requester"], trigger)
    for url in [*pages, f"/agent/search/?{_query()}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == language, url
        if problems := unescaped(response.text):
            found[url] = problems
        if ESCAPED in response.text:
            shown.append(url)
    assert not found, f"unescaped on {language} agent pages: {found}"
    for url in ("/agent/views/3/", "/agent/search/?q=alert"):
        assert url in shown, f"{url} does not show the subject at all"
    assert f"/agent/tickets/{hostile['ticket'].number}/" in shown


@pytest.mark.parametrize("language", ["en", "it"])
def test_help_center_pages_escape_every_value(client_for, hostile, language):
    requester = hostile["requester"]
    requester.locale = language
    requester.save()
    client = client_for(requester)
    found, shown = {}, []
    for url in [*help_center_pages(hostile["ticket"]), f"/hc/search/?{_query()}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        if problems := unescaped(response.text):
            found[url] = problems
        if ESCAPED in response.text:
            shown.append(url)
    assert not found, f"unescaped on {language} help center pages: {found}"
    for url in ("/hc/", "/hc/?tab=organization", f"/hc/requests/{hostile['ticket'].number}/"):
        assert url in shown, f"{url} does not show the subject at all"
    # The search's highlights are <mark> around escaped text, never around raw text.
    html = client.get("/hc/search/?q=alert").text
    assert "<mark>alert</mark>" in html


def _query() -> str:
    from urllib.parse import urlencode

    return urlencode({"q": QUERY})
