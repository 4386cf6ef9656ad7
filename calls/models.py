"""Calls and meetings (seeds 000 and 004): a ticket of channel phone or meeting can carry
its scheduled call: when, the meeting's link and whether it was held. One row per ticket,
made when an agent first schedules or logs the call."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel


class TicketCall(TenantModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        MISSED = "missed", _("Missed")

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    scheduled_at = models.DateTimeField(_("scheduled time"), null=True, blank=True)
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    status = models.CharField(
        _("call status"), max_length=10, choices=Status, default=Status.SCHEDULED
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("call")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.status}"
