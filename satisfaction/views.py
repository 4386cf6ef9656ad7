"""Admin settings › Satisfaction: the survey's window and the reasons offered for a bad
rating. Views parse, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.form_errors import add_domain_error
from satisfaction import selectors, services
from satisfaction.access import reason_for_admin
from satisfaction.forms import ReasonForm, SurveySettingsForm
from tickets.views.common import admin_view


def _page(request, *, settings_form=None, reason_form=None, status=200):
    account = request.account
    current = selectors.settings_for(account)
    return render(
        request,
        "agent/settings/satisfaction.html",
        {
            "section": "satisfaction",
            "placeholder": "{{satisfaction.rating_section}}",
            "settings_form": settings_form
            or SurveySettingsForm(
                initial={
                    "days_after_close": current.days_after_close,
                    "ask_reason": current.ask_reason,
                }
            ),
            "reason_form": reason_form or ReasonForm(),
            "reasons": list(selectors.reasons(account, active=None)),
        },
        status=status,
    )


@admin_view
def satisfaction_settings(request):
    if request.method != "POST":
        return _page(request)
    form = SurveySettingsForm(request.POST)
    if form.is_valid():
        try:
            services.settings_update(account=request.account, **form.cleaned_data)
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Satisfaction settings saved."))
            return redirect("satisfaction:settings")
    return _page(request, settings_form=form, status=400)


@admin_view
@require_POST
def reason_new(request):
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.reason_create(account=request.account, title=form.cleaned_data["title"])
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Reason added."))
            return redirect("satisfaction:settings")
    return _page(request, reason_form=form, status=400)


@admin_view
@require_POST
def reason_edit(request, number: int):
    reason = reason_for_admin(viewer=request.user, number=number)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.reason_update(reason=reason, **form.cleaned_data)
        except ValidationError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Reason saved."))
            return redirect("satisfaction:settings")
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("satisfaction:settings")
