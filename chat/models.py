"""Live chat in the help center (issue 28; seeds 002 and 004).

A visitor (a signed-in end user, or an anonymous visitor who gave a name and an email,
when the account allows it) starts a chat; it waits in the queue of the account's
chat-enabled groups until an available agent accepts it. Every message is a row first
(ChatMessage), then a doorbell on the chat's realtime topic (realtime.publish): a page
that missed the bell finds the message at its next poll, so nothing is lost.

Every chat becomes a ticket (channel "chat") whose first comment is the transcript; the
messages written after a transcript was taken are appended to the same ticket as a new
comment when the chat ends again. A chat started by an agent from a ticket's page writes
its transcript into that ticket. Chats never carry internal notes: they are not comments.

Per-chat sequence numbers (ChatMessage.seq) order the messages and carry the markers:
each side's "delivered" and "read" are the highest seq its page has fetched and shown."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel
from accounts.tenancy import TenantModel
from tickets.models import attachment_upload_to


class ChatSettings(TenantModel):
    """One per account (created on first read): whether the help center offers chat."""

    enabled = models.BooleanField(_("offer live chat in the help center"), default=False)
    anonymous_allowed = models.BooleanField(
        _("visitors who are not signed in may chat (they give a name and an email)"),
        default=False,
    )
    max_chats_per_agent = models.PositiveSmallIntegerField(
        _("chats an agent may have at once"), default=3
    )
    # Chat is offered inside these business hours only (the account's default schedule
    # when empty; always, when the account has no schedule at all).
    schedule = models.ForeignKey(
        "servicelevels.Schedule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("business hours"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chat settings")
        constraints = [
            models.UniqueConstraint(fields=["account"], name="chatsettings_one_per_account")
        ]


class ChatGroup(TenantModel):
    """A group whose agents take chats (the chat-enabled groups)."""

    group = models.ForeignKey("accounts.AgentGroup", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "group"], name="chatgroup_unique")
        ]


class AgentChatStatus(TenantModel):
    """An agent's chat availability, set by themselves in the workspace."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    available = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "agent"], name="agentchatstatus_unique")
        ]
        indexes = [
            models.Index(
                fields=["account", "agent"],
                condition=Q(available=True),
                name="agentchatstatus_available",
            )
        ]


class Chat(NumberedTenantModel):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        ACTIVE = "active", _("In progress")
        ENDED = "ended", _("Ended")

    # Always a person: an anonymous visitor is found or created as an end user by the
    # email they gave (as the help center's anonymous requests are); what they may follow
    # is this chat only, by their session (chat.access), never that user's tickets.
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    visitor_signed_in = models.BooleanField(default=True)
    group = models.ForeignKey(
        "accounts.AgentGroup", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    # Who started it: the visitor from the help center, or an agent from a ticket's page.
    started_by_agent = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The page the visitor was on when they opened the chat (shown to the agent).
    page_url = models.CharField(max_length=500, blank=True)
    # Markers, as message seqs: the last message written, each side's delivered/read
    # (the highest seq its page fetched/showed), and the last one already in the ticket.
    last_seq = models.PositiveIntegerField(default=0)
    visitor_delivered_seq = models.PositiveIntegerField(default=0)
    visitor_read_seq = models.PositiveIntegerField(default=0)
    agent_delivered_seq = models.PositiveIntegerField(default=0)
    agent_read_seq = models.PositiveIntegerField(default=0)
    transcribed_seq = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chat")
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="chat_number_unique"),
        ]
        indexes = [
            # The queue and the workspace: waiting or running chats, oldest first.
            models.Index(
                fields=["account", "started_at"],
                condition=~Q(state="ended"),
                name="chat_acct_open",
            ),
            models.Index(fields=["account", "visitor", "started_at"], name="chat_acct_visitor"),
            models.Index(fields=["account", "ticket"], name="chat_acct_ticket"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class ChatParticipant(TenantModel):
    """An agent on a chat: its owner (who accepted it, or took it by transfer) or one
    brought in; ``left_at`` set when they left or handed it over."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        GUEST = "guest", _("Invited")

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="participants")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=5, choices=Role, default=Role.OWNER)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "chat", "agent"],
                condition=Q(left_at__isnull=True),
                name="chatparticipant_one_current",
            ),
            models.UniqueConstraint(
                fields=["account", "chat"],
                condition=Q(left_at__isnull=True, role="owner"),
                name="chatparticipant_one_owner",
            ),
        ]
        indexes = [
            # An agent's running chats (their limit, their workspace).
            models.Index(
                fields=["account", "agent"],
                condition=Q(left_at__isnull=True),
                name="chatparticipant_current",
            ),
        ]


class ChatMessage(TenantModel):
    class Kind(models.TextChoices):
        VISITOR = "visitor", _("Visitor")
        AGENT = "agent", _("Agent")
        # Joins, transfers, the end: written by the services, shown in the transcript.
        SYSTEM = "system", _("System")

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=7, choices=Kind)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "chat", "seq"], name="chatmessage_seq_unique"
            )
        ]
        ordering = ["seq"]


class ChatAttachment(NumberedTenantModel):
    """A file sent with a chat message, by the visitor or an agent on the chat, under
    the account's attachment rules (tickets.attachments.validate_uploads). Stored as a
    ticket's attachment is (tickets.models.attachment_upload_to: an unguessable key,
    the name in the row); addressed by the chat's number and this per-account number,
    and downloaded by whoever may see the chat (chat.access). When the chat's transcript
    is written, a copy becomes an attachment of the transcript's comment."""

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(ChatMessage, on_delete=models.CASCADE, related_name="attachments")
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="chatattachment_number")
        ]
        indexes = [
            # A chat's files, by message (the polls and the transcript read them so).
            models.Index(fields=["account", "chat", "message"], name="chatattachment_chat"),
        ]

    def __str__(self) -> str:
        return self.filename
