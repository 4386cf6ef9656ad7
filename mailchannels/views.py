"""Admin settings: support addresses and IMAP mailbox channels (status, connection
test, fetch now, the messages that could not be imported). Views parse, call one
service or selector, render; mutations are POST only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.form_errors import add_domain_error
from mailchannels import oauth, services
from mailchannels.access import address_for_admin, channel_for_admin, failed_message_for_admin
from mailchannels.fetch import channel_fetch
from mailchannels.forms import AddressForm, ChannelForm
from mailchannels.oauth_views import allow_consent_pages
from mailchannels.selectors import (
    addresses_for_account,
    channels_for_account,
    failed_messages,
    sending_domains,
)
from notifications import addresses as our_addresses
from tickets.views.common import admin_view

FETCH_NOW_LIMIT = 50


@admin_view
def email_settings(request):
    account = request.account
    addresses = addresses_for_account(account=account)
    response = render(
        request,
        "agent/settings/email_channels.html",
        {
            "section": "email",
            "addresses": addresses,
            "channels": channels_for_account(account=account),
            "internal_address": our_addresses.support_address(account),
            "sending_domains": sending_domains(addresses),
            "form": AddressForm(account=account),
            "oauth_providers": [(p, oauth.provider_label(p)) for p in oauth.configured()],
        },
    )
    return allow_consent_pages(response)  # Connect Microsoft 365 / Gmail


@admin_view
def address_new(request):
    form = AddressForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        try:
            address = services.address_create(account=request.account, **form.cleaned_data)
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Support address %(email)s added.") % {"email": address})
            return redirect("mailchannels:email_settings")
    return render(
        request,
        "agent/settings/email_address_form.html",
        {"section": "email", "form": form, "address": None},
        status=400 if form.errors else 200,
    )


@admin_view
def address_edit(request, number: int):
    address = address_for_admin(account=request.account, number=number)
    initial = {"display_name": address.display_name, "group": address.group}
    form = AddressForm(request.POST or None, account=request.account, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_update(address=address, **form.cleaned_data)
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Support address saved."))
            return redirect("mailchannels:email_settings")
    return render(
        request,
        "agent/settings/email_address_form.html",
        {"section": "email", "form": form, "address": address},
        status=400 if form.errors else 200,
    )


@admin_view
@require_POST
def address_delete(request, number: int):
    address = address_for_admin(account=request.account, number=number)
    services.address_delete(address=address)
    messages.success(request, _("Support address %(email)s removed.") % {"email": address.email})
    return redirect("mailchannels:email_settings")


@admin_view
@require_POST
def address_verify(request, number: int):
    address = address_for_admin(account=request.account, number=number)
    services.address_verification_resend(address=address)
    messages.success(
        request, _("A confirmation email is on its way to %(email)s.") % {"email": address.email}
    )
    return redirect("mailchannels:email_settings")


@admin_view
def channel_new(request):
    form = ChannelForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.mailbox_connect(account=request.account, **form.cleaned_data)
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Mailbox channel added: test its connection."))
            return redirect("mailchannels:channel_edit", number=channel.number)
    return render(
        request,
        "agent/settings/email_channel_form.html",
        {"section": "email", "form": form, "channel": None},
        status=400 if form.errors else 200,
    )


@admin_view
def channel_edit(request, number: int):
    channel = channel_for_admin(account=request.account, number=number)
    form = ChannelForm(
        request.POST or None,
        account=request.account,
        channel=channel,
        initial=ChannelForm.initial_for(channel),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_update(channel=channel, **form.cleaned_data)
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Mailbox channel saved."))
            return redirect("mailchannels:channel_edit", number=channel.number)
    response = render(
        request,
        "agent/settings/email_channel_form.html",
        {
            "section": "email",
            "form": form,
            "channel": channel,
            "failed": list(failed_messages(channel=channel)),
        },
        status=400 if form.errors else 200,
    )
    return allow_consent_pages(response)  # Reconnect


@admin_view
@require_POST
def channel_test(request, number: int):
    channel = channel_for_admin(account=request.account, number=number)
    ok, message = services.channel_test(channel=channel)
    (messages.success if ok else messages.error)(request, message)
    return redirect("mailchannels:channel_edit", number=channel.number)


@admin_view
@require_POST
def channel_fetch_now(request, number: int):
    channel = channel_for_admin(account=request.account, number=number)
    report = channel_fetch(channel, limit=FETCH_NOW_LIMIT)
    if report.error:
        messages.error(request, report.error)
    else:
        messages.success(
            request,
            _("%(imported)s messages imported, %(failed)s could not be imported.")
            % {"imported": report.imported, "failed": report.failed},
        )
    return redirect("mailchannels:channel_edit", number=channel.number)


@admin_view
@require_POST
def channel_delete(request, number: int):
    channel = channel_for_admin(account=request.account, number=number)
    services.channel_delete(channel=channel)
    messages.success(request, _("Mailbox channel removed."))
    return redirect("mailchannels:email_settings")


@admin_view
def failed_message_download(request, number: int, uidvalidity: int, uid: int):
    """The bytes of a message that could not be imported, as the server sent them (.eml),
    for the admin to read or forward; never rendered inline."""
    channel = channel_for_admin(account=request.account, number=number)
    row = failed_message_for_admin(channel=channel, uidvalidity=uidvalidity, uid=uid)
    response = HttpResponse(bytes(row.raw or b""), content_type="message/rfc822")
    response["Content-Disposition"] = (
        f'attachment; filename="mailbox-{channel.number}-{uidvalidity}-{uid}.eml"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
