"""Close reasons (an admin's list) and the explanation of a ticket's closing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NumberedTenantModel
from accounts.tenancy import TenantModel


class CloseReason(NumberedTenantModel):
    title = models.CharField(_("reason"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("close reason")
        ordering = ["position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="close_reason_number_unique")
        ]

    def __str__(self) -> str:
        return self.title


class TicketClosure(TenantModel):
    """Why a ticket was closed (Explain & Close): the reason, the root cause (the value of
    the root-cause field's option, also set on the ticket's field) and the explanation
    (the final public reply). Columns, not JSON: the report groups by them, by index."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="closure"
    )
    reason = models.ForeignKey(
        CloseReason, on_delete=models.PROTECT, related_name="closures", verbose_name=_("reason")
    )
    root_cause = models.CharField(_("root cause"), max_length=100)
    comment = models.ForeignKey(
        "tickets.Comment", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["account", "reason", "closed_at"], name="closure_acct_reason"),
            models.Index(fields=["account", "root_cause", "closed_at"], name="closure_acct_cause"),
        ]

    def __str__(self) -> str:
        return f"Closure of ticket {self.ticket_id}"
