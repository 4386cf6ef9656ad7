"""Support addresses (support@acme.com, billing@acme.com: how mail reaches us, who gets
it, what outgoing mail says it is from) and the mailboxes Sportello reads (IMAP), with
the per-message bookkeeping that makes a fetch exactly-once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel
from accounts.tenancy import TenantModel


class SupportAddress(NumberedTenantModel):
    class Arrival(models.TextChoices):
        FORWARD = "forward", _("Forwarded to the account's internal address")
        WEBHOOK = "webhook", _("Email provider webhook")
        MAILBOX = "mailbox", _("Connected mailbox (IMAP)")

    email = models.EmailField(_("email address"), max_length=254)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    group = models.ForeignKey(
        "accounts.AgentGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default group"),
    )
    arrival = models.CharField(_("how mail arrives"), max_length=10, choices=Arrival)
    # Forwarding is proven by a confirmation email that must come back through the forward.
    verify_token = models.CharField(max_length=32, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("support address")
        verbose_name_plural = _("support addresses")
        ordering = ["email", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "email"], name="supportaddress_email_unique"
            ),
            models.UniqueConstraint(
                fields=["account", "number"], name="supportaddress_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.email


class MailboxChannel(NumberedTenantModel):
    """A mailbox read every minute by Celery beat (mailchannels.fetch): IMAP, signed in to
    with a password or, for Microsoft 365 and Gmail, OAuth2 (XOAUTH2); or POP3 with a
    password, the fallback for servers without IMAP (mailchannels.fetch_pop3)."""

    class Security(models.TextChoices):
        SSL = "ssl", _("TLS (IMAPS, usually port 993)")
        STARTTLS = "starttls", _("STARTTLS (usually port 143)")

    class Auth(models.TextChoices):
        PASSWORD = "password", _("Password")
        MICROSOFT = "microsoft", _("Microsoft 365 (OAuth2)")
        GOOGLE = "google", _("Gmail (OAuth2)")

    class AfterImport(models.TextChoices):
        MARK_READ = "mark_read", _("Mark as read")
        MOVE = "move", _("Move to a folder")
        DELETE = "delete", _("Delete")

    class Protocol(models.TextChoices):
        IMAP = "imap", _("IMAP")
        POP3 = "pop3", _("POP3")

    address = models.ForeignKey(SupportAddress, on_delete=models.CASCADE, related_name="channels")
    protocol = models.CharField(
        _("protocol"), max_length=4, choices=Protocol, default=Protocol.IMAP
    )
    host = models.CharField(_("server"), max_length=253)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=Security, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=254)
    auth = models.CharField(_("sign-in"), max_length=10, choices=Auth, default=Auth.PASSWORD)
    # Fernet tokens (accounts.field_crypto); never rendered back.
    password_encrypted = models.TextField(blank=True)
    # OAuth2 (mailchannels.oauth): the refresh token from the admin's consent, and the
    # current access token with its expiry, refreshed shortly before it.
    oauth_refresh_encrypted = models.TextField(blank=True)
    oauth_access_encrypted = models.TextField(blank=True)
    oauth_expires_at = models.DateTimeField(null=True, blank=True)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    after_import = models.CharField(
        _("after import"), max_length=10, choices=AfterImport, default=AfterImport.MARK_READ
    )
    move_to = models.CharField(_("move to folder"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Bookkeeping: the folder's UIDVALIDITY and the highest UID imported under it.
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    # Status shown to the admin.
    last_fetch_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    imported_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("mailbox channel")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"], name="mailboxchannel_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.host}"


class FetchedMessage(TenantModel):
    """One message of a mailbox, by (UIDVALIDITY, UID): written in the same transaction
    as the ticket or comment it became, so a message is imported at most once and a
    worker killed mid-fetch leaves it for the next fetch. A message that could not be
    imported keeps its raw bytes and the reason, for the admin."""

    class Status(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Could not be imported")

    channel = models.ForeignKey(MailboxChannel, on_delete=models.CASCADE, related_name="+")
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    # POP3: the server's unique id of the message (UIDL); its rows have UIDVALIDITY 0 and
    # a UID counted by the channel.
    uidl = models.CharField(max_length=70, blank=True)
    status = models.CharField(max_length=10, choices=Status)
    outcome = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    raw = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "channel", "uidvalidity", "uid"],
                name="fetchedmessage_uid_unique",
            ),
            models.UniqueConstraint(
                fields=["account", "channel", "uidl"],
                condition=~models.Q(uidl=""),
                name="fetchedmessage_uidl_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "channel", "status", "-id"], name="fetched_status")
        ]


class TicketAddress(TenantModel):
    """The support address a ticket came in on: its emails go out from it."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    address = models.ForeignKey(SupportAddress, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "ticket"], name="ticketaddress_unique"),
        ]
