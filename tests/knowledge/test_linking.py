"""Agents link articles from the reply box; the request page lists them as "Shared
resources" (seed 004); the help center's home shows the knowledge base (issue 25)."""

import pytest

from tests.factories import make_ticket
from tickets.services import comment_add

pytestmark = pytest.mark.django_db


def test_agent_searches_articles_to_link_from_the_reply_box(
    acme, acme_admin, acme_agent, client_for, article_factory
):
    article = article_factory(acme_admin, title="Resetting your password")
    internal = article_factory(acme_admin, title="Password resets for agents", visibility="agents")
    article_factory(acme_admin, title="Unpublished password notes", publish=False)
    ticket = make_ticket(account=acme, submitter=acme_agent)
    client = client_for(acme_agent)
    page = client.get(f"/agent/tickets/{ticket.number}/").content.decode()
    assert "Link an article" in page
    results = client.get("/agent/knowledge/links/?q=password").content.decode()
    assert f'/hc/kb/articles/{article.number}/" data-kb-title="Resetting your password"' in results
    assert f"/hc/kb/articles/{internal.number}/" in results  # marked "Agents only"
    assert "Agents only" in results
    assert "Unpublished" not in results


def test_end_users_cannot_search_articles_to_link(acme, acme_user, client_for):
    assert client_for(acme_user).get("/agent/knowledge/links/?q=x").status_code == 404


def test_request_page_shows_the_articles_shared_in_the_conversation(
    acme, acme_admin, acme_agent, acme_user, client_for, article_factory
):
    shared = article_factory(acme_admin, title="Resetting your password")
    internal = article_factory(acme_admin, title="Agents' reset runbook", visibility="agents")
    draft = article_factory(acme_admin, title="Draft reset notes", publish=False)
    ticket = make_ticket(account=acme, submitter=acme_user)
    comment_add(
        ticket=ticket,
        author=acme_agent,
        body=(
            f"Resetting your password: https://acme.example/hc/kb/articles/{shared.number}/\n"
            f"https://acme.example/hc/kb/articles/{internal.number}/ "
            f"https://acme.example/hc/kb/articles/{draft.number}/"
        ),
    )
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/").content.decode()
    assert "Shared resources" in page
    assert f'<a href="/hc/kb/articles/{shared.number}/">Resetting your password' in page
    assert "Agents&#x27; reset runbook" not in page
    assert "Draft reset notes" not in page


def test_an_internal_notes_link_is_not_shared(
    acme, acme_admin, acme_agent, acme_user, client_for, article_factory
):
    article = article_factory(acme_admin, title="Resetting your password")
    ticket = make_ticket(account=acme, submitter=acme_user)
    comment_add(
        ticket=ticket,
        author=acme_agent,
        body=f"See /hc/kb/articles/{article.number}/",
        public=False,
    )
    page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/").content.decode()
    assert "Shared resources" not in page


def test_help_center_home_loads_the_knowledge_base(
    acme, acme_admin, acme_user, client_for, article_factory
):
    article_factory(acme_admin, title="Getting started with Acme", promoted=True)
    client = client_for(acme_user)
    home = client.get("/hc/").content.decode()
    assert 'hx-get="/hc/kb/"' in home and 'hx-select="#kb-home-panel"' in home
    assert 'action="/hc/kb/search/"' in home
    panel = client.get("/hc/kb/").content.decode()
    assert 'id="kb-home-panel"' in panel
    assert "Getting started with Acme" in panel
    assert "Promoted articles" in panel
