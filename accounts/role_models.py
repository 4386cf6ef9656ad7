"""Custom agent roles (issue 21): a permission set admins give agents.

Admin is ``User.role == admin`` and the plain Agent is an agent without a role row (all
tickets, every permission an agent has had so far): neither is a row, so an account's
ordinary agents cost no query to check. Each account starts with three built-in rows
(accounts.roles.roles_install_defaults): Light agent, Group agent and Front line.

Registered with the app's models from the bottom of accounts/models.py."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel


class AgentRole(TenantModel):
    """Numbered per account like a NumberedTenantModel, by the services (accounts.roles,
    through accounts.models.number_rows): this module cannot import accounts.models,
    which registers it."""

    class TicketAccess(models.TextChoices):
        ALL = "all", _("All tickets")
        GROUPS = "groups", _("Tickets in their groups")
        ASSIGNED = "assigned", _("Tickets assigned to them")

    class Builtin(models.TextChoices):
        LIGHT_AGENT = "light_agent", _("Light agent")
        GROUP_AGENT = "group_agent", _("Group agent")
        FRONT_LINE = "front_line", _("Front line")

    number = models.PositiveBigIntegerField(_("number"), editable=False)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # Empty for the admins' own roles; a built-in one's key otherwise (not deletable).
    builtin = models.CharField(max_length=20, choices=Builtin, blank=True, editable=False)
    ticket_access = models.CharField(
        _("ticket access"), max_length=10, choices=TicketAccess, default=TicketAccess.ALL
    )
    # False: a light agent — internal notes only, and never assigned a ticket.
    public_replies = models.BooleanField(_("can make public replies"), default=True)
    solve = models.BooleanField(_("can solve and close tickets"), default=True)
    edit_tickets = models.BooleanField(_("can edit ticket properties"), default=True)
    delete_tickets = models.BooleanField(_("can delete tickets"), default=True)
    merge_tickets = models.BooleanField(_("can merge tickets"), default=True)
    make_private = models.BooleanField(_("can make tickets private"), default=True)
    manage_macros = models.BooleanField(_("can manage their own macros"), default=True)
    manage_views = models.BooleanField(_("can manage their own views"), default=True)
    see_reports = models.BooleanField(_("can see reports"), default=True)
    manage_end_users = models.BooleanField(_("can add and edit end users"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="agentrole_number"),
            models.UniqueConstraint(fields=["account", "name"], name="agentrole_name"),
        ]

    def __str__(self) -> str:
        return self.name
