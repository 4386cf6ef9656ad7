"""The help center: an end user's requests. Views parse, call one selector or service of
the tickets domain, and render; they decide nothing about who may see what."""

from __future__ import annotations

import functools
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.memberships import organizations_of
from customfields.forms import CustomFieldsForm
from helpdesk.form_errors import flash_domain_error
from helpdesk.read_your_writes import replica_reads
from portal import public_home, selectors
from portal.field_filters import field_filters, filters_q
from portal.forms import FeedbackForm, NewRequestForm, ReplyForm, SearchForm
from satisfaction import selectors as satisfaction_selectors
from satisfaction.services import rate
from tickets.access import attachment_for_viewer
from tickets.attachments import attachment_response
from tickets.counts import TicketPaginator
from tickets.models import Channel
from tickets.selectors import tickets_visible_to
from tickets.services import request_solve_by_requester, ticket_create, ticket_reply
from tickets.services.support_access import support_access_set

PER_PAGE = 25
SEARCH_PAGE_SIZE = 20


def portal_view(view):
    """Help-center pages: sign-in required; agents work in the agent workspace (where
    they see internal notes), so they are sent there. Dates and times are shown in the
    viewer's time zone (their profile's, else the account's)."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if user.is_agent:
            # A request link (from an email, say) opens the same ticket in the workspace.
            number = kwargs.get("number")
            if number is not None:
                return redirect("tickets:ticket_detail", number=number)
            return redirect("tickets:home")
        user.account = request.account  # same row (TenantUserMiddleware checked); no query
        try:
            tz = zoneinfo.ZoneInfo(user.effective_time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = zoneinfo.ZoneInfo("UTC")
        with timezone.override(tz):
            return view(request, *args, **kwargs)

    return wrapped


@require_GET
def home(request):
    """The help center's home: "My activities" for a signed-in user; for an anonymous
    visitor the account's public home when it has one (portal.public_home: the
    knowledge base's, with the sign-in link), else the sign-in page as before."""
    if not request.user.is_authenticated:
        response = public_home.respond(request)
        if response is not None:
            return response
    return my_activities(request)


@portal_view
@replica_reads
def my_activities(request):
    """My activities: the viewer's requests by tab, filtered, sorted and paginated."""
    viewer = request.user
    tab = selectors.tab_for(viewer, request.GET.get("tab", ""))
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUS_FILTERS else ""
    sort = selectors.normalise_sort(request.GET.get("sort", ""))
    filters = field_filters(viewer=viewer, params=request.GET)
    # The list and the tab counts share one visibility (its CC'd ids read once, not twice).
    visible = tickets_visible_to(viewer=viewer)
    tickets = selectors.activity_list(
        viewer=viewer, tab=tab, status=status, sort=sort, fields=filters_q(filters), visible=visible
    )
    page = TicketPaginator(tickets, PER_PAGE).get_page(
        request.GET.get("page"), cursor=request.GET.get("cursor")
    )
    counts = selectors.activity_counts(viewer=viewer, visible=visible)
    context = {
        "tab": tab,
        "tabs": [(t, counts[t.key]) for t in selectors.tabs_for(viewer)],
        "status": status,
        "sort": sort,
        "page": page,
        "search_form": SearchForm(),
        "field_filters": filters,
    }
    # A boosted tab, sort or page link swaps the list only; a history restore needs the page.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "portal/_activity_list.html" if fragment else "portal/home.html"
    return render(request, template, context, using="jinja2")  # Jinja2 only (issue 17)


@require_http_methods(["GET", "POST"])
@portal_view
def request_new(request):
    """Submit a request: a public ticket with channel "portal", the viewer its requester,
    on the form they chose (the page asks which when the help center offers several)."""
    number = _form_number(request.POST.get("ticket_form") or request.GET.get("form"))
    chosen = selectors.request_form(account=request.account, viewer=request.user, number=number)
    if chosen.chosen is None:
        context = {"forms": chosen.offered}
        return render(request, "portal/request_choose_form.html", context, using="jinja2")
    form = NewRequestForm(
        request.POST or None,
        request.FILES or None,
        organizations=organizations_of(user=request.user),
    )
    custom_form = CustomFieldsForm(
        request.POST or None,
        fields=chosen.fields,
        values={},
        portal=True,
        current_form=chosen.chosen,
        hidden=chosen.hidden,
    )
    custom_form.ticket_form_number = chosen.chosen.number if chosen.chosen else None
    if request.method == "POST" and form.is_valid() and custom_form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_create(
                account=request.account,
                submitter=request.user,
                subject=data["subject"],
                body=data["body"],
                html_body=data["html_body"],
                channel=Channel.PORTAL,
                uploads=data["attachments"],
                custom_fields=custom_form.raw_values(),
                ticket_form=custom_form.ticket_form_number,
                organization_number=data.get("organization"),
            )
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("Your request #%(number)s was submitted. We'll get back to you soon.")
                % {"number": ticket.number},
            )
            return redirect("portal:request", number=ticket.number)
    context = {
        "form": form,
        "custom_form": custom_form,
        "ticket_form": chosen.chosen,
        "other_forms": len(chosen.offered) > 1,
    }
    return render(request, "portal/request_new.html", context, using="jinja2")  # issue 17


