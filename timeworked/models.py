"""Time worked (seed 002: "tracciare il tempo lavorato"): agents log the time they spent on
a ticket, typed as a duration or measured by a timer on the ticket page. The ticket keeps
the total (Ticket.time_worked, seconds) so lists, views and the API read a column."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel


class TimeEntry(TenantModel):
    """One stretch of work by one agent on one ticket (agents only, never the requester)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    seconds = models.PositiveIntegerField(_("time worked"))
    # The comment the time was logged with (the reply box's "Time spent"), when it was.
    comment = models.ForeignKey(
        "tickets.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("time entry")
        indexes = [
            models.Index(fields=["account", "ticket"], name="timeentry_acct_ticket"),
            models.Index(fields=["account", "created_at"], name="timeentry_acct_created"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.seconds}s"


class TimeTimer(TenantModel):
    """An agent's running timer on a ticket: its start is kept here, so it survives a
    reload (and another tab); stopping it logs a TimeEntry."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("timer")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "ticket", "agent"], name="timetimer_one_per_agent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.agent_id}"


class TimeSettings(TenantModel):
    """The account's time-worked settings (one row per account, made on first save)."""

    require_on_update = models.BooleanField(_("require time spent on every update"), default=False)

    class Meta:
        verbose_name = _("time worked settings")
        constraints = [models.UniqueConstraint(fields=["account"], name="timesettings_one")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.require_on_update}"
