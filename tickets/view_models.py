"""Views (issue 18): an account's saved ticket lists, shared or personal, and the groups a
shared one is shown to. Registered with the tickets app through tickets/models.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import NumberedTenantModel
from accounts.tenancy import TenantModel

# The built-in views' titles: stored in English, shown in the reader's language while
# nobody has renamed the view.
DEFAULT_VIEW_TITLES = {
    "mine": ("Your unsolved tickets", _("Your unsolved tickets")),
    "unassigned": ("Unassigned tickets", _("Unassigned tickets")),
    "unsolved": ("All unsolved tickets", _("All unsolved tickets")),
    "recent": ("Recently updated", _("Recently updated")),
    # A list of tickets: plural where Italian and Spanish say so ("Risolti", "Resueltos").
    "pending": ("Pending", pgettext_lazy("ticket view", "Pending")),
    "solved": ("Solved", pgettext_lazy("ticket view", "Solved")),
    "private": ("Private tickets", _("Private tickets")),
    "snoozed": ("Snoozed", pgettext_lazy("ticket view", "Snoozed")),
}


class View(NumberedTenantModel):
    """A saved list of tickets (Zendesk's view): conditions, columns and a sort.

    Shared views are the admins' (for everyone, or for chosen groups); a personal view
    is its owner's alone. The conditions are kept as Zendesk writes them ({"all": [...],
    "any": [...]}, each {"field", "operator", "value"}), with the account's objects named
    by primary key; tickets.conditions validates them and compiles them to a query, and
    translates the keys to per-account numbers for the API and the forms."""

    class Visibility(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        GROUPS = "groups", _("Chosen groups")
        PERSONAL = "personal", _("Only me")

    class SortOrder(models.TextChoices):
        ASC = "asc", _("Ascending")
        DESC = "desc", _("Descending")

    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    visibility = models.CharField(
        _("available to"), max_length=10, choices=Visibility, default=Visibility.EVERYONE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_views",
    )
    conditions = models.JSONField(default=dict)
    columns = models.JSONField(default=list)
    sort_by = models.CharField(_("sort by"), max_length=20, default="updated")
    sort_order = models.CharField(
        _("sort order"), max_length=4, choices=SortOrder, default=SortOrder.DESC
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # The built-in list a default view started as ("unsolved"…): its old URL
    # (/agent/views/unsolved/) leads here. Empty for views people made.
    key = models.SlugField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("view")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="view_number_unique"),
        ]
        indexes = [models.Index(fields=["account", "position"], name="view_acct_position")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_personal(self) -> bool:
        return self.visibility == self.Visibility.PERSONAL

    @property
    def display_title(self) -> str:
        english, translated = DEFAULT_VIEW_TITLES.get(self.key, (None, None))
        return str(translated) if self.title == english else self.title


class ViewGroup(TenantModel):
    """A group whose agents see a shared view restricted to chosen groups."""

    view = models.ForeignKey(View, on_delete=models.CASCADE, related_name="group_links")
    group = models.ForeignKey(
        "accounts.AgentGroup", on_delete=models.CASCADE, related_name="view_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "view", "group"], name="view_group_unique")
        ]
