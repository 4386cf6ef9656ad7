"""Macros: canned answers and field changes an agent applies to a ticket.

A macro is shared (``owner`` empty: admins manage it, optionally restricted to groups)
or personal (``owner`` set: that agent's alone). Its ``actions`` are JSON in Zendesk's
vocabulary (``{"field": "status", "value": "pending"}``), validated by
``macros.actions.actions_clean`` before any save, so applying one never meets a shape
it does not know.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AgentGroup, NumberedTenantModel, User
from accounts.tenancy import TenantModel
from tickets.models import Ticket

CATEGORY_SEPARATOR = "::"


class Macro(NumberedTenantModel):
    title = models.CharField(_("title"), max_length=255)
    description = models.CharField(_("description"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    owner = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_macros",
        verbose_name=_("owner"),
    )
    groups = models.ManyToManyField(
        AgentGroup, through="MacroGroup", related_name="macros", verbose_name=_("groups")
    )
    actions = models.JSONField(_("actions"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("macro")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="macro_number_unique"),
        ]
        indexes = [models.Index(fields=["account", "active", "position"], name="macro_order")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def path(self) -> list[str]:
        """The title's categories and name: ``Billing::Refund sent`` → two parts."""
        parts = [p.strip() for p in self.title.split(CATEGORY_SEPARATOR)]
        return [p for p in parts if p] or [self.title]


class MacroGroup(TenantModel):
    """A shared macro offered only to these groups' members (none: to every agent)."""

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="group_links")
    group = models.ForeignKey(AgentGroup, on_delete=models.CASCADE, related_name="macro_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "macro", "group"], name="macro_group_unique")
        ]


def macro_file_upload_to(instance: MacroAttachment, filename: str) -> str:
    # Unguessable storage key, as ticket attachments have; the name lives in the row.
    return f"macros/{instance.account_id}/{secrets.token_urlsafe(24)}"


class MacroAttachment(TenantModel):
    """A stored file the macro attaches to its comment (a copy per application)."""

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=macro_file_upload_to, max_length=200)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class MacroApplication(TenantModel):
    """One use of a macro (a submitted ticket page, a bulk update, the API): the admin
    list counts them over the last 7 and 30 days, so stale macros can be retired."""

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, related_name="+")
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["account", "macro", "applied_at"], name="macro_usage"),
        ]