def _form_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 15 else None


def _render_request(request, number, *, reply_form=None, feedback_form=None, status=200):
    page = selectors.request_page(viewer=request.user, number=number)
    context = {
        "page": page,
        "ticket": page.ticket,
        "reply_form": reply_form or ReplyForm(),
        "feedback_form": feedback_form or _feedback_form(page.ticket, show=page.can_rate),
        "field_values": selectors.request_field_values(viewer=request.user, ticket=page.ticket),
    }
    return render(request, "portal/request_detail.html", context, status=status, using="jinja2")


def _feedback_form(ticket, *, data=None, show=True):
    """The rating form, its reasons read only where it is shown."""
    if not show:
        return FeedbackForm(data)
    reasons = satisfaction_selectors.reasons_offered(ticket.account)
    rating = ticket.satisfaction_rating
    initial = {"rating": rating, "comment": ticket.satisfaction_comment} if rating else None
    return FeedbackForm(data, reasons=reasons, initial=initial)


@require_http_methods(["GET", "POST"])
@portal_view
def request_detail(request, number):
    """The request page; POST adds the viewer's public reply."""
    if request.method == "GET":
        return _render_request(request, number)
    page = selectors.request_page(viewer=request.user, number=number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            comment = ticket_reply(
                ticket=page.ticket,
                author=request.user,
                body=data["body"],
                html_body=data["html_body"],
                public=True,
                channel=Channel.PORTAL,
                uploads=data["attachments"],
            ).comment
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Your reply was added."))
            url = reverse("portal:request", kwargs={"number": number})
            return redirect(f"{url}#comment-{comment.pk}")
    return _render_request(request, number, reply_form=form, status=400)


@require_POST
@portal_view
def request_close(request, number):
    page = selectors.request_page(viewer=request.user, number=number)
    try:
        request_solve_by_requester(ticket=page.ticket, user=request.user)
    except ValidationError as error:
        flash_domain_error(request, error)
    return redirect("portal:request", number=number)


@require_POST
@portal_view
def request_support_access(request, number):
    """The requester's "support access" switch (seed 004): "grant" or "revoke"."""
    page = selectors.request_page(viewer=request.user, number=number)
    choice = request.POST.get("access", "")
    if choice not in ("grant", "revoke"):
        messages.error(request, _("Choose whether to grant or revoke support access."))
        return redirect("portal:request", number=number)
    try:
        support_access_set(ticket=page.ticket, user=request.user, granted=choice == "grant")
    except ValidationError as error:
        flash_domain_error(request, error)
    else:
        if choice == "grant":
            messages.success(request, _("Support access granted for this request."))
        else:
            messages.success(request, _("Support access revoked for this request."))
    return redirect("portal:request", number=number)


@require_POST
@portal_view
def request_feedback(request, number):
    page = selectors.request_page(viewer=request.user, number=number)
    form = _feedback_form(page.ticket, data=request.POST)
    if form.is_valid():
        try:
            rate(
                ticket=page.ticket,
                user=request.user,
                score=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                reason=form.chosen_reason(),
            )
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            # The page's feedback card thanks them (and keeps doing so): no flash as well.
            url = reverse("portal:request", kwargs={"number": number})
            return redirect(f"{url}#feedback")
    return _render_request(request, number, feedback_form=form, status=400)


@require_GET
@portal_view
def attachment_download(request, number, token):
    """An attachment of a public comment on a request the viewer may see, answered as
    tickets.attachments answers every download."""
    attachment = attachment_for_viewer(viewer=request.user, number=number, token=token)
    return attachment_response(attachment)


@require_GET
@portal_view
@replica_reads
def search(request):
    form = SearchForm(request.GET)
    valid = form.is_valid()
    query = form.cleaned_data["q"] if valid else ""
    page = form.cleaned_data["page"] if valid else 1
    offset = (page - 1) * SEARCH_PAGE_SIZE
    # The end-user-visible fields' filters (never an agent-only field's: not offered, and
    # a crafted parameter for one is ignored).
    filters = field_filters(viewer=request.user, params=request.GET)
    # One row more than a page tells whether there is a next page, without a count.
    hits = (
        selectors.search_requests(
            viewer=request.user,
            query=query,
            limit=SEARCH_PAGE_SIZE + 1,
            offset=offset,
            fields=filters_q(filters),
        )
        if query
        else []
    )
    context = {
        "search_form": form,
        "q": query,
        "hits": hits[:SEARCH_PAGE_SIZE],
        "page": page,
        "has_previous": page > 1,
        "has_next": len(hits) > SEARCH_PAGE_SIZE,
        "first": offset + 1,
        "last": offset + min(len(hits), SEARCH_PAGE_SIZE),
        "field_filters": filters,
        "filtered": any(f.value for f in filters),
    }
    return render(request, "portal/search.html", context, using="jinja2")  # Jinja2 only
