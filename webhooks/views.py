"""Admin settings → Webhooks: list, create, edit, activate/deactivate, delete, send a
test, reveal or reset the signing secret, and the delivery log. Views parse, call one
service or selector, render; changes are POST only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from helpdesk.form_errors import add_domain_error
from tickets.views.common import admin_view
from webhooks import services
from webhooks.access import webhook_for_admin
from webhooks.forms import WebhookForm
from webhooks.selectors import webhook_log, webhooks_for_account

SECTION = "webhooks"


@admin_view
def webhook_list(request):
    webhooks = list(webhooks_for_account(account=request.account))
    return render(
        request, "agent/settings/webhooks.html", {"webhooks": webhooks, "section": SECTION}
    )


def _form_page(request, form, webhook=None):
    context = {"form": form, "webhook": webhook, "section": SECTION}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "agent/settings/webhook_form.html", context, status=status)


@admin_view
def webhook_new(request):
    form = WebhookForm(request.POST or None, initial={"active": True, "http_method": "POST"})
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(
                account=request.account, actor=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"authentication": "auth_secret"})
        else:
            messages.success(request, _("Webhook “%(name)s” saved.") % {"name": webhook.name})
            return redirect("webhooks:webhook_edit", number=webhook.number)
    return _form_page(request, form)


@admin_view
def webhook_edit(request, number: int):
    webhook = webhook_for_admin(account=request.account, number=number)
    if request.method != "POST":
        return _form_page(request, WebhookForm.for_webhook(webhook), webhook)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            services.webhook_update(webhook=webhook, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_domain_error(form, exc, aliases={"authentication": "auth_secret"})
        else:
            messages.success(request, _("Webhook “%(name)s” saved.") % {"name": webhook.name})
            return redirect("webhooks:webhook_edit", number=webhook.number)
    webhook.refresh_from_db()
    return _form_page(request, form, webhook)


@admin_view
@require_POST
def webhook_toggle(request, number: int):
    webhook = webhook_for_admin(account=request.account, number=number)
    services.webhook_set_status(webhook=webhook, actor=request.user, active=not webhook.is_active)
    message = _("“%(name)s” is on.") if webhook.is_active else _("“%(name)s” is off.")
    messages.success(request, message % {"name": webhook.name})
    return redirect("webhooks:webhook_list")


@admin_view
@require_POST
def webhook_delete(request, number: int):
    webhook = webhook_for_admin(account=request.account, number=number)
    services.webhook_delete(webhook=webhook, actor=request.user)
    messages.success(request, _("Webhook “%(name)s” deleted.") % {"name": webhook.name})
    return redirect("webhooks:webhook_list")


@admin_view
@require_POST
def webhook_test(request, number: int):
    webhook = webhook_for_admin(account=request.account, number=number)
    services.webhook_test_send(webhook=webhook, actor=request.user)
    messages.success(request, _("Test request queued: its answer appears in the log."))
    return redirect("webhooks:webhook_log", number=webhook.number)


@never_cache
@admin_view
@require_POST
def webhook_secret(request, number: int):
    """Reveal (or reset, then reveal) the signing secret: the one page that shows it."""
    webhook = webhook_for_admin(account=request.account, number=number)
    reset = request.POST.get("reset") == "1"
    secret = services.signing_secret_reveal(webhook=webhook, actor=request.user, reset=reset)
    if reset:
        messages.success(request, _("A new signing secret was made: update your receiver."))
    return render(
        request,
        "agent/settings/webhook_secret.html",
        {"webhook": webhook, "secret": secret, "section": SECTION},
    )


@admin_view
def webhook_log_page(request, number: int):
    webhook = webhook_for_admin(account=request.account, number=number)
    return render(
        request,
        "agent/settings/webhook_log.html",
        {"webhook": webhook, "attempts": webhook_log(webhook=webhook), "section": SECTION},
    )
