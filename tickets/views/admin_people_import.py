"""Admin settings → Users → Import: a CSV of users, checked (dry run) or imported; the
rules and the report live in accounts.user_import, which reads the upload as a stream."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.user_import import COLUMNS, REPORTED, users_import_csv
from helpdesk.limits import OversizedUpload, bulk_upload
from tickets.views.common import admin_view


class UserImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    mode = forms.ChoiceField(
        choices=[("check", _("Check only")), ("import", _("Import"))],
        widget=forms.HiddenInput,
        initial="check",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if isinstance(upload, OversizedUpload):
            raise forms.ValidationError(_("The file is too large."))
        return upload


@bulk_upload
@admin_view
def users_import(request):
    form = UserImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = users_import_csv(
            account=request.account,
            actor=request.user,
            stream=upload.open("rb"),
            dry_run=request.POST.get("mode") != "import",
        )
    return render(
        request,
        "agent/settings/user_import.html",
        {
            "form": form,
            "report": report,
            "columns": COLUMNS,
            "reported": REPORTED,
            "section": "users",
        },
    )
