"""The agent workspace's knowledge base: articles, categories and sections, written per
language, published, archived, with their revision history. Editors only
(knowledge.access.require_editor); views parse, call one service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.form_errors import add_domain_error, flash_domain_error
from knowledge import selectors, services
from knowledge.access import (
    article_for_editor,
    capture_source,
    category_for_editor,
    require_editor,
    revision_for_editor,
    section_for_editor,
)
from knowledge.capture import Person, draft_body, draft_title
from knowledge.forms import ArticleForm, NamedForm, SectionForm, locale_or_default
from knowledge.models import Section, Status
from tickets.models import Comment, Ticket
from tickets.views.common import agent_view


def _locale(request) -> str:
    return locale_or_default(
        request.POST.get("locale") or request.GET.get("locale"), request.account.default_locale
    )


def _to(name: str, number: int, locale: str):
    return redirect(f"{reverse(name, kwargs={'number': number})}?locale={locale}")


def _section(request, number: int) -> Section:
    section = selectors.section_for_editor(account=request.account, number=number)
    if section is None:
        raise ValidationError({"section": _("Choose a section.")})
    return section


@require_GET
@agent_view
def editor_home(request):
    require_editor(request.user)
    articles = list(selectors.editor_articles(account=request.account))
    return render(
        request,
        "knowledge/editor/home.html",
        {
            "rows": [(a, selectors.translation_states(a)) for a in articles],
            "archived": list(selectors.archived_articles(account=request.account)),
            "categories": list(selectors.categories_for_editor(account=request.account)),
            "sections": list(selectors.sections_for_editor(account=request.account)),
            "deflections": selectors.recent_deflections(account=request.account),
            "locale": request.account.default_locale,
        },
    )


def _article_page(request, *, form, article=None, locale, status=200, source_ticket=None):
    context = {
        "form": form,
        "article": article,
        "locale": locale,
        "languages": settings.LANGUAGES,
        "source_ticket": source_ticket,
    }
    if article is not None:
        context["states"] = selectors.translation_states(article)
        context["votes"] = selectors.vote_counts(account=request.account, article=article)
    return render(request, "knowledge/editor/article.html", context, status=status)


def _capture_initial(ticket: Ticket, reply: Comment) -> dict:
    """The editor prefilled from the reply, the requester's details left out
    (knowledge.capture)."""
    requester = ticket.requester
    person = Person(name=requester.name, email=requester.email, phone=requester.phone)
    return {
        "title": draft_title(ticket.subject, person),
        "body": draft_body(body=reply.body, html_body=reply.html_body, person=person),
        "visibility": "everyone",
    }


@require_http_methods(["GET", "POST"])
@agent_view
def article_new(request, number: int | None = None, comment: int | None = None):
    """A new article, blank, or (knowledge capture, issue 25: ``number`` and ``comment``
    given) prefilled from a solved ticket's public reply; saving makes a draft, from a
    ticket one that remembers it. Editors only; capture also 404s for a ticket or reply
    the editor may not take it from (knowledge.access.capture_source)."""
    ticket, initial = None, None
    if number is None or comment is None:
        require_editor(request.user)
    else:
        ticket, reply = capture_source(viewer=request.user, ticket_number=number, position=comment)
        initial = _capture_initial(ticket, reply)
    locale = _locale(request)
    sections = selectors.sections_for_editor(account=request.account)
    form = ArticleForm(
        request.POST or None, request.FILES or None, initial=initial, sections=sections
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fields = {
                "editor": request.user,
                "section": _section(request, data["section"]),
                "locale": locale,
                "title": data["title"],
                "body": data["body"],
                "visibility": data["visibility"],
                "promoted": data["promoted"],
                "labels": data["labels"],
                "position": data["position"] or 0,
                "images": data["images"],
            }
            if ticket is None:
                article = services.article_create(**fields)
            else:
                article = services.article_capture(ticket=ticket, **fields)
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Article saved as a draft."))
            return redirect("knowledge:article", number=article.number)
    status = 400 if request.method == "POST" else 200
    return _article_page(request, form=form, locale=locale, status=status, source_ticket=ticket)


@require_http_methods(["GET", "POST"])
@agent_view
def article_edit(request, number: int):
    article = article_for_editor(viewer=request.user, number=number)
    locale = _locale(request)
    sections = selectors.sections_for_editor(account=request.account)
    translation = selectors.article_translation(
        account=request.account, article=article, locale=locale
    )
    initial = {
        "title": translation.title if translation else "",
        "body": translation.body if translation else "",
        "section": article.section.number,
        "visibility": article.visibility,
        "promoted": article.promoted,
        "labels": article.labels,
        "position": article.position,
    }
    form = ArticleForm(
        request.POST or None, request.FILES or None, initial=initial, sections=sections
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.article_update(
                article=article,
                editor=request.user,
                locale=locale,
                title=data["title"],
                body=data["body"],
                section=_section(request, data["section"]),
                visibility=data["visibility"],
                promoted=data["promoted"],
                labels=data["labels"],
                position=data["position"] or 0,
                images=data["images"],
            )
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Article saved."))
            return redirect(f"{request.path}?locale={locale}")
    status = 400 if request.method == "POST" else 200
    return _article_page(request, form=form, article=article, locale=locale, status=status)


@require_POST
@agent_view
def article_status(request, number: int):
    article = article_for_editor(viewer=request.user, number=number)
    status = request.POST.get("status", "")
    if status not in Status.values:
        messages.error(request, _("Choose publish, unpublish or archive."))
    else:
        services.article_set_status(article=article, editor=request.user, status=status)
        messages.success(
            request,
            {
                Status.PUBLISHED: _("Article published."),
                Status.DRAFT: _("Article unpublished: it is a draft again."),
                Status.ARCHIVED: _("Article archived."),
            }[Status(status)],
        )
    return redirect("knowledge:article", number=article.number)


@require_GET
@agent_view
def article_revisions(request, number: int):
    article = article_for_editor(viewer=request.user, number=number)
    locale = _locale(request)
    return render(
        request,
        "knowledge/editor/revisions.html",
        {
            "article": article,
            "locale": locale,
            "languages": settings.LANGUAGES,
            "history": selectors.revision_history(article=article, locale=locale),
        },
    )


@require_POST
@agent_view
def revision_restore(request, number: int, revision: int):
    article = article_for_editor(viewer=request.user, number=number)
    found = revision_for_editor(article=article, number=revision)
    try:
        services.revision_restore(revision=found, editor=request.user)
    except ValidationError as error:
        flash_domain_error(request, error)
    else:
        messages.success(request, _("Revision restored."))
    return _to("knowledge:article", article.number, found.locale)


def _named_page(request, *, form, obj=None, kind, locale, status=200):
    return render(
        request,
        "knowledge/editor/named.html",
        {"form": form, "obj": obj, "kind": kind, "locale": locale, "languages": settings.LANGUAGES},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@agent_view
def category_edit(request, number: int | None = None):
    require_editor(request.user)
    category = category_for_editor(viewer=request.user, number=number) if number else None
    locale = _locale(request)
    version = category.version(locale) if category else {}
    initial = {
        "name": version.get("name", ""),
        "description": version.get("description", ""),
        "position": category.position if category else 0,
    }
    form = NamedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.category_save(
                editor=request.user,
                category=category,
                locale=locale,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                position=form.cleaned_data["position"] or 0,
            )
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Category saved."))
            return _to("knowledge:category", saved.number, locale)
    status = 400 if request.method == "POST" else 200
    return _named_page(
        request, form=form, obj=category, kind="category", locale=locale, status=status
    )


@require_http_methods(["GET", "POST"])
@agent_view
def section_edit(request, number: int | None = None):
    require_editor(request.user)
    section = section_for_editor(viewer=request.user, number=number) if number else None
    locale = _locale(request)
    categories = list(selectors.categories_for_editor(account=request.account))
    version = section.version(locale) if section else {}
    initial = {
        "name": version.get("name", ""),
        "description": version.get("description", ""),
        "position": section.position if section else 0,
        "category": section.category.number if section else None,
    }
    form = SectionForm(request.POST or None, initial=initial, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            category = next(
                (c for c in categories if c.number == form.cleaned_data["category"]), None
            )
            if category is None:
                raise Http404
            saved = services.section_save(
                editor=request.user,
                category=category,
                section=section,
                locale=locale,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                position=form.cleaned_data["position"] or 0,
            )
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Section saved."))
            return _to("knowledge:section", saved.number, locale)
    status = 400 if request.method == "POST" else 200
    return _named_page(
        request, form=form, obj=section, kind="section", locale=locale, status=status
    )
