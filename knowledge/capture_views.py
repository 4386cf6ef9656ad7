"""Knowledge capture's page: the article editor prefilled from a solved ticket's public
reply (knowledge.capture says what is left out); saving makes a draft that remembers the
ticket. Editors only, 404 for everyone else (knowledge.access.capture_source)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpdesk.form_errors import add_domain_error
from knowledge import selectors, services
from knowledge.access import capture_source
from knowledge.capture import Person, draft_body, draft_title
from knowledge.editor_views import _locale, _section
from knowledge.forms import ArticleForm
from tickets.views.common import agent_view


@require_http_methods(["GET", "POST"])
@agent_view
def article_from_ticket(request, number: int, comment: int):
    ticket, reply = capture_source(viewer=request.user, ticket_number=number, position=comment)
    locale = _locale(request)
    sections = selectors.sections_for_editor(account=request.account)
    requester = ticket.requester
    person = Person(name=requester.name, email=requester.email, phone=requester.phone)
    initial = {
        "title": draft_title(ticket.subject, person),
        "body": draft_body(body=reply.body, html_body=reply.html_body, person=person),
        "visibility": "everyone",
    }
    form = ArticleForm(
        request.POST or None, request.FILES or None, initial=initial, sections=sections
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_capture(
                editor=request.user,
                ticket=ticket,
                section=_section(request, data["section"]),
                locale=locale,
                title=data["title"],
                body=data["body"],
                visibility=data["visibility"],
                promoted=data["promoted"],
                labels=data["labels"],
                position=data["position"] or 0,
                images=data["images"],
            )
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Article saved as a draft."))
            return redirect("knowledge:article", number=article.number)
    return render(
        request,
        "knowledge/editor/article.html",
        {
            "form": form,
            "article": None,
            "locale": locale,
            "languages": settings.LANGUAGES,
            "source_ticket": ticket,
        },
        status=400 if request.method == "POST" else 200,
    )
