"""The ticket page's "Link an article": an agent searches the published articles from
the reply box and inserts a link to one (static/js/kb-link.js); the help center's
request page then lists it under "Shared resources"."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from knowledge import selectors
from knowledge.forms import locale_or_default
from tickets.views.common import agent_view

LINK_RESULTS = 8


@require_GET
@agent_view
def article_links(request):
    q = request.GET.get("q", "")[:200].strip()
    hits = selectors.search_articles(
        account=request.account,
        viewer=request.user,
        locale=locale_or_default(translation.get_language(), request.account.default_locale),
        query=q,
        limit=LINK_RESULTS,
    )
    return render(request, "knowledge/agent/_link_results.html", {"hits": hits, "q": q})
