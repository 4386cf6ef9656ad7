"""The Help Center API (issue 25) in Zendesk Guide's dialect: articles, sections,
categories and search, per locale; editors create and update."""

from __future__ import annotations

import pytest

from tests.knowledge.conftest import make_article

pytestmark = pytest.mark.django_db


def test_articles_sections_and_categories_in_zendesks_shape(acme, acme_admin, acme_user, api_for):
    article = make_article(acme_admin, title="Resetting your password", promoted=True)
    make_article(acme_admin, title="Agents' runbook", visibility="agents")
    make_article(acme_admin, title="Unpublished", publish=False)
    api = api_for(acme_user)
    listed = api.get("help_center/en/articles.json").json()
    assert [a["title"] for a in listed["articles"]] == ["Resetting your password"]
    shown = api.get(f"help_center/articles/{article.number}.json").json()["article"]
    assert shown["id"] == article.number
    assert shown["section_id"] == article.section.number
    assert shown["draft"] is False and shown["promoted"] is True
    assert shown["html_url"].endswith(f"/hc/kb/articles/{article.number}/")
    assert "Open the sign-in page" in shown["body"]
    sections = api.get("help_center/sections.json").json()["sections"]
    assert sections[0]["category_id"] == article.section.category.number
    assert api.get("help_center/it/categories.json").json()["categories"][0]["name"]
    assert api.get("help_center/fr/articles.json").status_code == 404


def test_search_in_the_locales_language(acme, acme_admin, acme_user, api_for):
    make_article(acme_admin, locale="it", title="Come configurare le stampanti")
    make_article(acme_admin, title="Agents only printers", visibility="agents")
    api = api_for(acme_user)
    found = api.get("help_center/articles/search.json?query=stampante&locale=it").json()
    assert [r["title"] for r in found["results"]] == ["Come configurare le stampanti"]
    assert found["results"][0]["result_type"] == "article"
    hidden = api.get("help_center/en/articles/search.json?query=printers").json()
    assert hidden["results"] == []


def test_editors_create_and_update_articles(acme, acme_admin, acme_agent, api_for):
    section = make_article(acme_admin).section
    api = api_for(acme_admin)
    created = api.post(
        f"help_center/en/sections/{section.number}/articles.json",
        {"article": {"title": "New guide", "body": "<p>Hi<script>x</script></p>", "draft": False}},
    )
    assert created.status_code == 201, created.json()
    article = created.json()["article"]
    assert article["draft"] is False and article["body"] == "<p>Hi</p>"
    updated = api.put(
        f"help_center/it/articles/{article['id']}.json",
        {"article": {"title": "Nuova guida", "body": "<p>Ciao</p>", "label_names": ["x"]}},
    )
    assert updated.status_code == 200
    assert updated.json()["article"]["title"] == "Nuova guida"
    assert updated.json()["article"]["label_names"] == ["x"]
    # Agents an admin has not allowed may not write.
    refused = api_for(acme_agent).put(
        f"help_center/articles/{article['id']}.json", {"article": {"title": "Nope"}}
    )
    assert refused.status_code == 403
    bad = api.post(f"help_center/sections/{section.number}/articles.json", {"article": "x"})
    assert bad.status_code == 422
