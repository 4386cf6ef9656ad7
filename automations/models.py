"""Time-based automations (issue 20): an account's rules run on a schedule over its
tickets, rather than on each change as triggers do."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel


class Automation(NumberedTenantModel):
    """A rule the scheduled pass applies to every ticket meeting its conditions.

    ``conditions`` are the views' (tickets.conditions, stored form: Zendesk's
    ``{"all": [...], "any": [...]}`` with the account's objects by key), so the pass is
    one indexed query per automation; ``actions`` are the triggers' (notifications.
    triggers). ``automations.rules.automation_clean`` validates both before any save,
    and refuses an automation that would fire on the same ticket at every pass."""

    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    # Which built-in default this came from ("" for one an admin created).
    default_key = models.CharField(max_length=60, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    # The last pass over it: when, and on how many tickets it fired (the list shows it).
    last_run_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_run_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("automation")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="automation_name_unique"),
            models.UniqueConstraint(fields=["account", "number"], name="automation_number_unique"),
        ]
        indexes = [models.Index(fields=["account", "active", "position"], name="automation_order")]

    def __str__(self) -> str:
        return self.name
