"""Business-hours schedules: per account, one or more, exactly one of them the default."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import TIME_ZONE_CHOICES, NumberedTenantModel
from accounts.tenancy import TenantModel


class Schedule(NumberedTenantModel):
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES)
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("schedule")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="schedule_name_unique"),
            models.UniqueConstraint(fields=["account", "number"], name="schedule_number_unique"),
            # At most one default per account; the services keep it exactly one.
            models.UniqueConstraint(
                fields=["account"], condition=Q(is_default=True), name="schedule_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScheduleInterval(TenantModel):
    """Open on ``weekday`` (0 = Monday) from ``start`` to ``end`` minutes after midnight."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="intervals")
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])
    start = models.PositiveSmallIntegerField(_("opens"))
    end = models.PositiveSmallIntegerField(_("closes"), validators=[MaxValueValidator(24 * 60)])

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end"), end__lte=24 * 60, weekday__lte=6),
                name="schedule_interval_valid",
            ),
        ]


class Holiday(NumberedTenantModel):
    """Closed all day from ``first`` to ``last`` (the schedule's local dates, both included)."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(_("name"), max_length=200)
    first = models.DateField(_("from"))
    last = models.DateField(_("until"))

    class Meta:
        verbose_name = _("holiday")
        ordering = ["first", "name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="holiday_number_unique"),
            models.CheckConstraint(condition=Q(first__lte=F("last")), name="holiday_range_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(NumberedTenantModel):
    """An SLA policy: the first active one (by position) whose conditions a ticket meets
    applies to it. ``conditions`` are a view's, in their stored form
    (tickets.conditions.clean_conditions); ``metrics`` Zendesk's ``policy_metrics``:
    ``[{"priority", "metric", "target" (minutes), "business_hours"}]``, business hours
    being those of ``schedule`` (the account's default schedule when empty)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    conditions = models.JSONField(default=dict)
    metrics = models.JSONField(default=list)
    schedule = models.ForeignKey(
        Schedule,
        verbose_name=_("schedule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SLA policy")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="slapolicy_number_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class TicketSla(TenantModel):
    """A ticket's SLA summary: the policy applying and the earliest breach time of its
    running targets, the column the lists sort on and the "breached" condition reads."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="sla"
    )
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    next_breach_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # "Breached" and "breaches within N hours": a range of this index; the
            # tickets without a running target are not in it at all.
            models.Index(
                fields=["account", "next_breach_at"],
                name="ticketsla_next_breach",
                condition=Q(next_breach_at__isnull=False),
            ),
        ]


class SlaTarget(TenantModel):
    """One metric of one ticket: its clock (servicelevels.clocks.Clock, kept up to date
    event by event) and, while a policy applies, its target and breach time."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_targets"
    )
    metric = models.CharField(max_length=32)
    stage = models.CharField(max_length=10, blank=True)
    running_since = models.DateTimeField(null=True, blank=True)
    spans = models.JSONField(default=list)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_minutes = models.PositiveIntegerField(null=True, blank=True)
    business_hours = models.BooleanField(default=False)
    breach_at = models.DateTimeField(null=True, blank=True)
    # The alert the scheduled pass last recorded for this breach time ("", "warning",
    # "breached": servicelevels.alerts); back to "" when the breach time moves.
    alerted = models.CharField(max_length=10, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "ticket", "metric"], name="slatarget_one_per_metric"
            ),
        ]
        indexes = [
            # The alerts' pass: a range of running targets due within the warning lead,
            # those already announced as breached out of the index.
            models.Index(
                fields=["account", "breach_at"],
                name="slatarget_alert_due",
                condition=Q(stage="active", breach_at__isnull=False) & ~Q(alerted="breached"),
            ),
            # The reports' SLA achievement (reports/sla.py): the targets settled in a
            # range, achieved by when they were fulfilled, breached by their breach time;
            # each read from its index alone (metric and the other time included).
            models.Index(
                fields=["account", "fulfilled_at"],
                name="slatarget_fulfilled",
                include=["metric", "breach_at", "ticket"],
                condition=Q(target_minutes__isnull=False, fulfilled_at__isnull=False),
            ),
            models.Index(
                fields=["account", "breach_at"],
                name="slatarget_breach",
                include=["metric", "fulfilled_at", "ticket"],
                condition=Q(target_minutes__isnull=False, breach_at__isnull=False),
            ),
        ]


# What the pages call each metric (servicelevels.clocks.METRICS, Zendesk's names).
METRIC_LABELS = {
    "first_reply_time": _("First reply time"),
    "next_reply_time": _("Next reply time"),
    "periodic_update_time": _("Periodic update"),
    "requester_wait_time": _("Requester wait time"),
    "agent_work_time": _("Agent work time"),
    "resolution_time": _("Full resolution time"),
}
