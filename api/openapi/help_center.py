"""The OpenAPI paths and schemas of the Help Center API (knowledge/api.py, issue
25): Zendesk Guide's articles, sections, categories and article search, each path with
and without a ``{locale}`` segment; merged into the description by api.openapi."""

from __future__ import annotations

from collections.abc import Callable

from api.openapi.components import (
    NULLABLE_NUMBER,
    NULLABLE_TEXT,
    NUMBER,
    TEXT,
    TIMESTAMP,
    envelope,
    obj,
    ref,
)

BOOL = {"type": "boolean"}
LOCALE = {
    "name": "locale",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["en", "it", "es"]},
    "description": "The language of the titles and bodies shown (en, it, es).",
}
VISIBILITY = {"type": "string", "enum": ["everyone", "signed_in", "agents"]}
LABELS = {"type": "array", "items": TEXT}

SCHEMAS = {
    "HelpCenterArticle": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "html_url": TEXT,
            "author_id": NULLABLE_NUMBER,
            "comments_disabled": BOOL,
            "draft": BOOL,
            "promoted": BOOL,
            "position": {"type": "integer", "minimum": 0},
            "section_id": NUMBER,
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
            "edited_at": TIMESTAMP,
            "title": TEXT,
            "name": TEXT,
            "body": TEXT,
            "locale": TEXT,
            "source_locale": TEXT,
            "outdated": BOOL,
            "outdated_locales": LABELS,
            "label_names": LABELS,
            "user_segment_id": NULLABLE_NUMBER,
            "visibility": VISIBILITY,
        },
        required=("id", "title", "body", "locale", "section_id", "draft"),
    ),
    "HelpCenterArticleWrite": obj(
        {
            "article": obj(
                {
                    "title": TEXT,
                    "body": TEXT,
                    "locale": {"type": "string", "enum": ["en", "it", "es"]},
                    "draft": BOOL,
                    "promoted": BOOL,
                    "label_names": LABELS,
                    "visibility": VISIBILITY,
                }
            )
        },
        required=("article",),
    ),
    "HelpCenterSection": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "html_url": TEXT,
            "category_id": NUMBER,
            "name": TEXT,
            "description": NULLABLE_TEXT,
            "locale": TEXT,
            "source_locale": TEXT,
            "position": {"type": "integer", "minimum": 0},
            "outdated": BOOL,
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "name", "category_id"),
    ),
    "HelpCenterCategory": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "html_url": TEXT,
            "name": TEXT,
            "description": NULLABLE_TEXT,
            "locale": TEXT,
            "source_locale": TEXT,
            "position": {"type": "integer", "minimum": 0},
            "outdated": BOOL,
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "name"),
    ),
}


def _listing(key: str, item: str) -> dict:
    return obj(
        {
            key: {"type": "array", "items": ref(item)},
            "count": {"type": "integer"},
            "next_page": NULLABLE_TEXT,
            "previous_page": NULLABLE_TEXT,
            "meta": {"type": "object"},
            "links": {"type": "object"},
        },
        required=(key,),
    )


def paths(*, op: Callable, query: Callable, id_param: dict, page_params: list) -> dict:
    tag = "Help Center"
    one = envelope("article", ref("HelpCenterArticle"))
    locale_query = query("locale", {"type": "string", "enum": ["en", "it", "es"]})
    described: dict[str, dict] = {}

    def both(route: str, item: dict) -> None:
        described[f"/help_center/{route}"] = {
            method: {**operation, "parameters": [*operation["parameters"], locale_query]}
            for method, operation in item.items()
        }
        described[f"/help_center/{{locale}}/{route}"] = {
            method: {**operation, "parameters": [LOCALE, *operation["parameters"]]}
            for method, operation in item.items()
        }

    both(
        "articles.json",
        {
            "get": op(
                "List the articles the caller may read (editors: drafts too)",
                tag,
                params=list(page_params),
                result=_listing("articles", "HelpCenterArticle"),
            )
        },
    )
    both(
        "articles/{id}.json",
        {
            "get": op("Show an article", tag, params=[id_param], result=one),
            "put": op(
                "Update an article's settings and, with a title, its version in the locale "
                "(editors)",
                tag,
                params=[id_param],
                body=ref("HelpCenterArticleWrite"),
                result=one,
            ),
        },
    )
    both(
        "sections/{id}/articles.json",
        {
            "post": op(
                "Create an article in the section (editors); draft unless draft is false",
                tag,
                params=[id_param],
                body=ref("HelpCenterArticleWrite"),
                ok="201",
                result=one,
            )
        },
    )
    both(
        "articles/search.json",
        {
            "get": op(
                "Search the articles the caller may read, in the locale's language",
                tag,
                params=[
                    query("query", TEXT, "Words to find (the language's stemming applies)."),
                    query("page", {"type": "integer", "minimum": 1}),
                    query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                ],
                result=obj(
                    {
                        "results": {"type": "array", "items": ref("HelpCenterArticle")},
                        "count": {"type": "integer"},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "next_page": NULLABLE_TEXT,
                        "previous_page": NULLABLE_TEXT,
                    },
                    required=("results",),
                ),
            )
        },
    )
    both(
        "sections.json",
        {
            "get": op(
                "List the sections",
                tag,
                params=list(page_params),
                result=_listing("sections", "HelpCenterSection"),
            )
        },
    )
    both(
        "categories.json",
        {
            "get": op(
                "List the categories",
                tag,
                params=list(page_params),
                result=_listing("categories", "HelpCenterCategory"),
            )
        },
    )
    return described
