"""Tickets, their comments, attachments, CCs and activity history."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorExact
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import NumberedTenantModel
from accounts.tenancy import TenantModel
from tickets.db_functions import CurrentTransactionId
from tickets.status_models import CustomStatus as CustomStatus
from tickets.status_models import StatusCategory as StatusCategory
from tickets.tag_models import TagCount as TagCount
from tickets.view_models import DEFAULT_VIEW_TITLES as DEFAULT_VIEW_TITLES
from tickets.view_models import View as View
from tickets.view_models import ViewGroup as ViewGroup

COMMENT_MAX_CHARS = 65_536


class SimpleVector(SearchVector):
    """``to_tsvector('simple', COALESCE(text, ''))``, the full-text vector of the searches
    (tickets.search), on PostgreSQL; NULL on other databases, where there is none (SQLite
    for ``make run`` searches by substring)."""

    def __init__(self, *expressions):
        super().__init__(*expressions, config="simple")

    def as_sqlite(self, compiler, connection, **extra):
        return "NULL", []


class TsVectorField(models.Field):
    """A ``tsvector`` column; ``=`` a SearchQuery is ``@@``. (django.contrib.postgres's
    SearchVectorField would want that app installed, whose type handlers and lookups
    nothing here uses.)"""

    def db_type(self, connection):
        return "tsvector"


TsVectorField.register_lookup(SearchVectorExact)


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    PORTAL = "portal", _("Help center")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    # A video or in-person meeting (seed 000): carries a scheduled call (calls app).
    MEETING = "meeting", _("Meeting")
    API = "api", _("API")
    # A live chat from the help center (issue 28): its transcript is the first comment.
    CHAT = "chat", _("Chat")
    SYSTEM = "system", _("System")


class Ticket(NumberedTenantModel):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Pending")
        ON_HOLD = "hold", _("On-hold")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    class Type(models.TextChoices):
        INCIDENT = "incident", _("Incident")
        PROBLEM = "problem", _("Problem")
        REQUEST = "request", _("Request")
        CHANGE = "change", pgettext_lazy("noun", "Change")  # "Cambio", not "Cambiar"

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Escalation(models.TextChoices):
        OPEN = "open", _("Escalated")
        RESOLVED = "resolved", _("Escalation resolved")

    class ActivityStatus(models.TextChoices):
        """Where the conversation stands (seed 002's "Stato attività"); the rule that moves
        it is tickets.services.activity's."""

        UNREAD = "unread", _("Unread")
        READ = "read", _("Read")
        AWAITING_CONTACT = "awaiting_contact", _("Awaiting contact")
        AWAITING_TECHNICIAN = "awaiting_technician", _("Awaiting technician")

    class Rating(models.TextChoices):
        GOOD = "good", _("Good, I'm satisfied")
        BAD = "bad", _("Bad, I'm unsatisfied")

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEUTRAL = "neutral", _("Neutral")
        NEGATIVE = "negative", _("Negative")

    UNSOLVED = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
    SOLVED_OR_CLOSED = (Status.SOLVED, Status.CLOSED)

    subject = models.CharField(_("subject"), max_length=255)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
        verbose_name=_("requester"),
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="submitted_tickets",
        verbose_name=_("submitter"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    group = models.ForeignKey(
        "accounts.AgentGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("group"),
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("organization"),
    )
    ccs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TicketCC",
        related_name="cc_tickets",
        verbose_name=_("CCs"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.NEW)
    # The named status inside ``status``'s category (tickets.status_models), kept
    # consistent with it by tickets.services.statuses; empty only on rows written around
    # the services (the bench's bulk seed), which read as their category's default.
    custom_status = models.ForeignKey(
        CustomStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("status"),
    )
    # The ticket form it is on (customfields.TicketForm's per-account number, as the
    # values name fields by number): none, or a deleted form, reads as the default form.
    ticket_form_number = models.PositiveBigIntegerField(_("form"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=Type, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority, blank=True)
    # Priority as its severity, for sorting (issue 18): urgent 4 > high 3 > normal 2 >
    # low 1 > none 0. Kept by the database, and indexed with the number, so a list
    # sorted by priority reads its first page from the index instead of sorting the
    # account's tickets by the words' alphabetical order.
    priority_rank = models.GeneratedField(
        expression=models.Case(
            *(
                models.When(priority=value, then=models.Value(rank))
                for rank, value in enumerate(Priority.values, start=1)
            ),
            default=models.Value(0),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    # Space-separated, lowercase, sorted: portable between SQLite (make run) and PostgreSQL.
    tags = models.CharField(_("tags"), max_length=1000, blank=True)
    due_at = models.DateTimeField(_("due date"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.WEB)
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    # What time-based automations measure "hours since" from (automations/; issue 20):
    # kept by the ticket services as the events happen, never computed from the history,
    # so a pass over a million tickets reads an index instead of the events.
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    requester_updated_at = models.DateTimeField(_("requester's last reply"), null=True, blank=True)
    assignee_updated_at = models.DateTimeField(_("assignee's last update"), null=True, blank=True)
    # Snoozed (postponed) until then: out of the working views, into "Snoozed"; woken up
    # as Open by the automations' beat task. Its SLA clocks are not touched.
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    # Kept by the services that record a comment and the agent's opening of the ticket
    # page (tickets.services.activity), never computed from the comments, so a list or a
    # view filtered on it reads an index. Null: a row written around the services (the
    # bench's bulk seed) or not yet backfilled (manage.py backfill_activity_status).
    activity_status = models.CharField(
        _("activity status"), max_length=20, choices=ActivityStatus, null=True, blank=True
    )
    satisfaction_rating = models.CharField(
        _("satisfaction"), max_length=4, choices=Rating, blank=True
    )
    satisfaction_comment = models.TextField(_("feedback comment"), blank=True)
    # Escalations (the escalations app keeps them): "open" while one is being worked,
    # "resolved" once the last reached its last stage, "" never escalated. Kept here so
    # views, lists and My activities read a column, not the escalations' tables.
    escalation = models.CharField(
        _("escalation"), max_length=8, choices=Escalation, blank=True, default="", db_default=""
    )
    # Time worked (seed 002; the timeworked app keeps it): the seconds agents logged on
    # the ticket, so lists, views and the API read a column, not the entries.
    time_worked = models.PositiveIntegerField(_("time worked"), default=0, db_default=0)
    # Issue 28: the sentiment of the requester side's latest comment (tickets.sentiment,
    # set with the comment), "" before any; views, triggers and lists read it.
    sentiment = models.CharField(
        _("sentiment"), max_length=8, choices=Sentiment, blank=True, default="", db_default=""
    )
    satisfaction_at = models.DateTimeField(null=True, blank=True)
    # Support access (seed 004, "accesso proxy al supporto"): the requester's per-ticket
    # permission for the support team to read the conversation. While it is revoked,
    # agents other than the assignee see the ticket's fields but no comment's body
    # (tickets.support_access, the one rule every reader of comments goes through).
    support_access = models.BooleanField(_("support access"), default=True, db_default=True)
    # Secret part of the per-ticket reply address (reply+<number>-<token>@...).
    reply_token = models.CharField(max_length=64, default=secrets.token_hex, editable=False)
    # Admin-defined fields' values, keyed by field number (customfields/values.py: the
    # stored shapes, and why one JSONB column with a GIN index).
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ticket")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="ticket_number_unique"),
        ]
        indexes = [
            models.Index(
                fields=["account", "status", "-updated_at", "-id"], name="ticket_acct_status_upd"
            ),
            models.Index(fields=["account", "-updated_at", "-id"], name="ticket_acct_updated"),
            models.Index(
                fields=["account", "assignee", "status", "-updated_at"], name="ticket_acct_assignee"
            ),
            # With priority (as its rank, the column views test): a view on a group's
            # unsolved urgent tickets (issue 18) reads only its own entries, and
            # counts them without touching the table (at 1M
            # tickets, "Billing, unsolved, urgent or high": 12,937 rows read to keep 3,751
            # and a 47 ms count by (account, group, status) alone).
            models.Index(
                fields=["account", "group", "status", "priority_rank"],
                name="ticket_acct_group_rank",
            ),
            models.Index(
                fields=["account", "requester", "-created_at"], name="ticket_acct_requester"
            ),
            models.Index(
                fields=["account", "priority_rank", "number"], name="ticket_acct_prio_rank"
            ),
            models.Index(fields=["account", "organization", "-created_at"], name="ticket_acct_org"),
            models.Index(fields=["account", "is_public", "-updated_at"], name="ticket_acct_public"),
            # The few tickets whose requester revoked support access: what the comment
            # readers leave out (tickets.support_access), read without touching the rest.
            models.Index(
                fields=["account", "assignee"],
                name="ticket_support_access_off",
                condition=models.Q(support_access=False),
            ),
            # Time-based automations (issue 20): "pending for more than 72 hours" and the
            # like read a range of one status's entries, never the account's tickets.
            models.Index(
                fields=["account", "status", "status_changed_at"], name="ticket_acct_status_since"
            ),
            # "Close 4 days after solved": solved tickets are few (closed within days).
            models.Index(
                fields=["account", "solved_at"],
                name="ticket_acct_solved_at",
                condition=models.Q(status="solved"),
            ),
            # The reports' click-through (reports.clickthrough, issue 26): the tickets
            # created in a range, read from the range's entries newest first instead of
            # the account's tickets (no other index leads with the creation time).
            models.Index(fields=["account", "created_at", "id"], name="ticket_acct_created"),
            # ...and the tickets solved in a range: solved or closed, by the solve time
            # (ticket_acct_solved_at above holds the Solved ones only).
            models.Index(
                fields=["account", "solved_at", "id"],
                name="ticket_acct_solved_range",
                condition=models.Q(status__in=["solved", "closed"]),
            ),
            # The Snoozed view and the wake-up pass: only snoozed tickets are in it.
            models.Index(
                fields=["account", "snoozed_until"],
                name="ticket_acct_snoozed",
                condition=models.Q(snoozed_until__isnull=False),
            ),
            # A view on one custom status ("Engineering") reads its own entries.
            models.Index(
                fields=["account", "custom_status", "-updated_at", "-id"],
                name="ticket_acct_custom_status",
            ),
            # A view of one activity status ("Unread") reads its own entries, newest first.
            models.Index(
                fields=["account", "activity_status", "-updated_at", "-id"],
                name="ticket_acct_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_private(self) -> bool:
        return not self.is_public

    @property
    def is_closed(self) -> bool:
        """Closed is final: nothing changes it, nobody answers it (tickets.services)."""
        return self.status == self.Status.CLOSED

    @property
    def is_solved(self) -> bool:
        return self.status in self.SOLVED_OR_CLOSED

    @property
    def takes_help_center_replies(self) -> bool:
        """The help center treats a solved request as closed: its page says so and offers a
        new request instead of a reply form. Email replies still thread in until Closed."""
        return not self.is_solved

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()


class TicketCC(TenantModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="cc_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cc_links"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "ticket", "user"], name="ticket_cc_unique")
        ]
        indexes = [models.Index(fields=["account", "user"], name="ticketcc_acct_user")]


class Comment(TenantModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    # Plain text (searchable, used in emails); html_body is the sanitised rich version.
    body = models.TextField(_("comment"))
    html_body = models.TextField(blank=True)
    public = models.BooleanField(_("public reply"), default=True)
    # Rule: a public reply turned into an internal note can never be made public again.
    made_internal = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.WEB)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Issue 28: an end user's comment's sentiment (tickets.sentiment); "" for agents'.
    sentiment = models.CharField(max_length=8, blank=True, default="", db_default="")
    # The body's full-text vector, kept by PostgreSQL and GIN-indexed (comment_body_fts,
    # tickets/migrations/0004): the searches match and rank on it rather than parse each
    # comment again (tickets.search.matching_comments).
    body_vector = models.GeneratedField(
        expression=SimpleVector("body"), output_field=TsVectorField(), db_persist=True
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["account", "ticket", "created_at"], name="comment_acct_ticket")
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on ticket {self.ticket_id}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    # Unguessable storage key; the original name lives in the row, never in the path.
    return f"attachments/{instance.account_id}/{secrets.token_urlsafe(24)}"


class Attachment(TenantModel):
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    # For uploads made before their comment exists (API "uploads" tokens).
    token = models.CharField(max_length=48, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "comment"], name="attachment_acct_comment")]
        constraints = [
            models.UniqueConstraint(fields=["account", "token"], name="attachment_token_unique")
        ]

    def __str__(self) -> str:
        return self.filename


class TicketEvent(TenantModel):
    """One line of a ticket's Activity history: who changed what, when, through which
    channel. Comment events point at their comment, so an end user's view can leave out
    internal ones."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Ticket created")
        CHANGE = "change", _("Field changed")
        COMMENT = "comment", _("Comment added")
        MADE_PUBLIC = "made_public", _("Made public")
        MADE_PRIVATE = "made_private", _("Made private")
        FEEDBACK = "feedback", _("Satisfaction rated")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind)
    field = models.CharField(max_length=40, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.WEB)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The database transaction that wrote the row (the top-level one, savepoints
    # included): a service writes one change set, with the triggers' actions on it, in
    # one transaction, so the API's audits group rows by it. Null on rows older than it.
    transaction_id = models.BigIntegerField(
        null=True,
        editable=False,
        db_default=CurrentTransactionId(),
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["account", "ticket", "created_at"], name="event_acct_ticket"),
            # The incremental ticket-event export reads an account's events by time.
            models.Index(fields=["account", "created_at", "id"], name="event_acct_created"),
        ]


class RetentionPolicy(TenantModel):
    """How long an account keeps closed tickets and attachments (empty: for ever), and
    what the last dry run and the last run found (tickets/services/retention.py)."""

    closed_ticket_months = models.PositiveSmallIntegerField(
        _("delete closed tickets after (months)"), null=True, blank=True
    )
    attachment_months = models.PositiveSmallIntegerField(
        _("delete attachments after (months)"), null=True, blank=True
    )
    # A change of the months above waits for a dry run before anything is deleted.
    changed_at = models.DateTimeField(default=timezone.now)
    dry_run_at = models.DateTimeField(null=True, blank=True)
    dry_run_tickets = models.PositiveIntegerField(default=0)
    dry_run_attachments = models.PositiveIntegerField(default=0)
    # Rows of the apps that keep their data by this policy (tickets.events.
    # retention_expiring; live chat's ended chats, its one receiver): RetentionReport.others.
    dry_run_others = models.PositiveIntegerField(default=0)
    run_at = models.DateTimeField(null=True, blank=True)
    run_tickets = models.PositiveIntegerField(default=0)
    run_attachments = models.PositiveIntegerField(default=0)
    run_others = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account"], name="retention_policy_one_per_account")
        ]

    def __str__(self) -> str:
        return f"Retention of account {self.account_id}"

    @property
    def keeps_everything(self) -> bool:
        return self.closed_ticket_months is None and self.attachment_months is None

    @property
    def dry_run_is_current(self) -> bool:
        """A dry run has reported on the present settings."""
        return self.dry_run_at is not None and self.dry_run_at >= self.changed_at


class DeletedTicket(TenantModel):
    """What is left of a deleted ticket: enough for the incremental export to report it
    (Zendesk lists a deleted ticket once more, with status "deleted"), so a sync tool
    removes its copy. ``id`` is the deleted ticket's own primary key, never reused, so the
    export's (updated_at, id) order runs through tickets and deletions alike."""

    id = models.BigIntegerField(primary_key=True)
    number = models.PositiveBigIntegerField()
    subject = models.CharField(max_length=255)
    requester_number = models.PositiveBigIntegerField(null=True)
    created_at = models.DateTimeField()
    # When it was deleted: its place in the export.
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["account", "updated_at", "id"], name="deletedticket_acct_upd")
        ]

    def __str__(self) -> str:
        return f"Deleted ticket #{self.number}"
