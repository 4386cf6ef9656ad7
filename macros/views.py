"""Macro pages: the admins' shared list (with usage), an agent's own macros, the editor,
and the buttons (clone, activate/deactivate, move, delete)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.form_errors import add_domain_error, flash_domain_error
from macros import services
from macros.access import macro_for_editor
from macros.forms import MacroForm
from macros.models import Macro
from macros.selectors import personal_macros_with_usage, shared_macros_with_usage
from notifications.rendering import PLACEHOLDER_HELP
from tickets.views.common import admin_view, agent_view


def _list_url(macro: Macro | None = None, *, shared: bool | None = None) -> str:
    shared = macro.is_shared if macro is not None else shared
    return reverse("macros:shared_list" if shared else "macros:personal_list")


@admin_view
def shared_list(request):
    macros = list(shared_macros_with_usage(account=request.account))
    return render(
        request,
        "macros/shared_list.html",
        {"macros": macros, "section": "macros", "shared": True},
    )


@agent_view
def personal_list(request):
    macros = list(personal_macros_with_usage(owner=request.user))
    return render(request, "macros/personal_list.html", {"macros": macros, "shared": False})


def _editor(request, *, macro: Macro | None, shared: bool):
    form = MacroForm(
        request.POST or None,
        request.FILES or None,
        account=request.account,
        macro=macro,
        shared=shared,
    )
    if request.method == "POST" and form.is_valid():
        fields = {
            "title": form.cleaned_data["title"],
            "description": form.cleaned_data["description"],
            "active": form.cleaned_data["active"],
            "actions": form.actions(),
        }
        groups = form.cleaned_data.get("restrict_to") if shared else None
        try:
            if macro is None:
                macro = services.macro_create(
                    account=request.account,
                    actor=request.user,
                    shared=shared,
                    groups=groups or (),
                    files=form.cleaned_data["attachments"],
                    **fields,
                )
            else:
                services.macro_update(
                    macro=macro,
                    actor=request.user,
                    groups=groups,
                    files=form.cleaned_data["attachments"],
                    remove_files=[int(pk) for pk in form.cleaned_data.get("remove_files", [])],
                    **fields,
                )
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"uploads": "attachments"})
        else:
            messages.success(request, _("Macro “%(title)s” saved.") % {"title": macro.title})
            return redirect(_list_url(macro))
    context = {
        "form": form,
        "macro": macro,
        "shared": shared,
        "section": "macros",
        "placeholders": PLACEHOLDER_HELP,
        "back": _list_url(macro, shared=shared),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "macros/macro_form.html", context, status=status)


@agent_view
def macro_new(request):
    shared = request.GET.get("shared") == "1"
    if shared and not request.user.is_admin:
        raise PermissionDenied
    return _editor(request, macro=None, shared=shared)


@agent_view
def macro_edit(request, number: int):
    macro = macro_for_editor(viewer=request.user, number=number)
    return _editor(request, macro=macro, shared=macro.is_shared)


@agent_view
@require_POST
def macro_clone(request, number: int):
    macro = macro_for_editor(viewer=request.user, number=number)
    try:
        copy = services.macro_clone(macro=macro, actor=request.user)
    except ValidationError as exc:
        flash_domain_error(request, exc)
        return redirect(_list_url(macro))
    messages.success(request, _("Copied as “%(title)s” (inactive).") % {"title": copy.title})
    return redirect("macros:macro_edit", number=copy.number)


@agent_view
@require_POST
def macro_toggle(request, number: int):
    macro = macro_for_editor(viewer=request.user, number=number)
    services.macro_set_active(macro=macro, actor=request.user, active=not macro.active)
    message = _("“%(title)s” is on.") if macro.active else _("“%(title)s” is off.")
    messages.success(request, message % {"title": macro.title})
    return redirect(_list_url(macro))


@agent_view
@require_POST
def macro_move(request, number: int):
    macro = macro_for_editor(viewer=request.user, number=number)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.macro_move(macro=macro, actor=request.user, direction=direction)
    return redirect(_list_url(macro))


@agent_view
@require_POST
def macro_delete(request, number: int):
    macro = macro_for_editor(viewer=request.user, number=number)
    services.macro_delete(macro=macro, actor=request.user)
    messages.success(request, _("Macro “%(title)s” deleted.") % {"title": macro.title})
    return redirect(_list_url(macro))
