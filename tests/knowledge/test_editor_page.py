"""The knowledge base's editor pages as an admin sees them: the sidebar says where they are,
and an empty list reads as a sentence, not as a bullet."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _current_nav_link(html: str) -> str:
    match = re.search(r'<a href="([^"]+)" aria-current="page">', html)
    return match.group(1) if match else ""


def test_editor_home_marks_articles_in_the_sidebar(acme, acme_admin, client_for):
    html = client_for(acme_admin).get("/agent/knowledge/").content.decode()
    assert _current_nav_link(html) == "/agent/knowledge/"


def test_editor_article_page_marks_articles_in_the_sidebar(
    acme, acme_admin, client_for, article_factory
):
    article = article_factory(acme_admin)
    r = client_for(acme_admin).get(f"/agent/knowledge/articles/{article.number}/")
    assert r.status_code == 200
    assert _current_nav_link(r.content.decode()) == "/agent/knowledge/"


def test_no_deflections_reads_as_a_sentence(acme, acme_admin, client_for):
    html = client_for(acme_admin).get("/agent/knowledge/").content.decode()
    assert '<p class="muted">No deflections yet.</p>' in html
    assert '<li class="muted">No deflections yet.</li>' not in html
