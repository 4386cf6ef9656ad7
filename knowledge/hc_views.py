"""The help center's knowledge base: open to anonymous visitors for what is visible to
everyone, to signed-in users for theirs too (knowledge.access). Pages are in the
visitor's language, with the account's default language (and a notice) where an
article has no version in theirs."""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from knowledge import selectors, services
from knowledge.access import (
    article_for_visitor,
    category_for_visitor,
    image_for_visitor,
    may_edit,
    section_for_visitor,
)
from knowledge.forms import locale_or_default
from tickets.attachments import attachment_response

SEARCH_PAGE = 20
VOTER_COOKIE = "kb_voter"
VOTER_COOKIE_AGE = 365 * 24 * 60 * 60


def _locale(request) -> str:
    return locale_or_default(translation.get_language(), request.account.default_locale)


def _context(request, **extra):
    return {"locale": _locale(request), "default_locale": request.account.default_locale} | extra


@require_GET
def kb_home(request):
    data = selectors.kb_home(account=request.account, viewer=request.user, locale=_locale(request))
    # htmx asks for the panel alone ("My activities"): a whole page swapped in would
    # bring its head's <style>, whose nonce is not the page's, and the CSP blocks it.
    template = "knowledge/hc/_kb_panel.html" if request.htmx else "knowledge/hc/home.html"
    response = render(request, template, _context(request, **data))
    patch_vary_headers(response, ["HX-Request"])
    return response


def public_home(request) -> HttpResponse | None:
    """``/hc/`` for an anonymous visitor (registered with portal.public_home): the
    knowledge base's home, its search box and the sign-in link first, when the account
    has articles visible to everyone; None otherwise (the sign-in page, as before)."""
    account = request.account
    if not selectors.has_public_articles(account=account):
        return None
    data = selectors.kb_home(account=account, viewer=request.user, locale=_locale(request))
    return render(request, "knowledge/hc/public_home.html", _context(request, **data))


@require_GET
def category(request, number: int):
    found = category_for_visitor(account=request.account, number=number)
    sections = selectors.category_sections(
        account=request.account, category=found, viewer=request.user, locale=_locale(request)
    )
    return render(
        request,
        "knowledge/hc/category.html",
        _context(request, category=found, sections=sections),
    )


@require_GET
def section(request, number: int):
    found = section_for_visitor(account=request.account, number=number)
    articles = selectors.section_articles(
        account=request.account, section=found, viewer=request.user, locale=_locale(request)
    )
    return render(
        request,
        "knowledge/hc/section.html",
        _context(request, section=found, articles=articles),
    )


@require_GET
def article(request, number: int):
    found = article_for_visitor(account=request.account, viewer=request.user, number=number)
    locale = _locale(request)
    shown = selectors.shown_article(account=request.account, article=found, locale=locale)
    deflect = (
        request.GET.get("suggested") == "1"
        and request.user.is_authenticated
        and not request.user.is_agent
    )
    return render(
        request,
        "knowledge/hc/article.html",
        _context(
            request,
            shown=shown,
            article=found,
            related=selectors.related_articles(
                account=request.account, article=found, viewer=request.user, locale=locale
            ),
            voted=request.GET.get("voted", ""),
            deflect=deflect,
            subject=request.GET.get("subject", "")[:255],
            editor=request.user.is_authenticated and may_edit(request.user),
        ),
        using="jinja2",  # the article page is in Jinja2 only (issue 17)
    )


@require_POST
def article_vote(request, number: int):
    found = article_for_visitor(account=request.account, viewer=request.user, number=number)
    helpful = request.POST.get("helpful")
    if helpful not in ("yes", "no"):
        return redirect("kb:article", number=found.number)
    if request.user.is_authenticated:
        key, new_cookie = f"user:{request.user.pk}", None
    else:
        cookie = request.COOKIES.get(VOTER_COOKIE, "")
        new_cookie = None if len(cookie) == 32 else secrets.token_hex(16)
        key = f"browser:{new_cookie or cookie}"
    services.vote_record(article=found, voter_key=key, helpful=helpful == "yes")
    response = redirect(f"{request.path.rsplit('vote/', 1)[0]}?voted={helpful}")
    if new_cookie:
        response.set_cookie(
            VOTER_COOKIE,
            new_cookie,
            max_age=VOTER_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_POST
@login_required
def article_deflected(request, number: int):
    """An end user opened an article suggested while writing a request: recorded as a
    deflection unless they submit the request after all (knowledge.receivers)."""
    found = article_for_visitor(account=request.account, viewer=request.user, number=number)
    if request.user.is_agent:
        return HttpResponse(status=204)
    services.deflection_record(
        article=found, user=request.user, subject=request.POST.get("subject", "")
    )
    return HttpResponse(status=204)


@require_GET
def search(request):
    q = request.GET.get("q", "")[:200].strip()
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    hits = selectors.search_articles(
        account=request.account,
        viewer=request.user,
        locale=_locale(request),
        query=q,
        offset=(page - 1) * SEARCH_PAGE,
        limit=SEARCH_PAGE + 1,
    )
    return render(
        request,
        "knowledge/hc/search.html",
        _context(
            request,
            q=q,
            hits=hits[:SEARCH_PAGE],
            page=page,
            has_next=len(hits) > SEARCH_PAGE,
            has_previous=page > 1,
        ),
    )


@require_GET
@login_required
def suggest(request):
    """Up to five articles matching the subject being typed (htmx, "Submit a request")."""
    subject = request.GET.get("subject", "")[:255]
    hits = selectors.suggestions(
        account=request.account, viewer=request.user, locale=_locale(request), subject=subject
    )
    return render(request, "knowledge/hc/_suggestions.html", {"hits": hits, "subject": subject})


@require_GET
def image(request, token: str):
    """An image of an article the viewer may read, answered as tickets' files are."""
    found = image_for_visitor(account=request.account, viewer=request.user, token=token)
    return attachment_response(found)
