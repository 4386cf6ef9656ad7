"""Settings forms for support addresses and mailbox channels. The password field never
renders a value back; left blank on edit, the stored password is kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import AgentGroup
from mailchannels.models import MailboxChannel, SupportAddress
from tickets.forms import AccountForm


class _GroupField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _group_field() -> _GroupField:
    return _GroupField(
        label=_("Default group"),
        queryset=AgentGroup.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("New tickets from this address go to this group."),
    )


def _groups_of(form: AccountForm) -> None:
    field = form.fields["group"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = AgentGroup.objects.for_account(form.account).order_by("name")


class AddressForm(AccountForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        required=False,
        help_text=_("Shown as the sender of replies, e.g. “Acme Support”."),
    )
    group = _group_field()
    arrival = forms.ChoiceField(
        label=_("How mail arrives"),
        choices=[
            (SupportAddress.Arrival.FORWARD, SupportAddress.Arrival.FORWARD.label),
            (SupportAddress.Arrival.WEBHOOK, SupportAddress.Arrival.WEBHOOK.label),
        ],
        help_text=_("To read a mailbox over IMAP, add a mailbox channel instead."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _groups_of(self)
        if editing:
            del self.fields["email"]
            del self.fields["arrival"]


class ChannelForm(AccountForm):
    email = forms.EmailField(
        label=_("Support address"),
        max_length=254,
        help_text=_("The address customers write to, e.g. support@acme.com."),
    )
    display_name = forms.CharField(label=_("Display name"), max_length=120, required=False)
    group = _group_field()
    protocol = forms.ChoiceField(
        label=_("Protocol"),
        choices=MailboxChannel.Protocol.choices,
        initial="imap",
        required=False,  # IMAP when not given
        help_text=_("POP3 only where the server has no IMAP (POP3S on port 995, or STLS on 110)."),
    )
    host = forms.CharField(label=_("Mail server"), max_length=253)
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=993)
    security = forms.ChoiceField(
        label=_("Security"), choices=MailboxChannel.Security.choices, initial="ssl"
    )
    username = forms.CharField(label=_("User name"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    folder = forms.CharField(label=_("Folder"), max_length=200, initial="INBOX")
    after_import = forms.ChoiceField(
        label=_("After import"),
        choices=MailboxChannel.AfterImport.choices,
        initial="mark_read",
        help_text=_("POP3: “Mark as read” leaves the message on the server."),
    )
    move_to = forms.CharField(
        label=_("Move to folder"),
        max_length=200,
        required=False,
        help_text=_("Only when imported messages are moved."),
    )
    active = forms.BooleanField(label=_("Fetch every minute"), required=False, initial=True)

    def __init__(self, *args, channel: MailboxChannel | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _groups_of(self)
        if channel is not None:
            for name in ("email", "display_name", "group"):
                del self.fields[name]
            self.fields["password"].required = False
            self.fields["password"].help_text = _(
                "A password is stored (never shown). Leave blank to keep it."
            )
            if channel.auth != MailboxChannel.Auth.PASSWORD:
                # Signed in with the provider's consent (XOAUTH2, over IMAP or POP3): no
                # password, the consenting mailbox's name kept.
                del self.fields["password"]
                del self.fields["username"]

    @staticmethod
    def initial_for(channel: MailboxChannel) -> dict:
        return {
            name: getattr(channel, name)
            for name in (
                "protocol",
                "host",
                "port",
                "security",
                "username",
                "folder",
                "after_import",
                "move_to",
                "active",
            )
        }
