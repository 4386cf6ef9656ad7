"""/api/v2/help_center/…: the knowledge base in Zendesk Guide's dialect (articles,
sections, categories, article search), with and without a locale in the path. Ids are
the per-account numbers. Account users read what the help center shows them
(knowledge.access); editors (admins, and agents an admin allows) also see drafts and
create and update articles through the editor's services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.pagination import _int, page_url, paginate
from api.permissions import IsAccountUser
from api.serializers.output import timestamp
from api.views.base import ApiView, query_param
from knowledge import selectors, services
from knowledge.access import may_edit
from knowledge.models import LOCALES, Article, Category, Section, Status, Visibility


def _locale(request, locale: str | None) -> str:
    if locale is None:
        locale = query_param(request, "locale") or request.account.default_locale
    locale = locale.lower()
    if locale not in LOCALES:
        raise Http404
    return locale


def _absolute(request, name: str, number: int) -> str:
    return request.build_absolute_uri(reverse(name, kwargs={"number": number}))


def article_json(article: Article, request, locale: str) -> dict[str, Any]:
    shown = selectors.shown(article, locale=locale, default=request.account.default_locale)
    translation = shown.translation
    states = selectors.translation_states(article)
    return {
        "id": article.number,
        "url": request.build_absolute_uri(f"/api/v2/help_center/articles/{article.number}.json"),
        "html_url": _absolute(request, "kb:article", article.number),
        "author_id": article.author.number if article.author else None,
        "comments_disabled": True,
        "draft": article.status != Status.PUBLISHED,
        "promoted": article.promoted,
        "position": article.position,
        "section_id": article.section.number,
        "created_at": timestamp(article.created_at),
        "updated_at": timestamp(article.updated_at),
        "edited_at": timestamp(translation.updated_at if translation else article.updated_at),
        "title": translation.title if translation else "",
        "name": translation.title if translation else "",
        "body": translation.body if translation else "",
        "locale": translation.locale if translation else locale,
        "source_locale": article.source_locale,
        "outdated": any(s.locale == locale and s.state == "outdated" for s in states),
        "outdated_locales": [s.locale for s in states if s.state == "outdated"],
        "label_names": article.label_list,
        "user_segment_id": None,
        "visibility": article.visibility,
    }


def _named_json(obj: Category | Section, request, locale: str, kind: str) -> dict[str, Any]:
    version = obj.version(locale) or obj.version(request.account.default_locale)
    data = {
        "id": obj.number,
        "url": request.build_absolute_uri(f"/api/v2/help_center/{kind}s/{obj.number}.json"),
        "html_url": _absolute(request, f"kb:{kind}", obj.number),
        "name": obj.name_in(locale, request.account.default_locale),
        "description": str(version.get("description") or ""),
        "locale": locale,
        "source_locale": request.account.default_locale,
        "position": obj.position,
        "outdated": False,
        "created_at": timestamp(obj.created_at),
        "updated_at": timestamp(obj.created_at),
    }
    if isinstance(obj, Section):
        data["category_id"] = obj.category.number
    return data


def _payload(request) -> dict[str, Any]:
    data = request.data.get("article") if isinstance(request.data, dict) else None
    if not isinstance(data, dict):
        raise ValidationError({"article": 'Send {"article": {…}}.'})
    for key in ("title", "body", "locale"):
        if key in data and not isinstance(data[key], str):
            raise ValidationError({key: "A text."})
    for key in ("promoted", "draft"):
        if key in data and not isinstance(data[key], bool):
            raise ValidationError({key: "true or false."})
    labels = data.get("label_names", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise ValidationError({"label_names": "A list of texts."})
    visibility = data.get("visibility", None)
    if visibility is not None and visibility not in Visibility.values:
        raise ValidationError({"visibility": f"One of: {', '.join(Visibility.values)}."})
    return data


def _require_editor(request) -> None:
    if not may_edit(request.user):
        raise PermissionDenied("Only knowledge-base editors write articles.")


class HelpCenterView(ApiView):
    permission_classes = [IsAccountUser]


class ArticleList(HelpCenterView):
    def get(self, request, locale=None):
        locale = _locale(request, locale)
        page = paginate(
            request, selectors.api_articles(account=request.account, viewer=request.user)
        )
        return Response(
            {
                "articles": [article_json(a, request, locale) for a in page.objects],
                **page.envelope,
            }
        )


class SectionArticles(HelpCenterView):
    """POST creates an article in the section (Zendesk's create endpoint)."""

    def post(self, request, number, locale=None):
        _require_editor(request)
        locale = _locale(request, locale)
        data = _payload(request)
        section = selectors.section_for_editor(account=request.account, number=number)
        if section is None:
            raise Http404
        article = services.article_create(
            editor=request.user,
            section=section,
            locale=_locale(request, data.get("locale") or locale),
            title=data.get("title", ""),
            body=data.get("body", ""),
            visibility=data.get("visibility") or Visibility.EVERYONE,
            promoted=data.get("promoted", False),
            labels=" ".join(data.get("label_names", [])),
            position=0,
        )
        if data.get("draft") is False:
            services.article_set_status(article=article, editor=request.user, status="published")
        found = selectors.api_article(
            account=request.account, viewer=request.user, number=article.number
        )
        return Response(
            {"article": article_json(found, request, locale)},
            status=status.HTTP_201_CREATED,
        )


class ArticleDetail(HelpCenterView):
    def _get(self, request, number: int) -> Article:
        found = selectors.api_article(account=request.account, viewer=request.user, number=number)
        if found is None:
            raise Http404
        return found

    def get(self, request, number, locale=None):
        locale = _locale(request, locale)
        return Response({"article": article_json(self._get(request, number), request, locale)})

    def put(self, request, number, locale=None):
        """The article's settings and, with ``title``, its version in ``locale``."""
        _require_editor(request)
        article = self._get(request, number)
        data = _payload(request)
        locale = _locale(request, data.get("locale") or locale)
        current = selectors.shown(article, locale=locale, default=locale).translation
        services.article_update(
            article=article,
            editor=request.user,
            locale=locale,
            title=data.get("title", current.title if current else ""),
            body=data.get("body", current.body if current else ""),
            visibility=data.get("visibility"),
            promoted=data.get("promoted"),
            labels=" ".join(data["label_names"]) if "label_names" in data else None,
        )
        if "draft" in data:
            services.article_set_status(
                article=article,
                editor=request.user,
                status="draft" if data["draft"] else "published",
            )
        return Response({"article": article_json(self._get(request, number), request, locale)})


class ArticleSearch(HelpCenterView):
    """Best match first, in ``locale`` (its text-search configuration), paged by offset
    as Zendesk's search is; ``count`` is how many were seen up to this page's end (one
    row more than the page says whether there is a next one, without counting all)."""

    def get(self, request, locale=None):
        locale = _locale(request, locale)
        query = query_param(request, "query")[:200]
        per_page = _int(query_param(request, "per_page"), 25, high=100)
        number = _int(query_param(request, "page"), 1, high=1000)
        start = (number - 1) * per_page
        hits = selectors.search_articles(
            account=request.account,
            viewer=request.user,
            locale=locale,
            query=query,
            offset=start,
            limit=per_page + 1,
        )
        more, hits = len(hits) > per_page, hits[:per_page]
        articles = selectors.api_articles_by_pk(
            account=request.account, viewer=request.user, pks=[h.article.pk for h in hits]
        )
        return Response(
            {
                "results": [
                    {
                        **article_json(articles[h.article.pk], request, locale),
                        "result_type": "article",
                    }
                    for h in hits
                    if h.article.pk in articles
                ],
                "count": start + len(hits),
                "page": number,
                "per_page": per_page,
                "next_page": page_url(request, page=number + 1, per_page=per_page)
                if more
                else None,
                "previous_page": page_url(request, page=number - 1, per_page=per_page)
                if number > 1
                else None,
            }
        )


class SectionList(HelpCenterView):
    def get(self, request, locale=None):
        locale = _locale(request, locale)
        page = paginate(request, selectors.api_sections(account=request.account))
        return Response(
            {
                "sections": [_named_json(s, request, locale, "section") for s in page.objects],
                **page.envelope,
            }
        )


class CategoryList(HelpCenterView):
    def get(self, request, locale=None):
        locale = _locale(request, locale)
        page = paginate(request, selectors.api_categories(account=request.account))
        return Response(
            {
                "categories": [_named_json(c, request, locale, "category") for c in page.objects],
                **page.envelope,
            }
        )
