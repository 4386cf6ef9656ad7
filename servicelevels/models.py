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
