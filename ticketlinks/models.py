"""Links between two tickets of an account: related, duplicate of, incident of a problem,
merged into, split from. One row per link, read from both ends (links_for_ticket)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel


class TicketLink(TenantModel):
    """``ticket`` → ``other``, read as "ticket <kind> other": #5 duplicate of #3, #7
    incident of problem #2, #9 merged into #4, #11 split from #4. Related is symmetric and
    stored once."""

    class Kind(models.TextChoices):
        RELATED = "related", _("Related")
        DUPLICATE = "duplicate", _("Duplicate of")
        INCIDENT = "incident", _("Incident of problem")
        MERGED = "merged", _("Merged into")
        SPLIT = "split", _("Split from")

    # Kinds an agent adds and removes by hand; merged and split are written by their
    # services and stay as the record of what happened.
    MANUAL = (Kind.RELATED, Kind.DUPLICATE, Kind.INCIDENT)

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="links_out")
    other = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("link"), max_length=10, choices=Kind)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "ticket", "other", "kind"], name="ticketlink_unique"
            ),
            # An incident has one problem (Zendesk's problem_id); a ticket merges once.
            models.UniqueConstraint(
                fields=["account", "ticket"],
                condition=models.Q(kind__in=["incident", "merged"]),
                name="ticketlink_one_problem_or_merge",
            ),
            models.CheckConstraint(
                condition=~models.Q(ticket=models.F("other")), name="ticketlink_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "ticket", "kind"], name="ticketlink_acct_ticket"),
            models.Index(fields=["account", "other", "kind"], name="ticketlink_acct_other"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.other_id}"
