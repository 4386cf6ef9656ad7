"""Triggers (an account's notification rules), the delivery outbox, inbound email log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel
from accounts.tenancy import TenantModel


class Trigger(NumberedTenantModel):
    """A rule evaluated after every ticket change set. ``conditions`` and ``actions`` are
    JSON in a fixed vocabulary, validated by ``notifications.triggers.trigger_clean``
    before any save: the evaluator never meets a shape it does not know."""

    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    # Which built-in default this came from ("" for one an admin created).
    default_key = models.CharField(max_length=60, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("trigger")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="trigger_name_unique"),
            models.UniqueConstraint(fields=["account", "number"], name="trigger_number_unique"),
        ]
        indexes = [models.Index(fields=["account", "active", "position"], name="trigger_order")]

    def __str__(self) -> str:
        return self.name


def new_message_id() -> str:
    domain = (settings.BASE_DOMAIN or "localhost").strip(".")
    return f"<{uuid.uuid4().hex}@{domain}>"


class Delivery(TenantModel):
    """One email to one recipient: the outbox row. Written in the transaction of the
    change that caused it; a Celery task sends it after commit, claiming the row with a
    conditional UPDATE so a re-delivered task never sends twice."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        # Reported by the provider's tracking webhook (notifications.suppressions).
        DELIVERED = "delivered", _("Delivered")
        BOUNCED = "bounced", _("Bounced")
        FAILED = "failed", _("Failed")
        # Never sent: the address is on the account's suppression list.
        SUPPRESSED = "suppressed", _("Suppressed")

    # An admin may send these again (a fresh set of attempts; notifications.outbox).
    RESENDABLE = (State.FAILED, State.SUPPRESSED)

    class Kind(models.TextChoices):
        TRIGGER = "trigger", _("Trigger")
        MENTION = "mention", _("Mention")
        FORWARD = "forward", _("Forward")
        PASSWORD_RESET = "reset", _("Password reset")
        INVITE = "invite", _("Invitation")
        WEBHOOK = "webhook", _("Webhook deactivated")
        # An agent's own notification (notifications.inapp) they chose to get by email.
        NOTIFY = "notify", _("Notification")
        VERIFY = "verify", _("Address verification")

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    trigger = models.ForeignKey(
        Trigger, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.TRIGGER)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    to_email = models.EmailField(_("to"), max_length=254)
    from_email = models.CharField(max_length=320)
    reply_to = models.CharField(max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Stable per row: a rare resend after a crash is recognised by mail clients.
    message_id = models.CharField(max_length=255, default=new_message_id, editable=False)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Handing the row's task to the broker failed (Redis down at commit): no message
    # will come for it, so the sweeper sends it without waiting for the queue to drain.
    # A database default, so that rows written by code older than the column get it too.
    enqueue_failed = models.BooleanField(db_default=False)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "message_id"], name="delivery_message_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_sweep"),
            models.Index(fields=["account", "state", "-created_at"], name="delivery_acct_state"),
            # Tracking webhooks find the row by the provider's id, across accounts.
            models.Index(fields=["provider_message_id"], name="delivery_provider_id"),
            # /metrics counts pending and failed rows by kind at every scrape
            # (operations/collectors.py): index-only, 25 ms instead of 760 ms with 30,000
            # of them among 1,000,000 rows.
            models.Index(fields=["state", "kind"], name="delivery_state_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email} ({self.state})"

    @property
    def resendable(self) -> bool:
        return self.state in self.RESENDABLE

    @property
    def awaits_retry(self) -> bool:
        """Queued again after a failed attempt: the log says when the next one is."""
        return self.state == self.State.QUEUED and self.attempts > 0

    @property
    def ref(self) -> str:
        """How a URL names the row: its Message-ID without the angle brackets (see
        notifications.access.delivery_for_admin)."""
        return self.message_id.strip("<>")


class Suppression(NumberedTenantModel):
    """An address this account no longer emails: it bounced hard, the provider rejected
    it, or its owner marked a message as spam. Written by the tracking webhook
    (notifications.suppressions); the outbox withholds every email to it until an admin
    lifts it (which deletes the row). ``email`` is stored lower-cased."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("Hard bounce")
        REJECTED = "rejected", _("Rejected by the email provider")
        COMPLAINED = "complained", _("Marked as spam")

    email = models.EmailField(_("email address"), max_length=254)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason)
    # The provider's own words (bounce description, SMTP response), for the admin.
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    delivery = models.ForeignKey(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("suppressed at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "email"], name="suppression_email_unique"),
            models.UniqueConstraint(fields=["account", "number"], name="suppression_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.reason})"


class InboundEmail(TenantModel):
    """Every inbound email resolved to an account: what became of it and why. Also the
    memory behind duplicate detection (an ESP retrying a webhook) and burst throttling."""

    class Outcome(models.TextChoices):
        COMMENT = "comment", _("Added as comment")
        TICKET = "ticket", _("Opened a ticket")
        DROPPED = "dropped", _("Dropped")

    message_id = models.CharField(max_length=255, blank=True)
    sender = models.EmailField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "message_id"], name="inbound_acct_msgid"),
            models.Index(
                fields=["account", "sender", "ticket", "created_at"], name="inbound_burst"
            ),
        ]


class WebhookToken(models.Model):
    """Platform-level: signature tokens already seen (Mailgun), so a captured webhook
    cannot be replayed. Rows older than the accepted timestamp age are swept."""

    provider = models.CharField(max_length=20)
    token = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "token"], name="webhook_token_unique")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.token[:12]}…"


class TicketFollow(TenantModel):
    """An agent follows a ticket: replies on it reach them as notifications. Added by the
    follow button, and by itself when the agent comments or is @mentioned."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "ticket", "agent"], name="ticketfollow_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} follows {self.ticket_id}"


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mentions of me")
    ASSIGNED = "assigned", _("Tickets assigned to me")
    GROUP = "group", _("Tickets assigned to my group")
    REPLY = "reply", _("Replies on tickets I follow")
    SLA = "sla", _("SLA warnings on my tickets")


class Notification(NumberedTenantModel):
    """One in-app notification of one agent (the bell). Written in the transaction of
    the change it tells of (the outbox principle: it exists exactly when the change
    does); ``key`` names that change, so writing it twice keeps one row."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=NotificationKind)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "recipient", "key"], name="notification_once"
            ),
            models.UniqueConstraint(
                fields=["account", "number"], name="notification_number_unique"
            ),
        ]
        indexes = [
            # The page, newest first, seeking by number (keyset).
            models.Index(fields=["account", "recipient", "-number"], name="notification_page"),
            # The bell's unread count reads only unread rows.
            models.Index(
                fields=["account", "recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(TenantModel):
    """How an agent gets one kind of notification; no row: the kind's default
    (notifications.inapp.DEFAULT_CHANNELS)."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the app")
        EMAIL = "email", _("By email")
        BOTH = "both", _("In the app and by email")
        NONE = "none", _("Not at all")

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=NotificationKind)
    channel = models.CharField(max_length=10, choices=Channel)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "agent", "kind"], name="notificationpref_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.kind}: {self.channel}"
