"""Admin settings → a user's sign-in (sign out everywhere, reset two-factor sign-in) and
the audit log. The rules live in accounts.user_sessions, accounts.two_factor and
accounts.audit; these views parse, call one, and render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import user_for_agent
from accounts.identity_models import AuditEntry
from accounts.selectors import audit_entries_for_admin
from accounts.two_factor import totp_reset
from accounts.user_sessions import user_sign_out_everywhere
from tickets.counts import TicketPaginator
from tickets.views.common import admin_view

PER_PAGE = 50


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("Any action")), *AuditEntry.Action.choices],
    )
    actor = forms.IntegerField(
        label=gettext_lazy("Admin (user number)"), required=False, min_value=1
    )


@admin_view
@require_POST
def user_sign_out(request, number: int):
    person = user_for_agent(account=request.account, number=number)
    ended = user_sign_out_everywhere(user=person, actor=request.user)
    messages.success(
        request,
        _("%(name)s was signed out of %(n)s sessions.") % {"name": person.name, "n": ended},
    )
    return redirect("tickets:settings_user", number=person.number)


@admin_view
@require_POST
def user_two_factor_reset(request, number: int):
    person = user_for_agent(account=request.account, number=number)
    totp_reset(user=person, actor=request.user)
    messages.success(
        request, _("Two-factor sign-in of %(name)s was reset.") % {"name": person.name}
    )
    return redirect("tickets:settings_user", number=person.number)


@admin_view
def audit_log(request):
    filters = AuditFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    entries = audit_entries_for_admin(
        account=request.account,
        action=chosen.get("action") or "",
        actor_number=chosen.get("actor"),
    )
    page = TicketPaginator(entries, PER_PAGE).get_page(
        request.GET.get("page"), cursor=request.GET.get("cursor")
    )
    return render(
        request,
        "agent/settings/audit.html",
        {"filters": filters, "page": page, "section": "audit"},
    )
