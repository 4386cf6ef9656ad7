"""Escalations (seed 004): an agent hands a ticket to a group (Engineering…) with an
internal description; the requester follows its stage on the request page.

The stages are the account's ordered list; the last one is the resolution: an escalation
that reaches it is resolved. The ticket keeps whether it has an open or resolved
escalation in ``Ticket.escalation`` (views, conditions, the lists and My activities read
that column, never this app's tables).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel
from accounts.tenancy import TenantModel

# The default stages, in order (seed 004's timeline). Stored in English and shown in the
# reader's language while an admin has not renamed them (EscalationStage.label).
DEFAULT_STAGES: dict[str, Promise] = {
    "submitted": _("Submitted"),
    "evaluation": _("In evaluation"),
    "engineering": _("Engineering"),
    "verify": _("Verify resolution"),
    "resolved": _("Resolved"),
}
DEFAULT_STAGE_NAMES = {
    "submitted": "Submitted",
    "evaluation": "In evaluation",
    "engineering": "Engineering",
    "verify": "Verify resolution",
    "resolved": "Resolved",
}


class EscalationStage(NumberedTenantModel):
    name = models.CharField(_("name"), max_length=100)
    # Set on the defaults: while the name is the default's, it reads translated.
    key = models.CharField(max_length=20, blank=True, default="", editable=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("escalation stage")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"], name="escalation_stage_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str | Promise:
        if self.key and DEFAULT_STAGE_NAMES.get(self.key) == self.name:
            return DEFAULT_STAGES[self.key]
        return self.name


class Escalation(NumberedTenantModel):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "accounts.AgentGroup", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Internal: agents only, never shown to the requester (seed 004 shows the agents'
    # problem description; we keep it for the team, the requester sees the timeline).
    description = models.TextField(_("description"))
    stage = models.ForeignKey(EscalationStage, on_delete=models.PROTECT, related_name="+")
    estimated_resolution = models.DateField(_("estimated resolution"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("escalation")
        ordering = ["-created_at", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="escalation_number_unique"),
            # One open escalation per ticket: the request page shows one timeline.
            models.UniqueConstraint(
                fields=["account", "ticket"],
                condition=models.Q(resolved_at__isnull=True),
                name="escalation_one_open_per_ticket",
            ),
        ]
        indexes = [models.Index(fields=["account", "ticket"], name="escalation_acct_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.number}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class EscalationEvent(TenantModel):
    """The escalation's history: who moved it to which stage, when."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="events")
    stage = models.ForeignKey(EscalationStage, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["account", "escalation"], name="escalation_event_acct")]

    def __str__(self) -> str:
        return f"{self.escalation_id} → {self.stage_id}"
