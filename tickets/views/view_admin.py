"""Managing views: the admins' shared views (Settings › Views), each agent's personal
views, and the editor both use. Who may change which view is the services' rule
(tickets.services.saved_views); the pages find views through tickets.access."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.form_errors import add_domain_error, flash_domain_error
from tickets.access import view_for_agent, view_for_editing
from tickets.conditions import BUSINESS, FIELDS, OPERATORS
from tickets.models import View
from tickets.services import saved_views as services
from tickets.view_forms import ViewForm, initial_for
from tickets.view_selectors import views_personal, views_shared
from tickets.views.common import admin_view, agent_view


def _list_url(view: View | None, user) -> str:
    if view is not None and not view.is_personal and user.is_admin:
        return reverse("tickets:views_shared")
    return reverse("tickets:views_personal")


@admin_view
def shared_views(request):
    return render(
        request,
        "agent/settings/views.html",
        {"views": list(views_shared(account=request.account)), "section": "views"},
    )


@agent_view
def personal_views(request):
    return render(
        request,
        "agent/views_personal.html",
        {"views": list(views_personal(viewer=request.user)), "nav": "personal"},
    )


def _editor(request, *, view: View | None, form: ViewForm, status: int = 200):
    return render(
        request,
        "agent/view_form.html",
        {
            "view": view,
            "form": form,
            "fields_help": [
                (name, f.label, [o for o in f.operators if o not in BUSINESS])
                for name, f in FIELDS.items()
            ],
            "operators": OPERATORS,
            "section": "views",
        },
        status=status,
    )


def _save(request, view: View | None):
    form = ViewForm(request.POST, account=request.account, actor=request.user)
    if form.is_valid():
        try:
            if view is None:
                view = services.view_create(
                    account=request.account, actor=request.user, **form.service_fields()
                )
            else:
                services.view_update(view=view, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("View “%(title)s” saved.") % {"title": view.title})
            return redirect("tickets:view", view.number)
    return _editor(request, view=view, form=form, status=400)


@agent_view
def view_new(request):
    if request.method == "POST":
        return _save(request, None)
    visibility = (
        View.Visibility.EVERYONE
        if request.user.is_admin and request.GET.get("shared")
        else View.Visibility.PERSONAL
    )
    form = ViewForm(
        account=request.account,
        actor=request.user,
        initial={"visibility": visibility, "sort_by": "updated", "sort_order": "desc"},
    )
    return _editor(request, view=None, form=form)


@agent_view
def view_edit(request, number: int):
    view = view_for_editing(viewer=request.user, number=number)
    if request.method == "POST":
        return _save(request, view)
    form = ViewForm(account=request.account, actor=request.user, initial=initial_for(view))
    return _editor(request, view=view, form=form)


@agent_view
@require_POST
def view_toggle(request, number: int):
    view = view_for_editing(viewer=request.user, number=number)
    services.view_set_active(view=view, actor=request.user, active=not view.is_active)
    message = _("“%(title)s” is active.") if view.is_active else _("“%(title)s” is inactive.")
    messages.success(request, message % {"title": view.display_title})
    return redirect(_list_url(view, request.user))


@agent_view
@require_POST
def view_move(request, number: int):
    view = view_for_editing(viewer=request.user, number=number)
    siblings = list(
        (
            views_personal(viewer=request.user)
            if view.is_personal
            else views_shared(account=request.account)
        ).values_list("number", flat=True)
    )
    at = siblings.index(view.number)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""), 0)
    if step and 0 <= at + step < len(siblings):
        siblings[at], siblings[at + step] = siblings[at + step], siblings[at]
        services.views_reorder(
            account=request.account,
            actor=request.user,
            numbers=siblings,
            personal=view.is_personal,
        )
    return redirect(_list_url(view, request.user))


@agent_view
@require_POST
def view_clone_page(request, number: int):
    """Any view the agent may open can be cloned: an admin's copy of a shared view is
    shared, anyone else's copy is personal."""
    view = view_for_agent(viewer=request.user, number=number)
    try:
        copy = services.view_clone(view=view, actor=request.user)
    except ValidationError as exc:
        flash_domain_error(request, exc)
        return redirect("tickets:view", view.number)
    messages.success(request, _("View “%(title)s” created.") % {"title": copy.title})
    return redirect("tickets:view_edit", copy.number)


@agent_view
@require_POST
def view_delete_page(request, number: int):
    view = view_for_editing(viewer=request.user, number=number)
    services.view_delete(view=view, actor=request.user)
    messages.success(request, _("View “%(title)s” deleted.") % {"title": view.display_title})
    return redirect(_list_url(view, request.user))
