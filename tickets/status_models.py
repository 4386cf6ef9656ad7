"""Custom ticket statuses (issue 19): named statuses inside the fixed status categories.

A ticket's ``status`` stays its category (new, open, pending, hold, solved, closed), and
every rule keeps reading it (what end users see, "unsolved", triggers, SLAs); its
``custom_status`` is the name agents and end users read. Each category has one default
custom status, the built-in one, which can be renamed but never removed. Closed has no
custom statuses of its own: a closed ticket keeps the solved one it had, as in Zendesk.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel


class StatusCategory(models.TextChoices):
    """The categories, in the order a ticket moves through them (the ticket's status
    values, Closed excepted)."""

    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    HOLD = "hold", _("On-hold")
    SOLVED = "solved", _("Solved")


CATEGORY_ORDER = {value: index for index, value in enumerate(StatusCategory.values)}

# The built-in statuses' labels, stored in English and shown in the reader's language
# while nobody has renamed them (CustomStatus.agent_name / end_user_name). The end
# users' labels are the help center's three words (portal.selectors.STATUS_LABELS).
BUILT_IN_END_USER_LABELS: dict[str, tuple[str, Promise]] = {
    StatusCategory.NEW: ("Open", _("Open")),
    StatusCategory.OPEN: ("Open", _("Open")),
    StatusCategory.PENDING: ("Awaiting your reply", _("Awaiting your reply")),
    StatusCategory.HOLD: ("Open", _("Open")),
    StatusCategory.SOLVED: ("Solved", _("Solved")),
}
BUILT_IN_AGENT_LABELS: dict[str, str] = {
    StatusCategory.NEW: "New",
    StatusCategory.OPEN: "Open",
    StatusCategory.PENDING: "Pending",
    StatusCategory.HOLD: "On-hold",
    StatusCategory.SOLVED: "Solved",
}


def category_of(status: str) -> str:
    """The custom-status category of a ticket status: Closed keeps Solved's."""
    return StatusCategory.SOLVED if status == "closed" else status


class CustomStatus(NumberedTenantModel):
    category = models.CharField(_("category"), max_length=10, choices=StatusCategory)
    agent_label = models.CharField(_("label for agents"), max_length=48)
    end_user_label = models.CharField(_("label for end users"), max_length=48)
    description = models.CharField(_("description"), max_length=500, blank=True)
    end_user_description = models.CharField(
        _("description for end users"), max_length=500, blank=True
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # The category's built-in status: what choosing the category alone picks.
    is_default = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("custom status")
        verbose_name_plural = _("custom statuses")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"], name="custom_status_number_unique"
            ),
            models.UniqueConstraint(
                fields=["account", "category"],
                condition=models.Q(is_default=True),
                name="custom_status_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.agent_label

    @property
    def name(self) -> str:
        """What the Activity history records (tickets.services.common.event_value): the
        label as stored, shown translated there for a built-in one."""
        return self.agent_label

    @property
    def agent_name(self) -> str:
        if self.is_default and self.agent_label == BUILT_IN_AGENT_LABELS.get(self.category):
            return str(StatusCategory(self.category).label)
        return self.agent_label

    @property
    def end_user_name(self) -> str:
        english, translated = BUILT_IN_END_USER_LABELS.get(self.category, (None, None))
        if self.is_default and self.end_user_label == english:
            return str(translated)
        return self.end_user_label
