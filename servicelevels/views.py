"""Admin settings → Business hours: list, create, edit, holidays, default, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.form_errors import add_domain_error, flash_domain_error
from servicelevels.access import holiday_for_admin, schedule_for_admin
from servicelevels.forms import HolidayForm, HolidayImportForm, ScheduleForm
from servicelevels.selectors import holidays_of, schedules_for_account, weekly_hours
from servicelevels.services import (
    holiday_add,
    holiday_remove,
    holidays_import,
    schedule_create,
    schedule_delete,
    schedule_make_default,
    schedule_update,
)
from tickets.views.common import admin_view

NINE_TO_FIVE = [[(540, 1020)]] * 5 + [[], []]
# The `holidays` package's name for each of our languages (it falls back to the
# country's own language for one it lacks).
HOLIDAY_LANGUAGES = {"en": "en_US", "it": "it", "es": "es"}


@admin_view
def schedule_list(request):
    schedules = schedules_for_account(account=request.account)
    return render(
        request,
        "agent/settings/schedules.html",
        {"schedules": schedules, "section": "schedules"},
    )


@admin_view
def schedule_new(request):
    initial = ScheduleForm.initial_for(
        name="", time_zone=request.account.time_zone, weekly=NINE_TO_FIVE
    )
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = schedule_create(
                account=request.account,
                name=form.cleaned_data["name"],
                time_zone=form.cleaned_data["time_zone"],
                weekly=form.weekly(),
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Schedule created."))
            return redirect("servicelevels:schedule_edit", schedule.number)
    return render(
        request, "agent/settings/schedule_form.html", {"form": form, "section": "schedules"}
    )


def _edit_page(request, schedule, *, form=None, holiday_form=None, import_form=None):
    return render(
        request,
        "agent/settings/schedule_form.html",
        {
            "schedule": schedule,
            "form": form,
            "holidays": holidays_of(schedule=schedule),
            "holiday_form": holiday_form or HolidayForm(),
            "import_form": import_form or HolidayImportForm(),
            "section": "schedules",
        },
    )


@admin_view
def schedule_edit(request, number: int):
    schedule = schedule_for_admin(account=request.account, number=number)
    initial = ScheduleForm.initial_for(
        name=schedule.name, time_zone=schedule.time_zone, weekly=weekly_hours(schedule=schedule)
    )
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            schedule_update(
                schedule=schedule,
                name=form.cleaned_data["name"],
                time_zone=form.cleaned_data["time_zone"],
                weekly=form.weekly(),
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Schedule saved."))
            return redirect("servicelevels:schedule_edit", schedule.number)
    return _edit_page(request, schedule, form=form)


@admin_view
@require_POST
def schedule_default(request, number: int):
    schedule = schedule_for_admin(account=request.account, number=number)
    schedule_make_default(schedule=schedule)
    messages.success(request, _("“%(name)s” is now the default.") % {"name": schedule.name})
    return redirect("servicelevels:schedule_list")


@admin_view
@require_POST
def schedule_remove(request, number: int):
    schedule = schedule_for_admin(account=request.account, number=number)
    try:
        schedule_delete(schedule=schedule)
    except ValidationError as exc:
        flash_domain_error(request, exc)
    else:
        messages.success(request, _("“%(name)s” was deleted.") % {"name": schedule.name})
    return redirect("servicelevels:schedule_list")


@admin_view
@require_POST
def holiday_new(request, number: int):
    schedule = schedule_for_admin(account=request.account, number=number)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            holiday_add(schedule=schedule, **form.cleaned_data)
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Holiday added."))
            return redirect("servicelevels:schedule_edit", schedule.number)
    return _edit_page(request, schedule, form=_saved_form(schedule), holiday_form=form)


@admin_view
@require_POST
def holiday_delete(request, number: int, holiday_number: int):
    schedule = schedule_for_admin(account=request.account, number=number)
    holiday = holiday_for_admin(schedule=schedule, number=holiday_number)
    holiday_remove(holiday=holiday)
    messages.success(request, _("“%(name)s” was removed.") % {"name": holiday.name})
    return redirect("servicelevels:schedule_edit", schedule.number)


@admin_view
@require_POST
def holiday_import(request, number: int):
    schedule = schedule_for_admin(account=request.account, number=number)
    form = HolidayImportForm(request.POST)
    if form.is_valid():
        try:
            added = holidays_import(
                schedule=schedule,
                country=form.cleaned_data["country"],
                year=form.cleaned_data["year"],
                language=HOLIDAY_LANGUAGES.get((get_language() or "en")[:2]),
            )
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s public holiday imported.",
                    "%(count)s public holidays imported.",
                    added,
                )
                % {"count": added},
            )
            return redirect("servicelevels:schedule_edit", schedule.number)
    return _edit_page(request, schedule, form=_saved_form(schedule), import_form=form)


def _saved_form(schedule):
    return ScheduleForm(
        initial=ScheduleForm.initial_for(
            name=schedule.name,
            time_zone=schedule.time_zone,
            weekly=weekly_hours(schedule=schedule),
        )
    )
