"""Who sees which numbers of the reports.

Policy: admins see the whole account; an agent sees the numbers of the tickets assigned
to them and of the tickets of their groups, and may filter by those groups and by the
agents who share one with them; end users never reach the reports (404, as any agent
page). Another account's groups and agents are unknown: a filter naming one is refused
as a bad choice, never answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts.access import require_agent
from accounts.models import AgentGroup, GroupMembership, Organization, User
from accounts.roles import permissions_of


@dataclass(frozen=True)
class ReportScope:
    everything: bool
    agent_pk: int
    group_pks: frozenset[int]

    def ticket_filter(self, prefix: str = "") -> Q:
        """The tickets in scope (``prefix``: the path to a ticket, e.g. "ticket__")."""
        if self.everything:
            return Q()
        return Q(**{f"{prefix}assignee_id": self.agent_pk}) | Q(
            **{f"{prefix}group_id__in": sorted(self.group_pks)}
        )

    def rollup_filter(self, prefix: str = "") -> Q:
        """The rollup rows (or, with a prefix, the rows about a ticket) in scope."""
        if self.everything:
            return Q()
        return Q(**{f"{prefix}agent_pk": self.agent_pk}) | Q(
            **{f"{prefix}group_pk__in": sorted(self.group_pks)}
        )


def may_see_reports(viewer: User) -> bool:
    """An agent whose role (accounts.roles) does not withhold the reports."""
    return viewer.is_authenticated and viewer.is_agent and permissions_of(viewer).see_reports


def report_scope(*, viewer: User) -> ReportScope:
    """404 for end users, 403 for an agent whose role withholds the reports; the admin's
    whole account, or the agent's own and groups'."""
    require_agent(viewer)
    if not may_see_reports(viewer):
        raise PermissionDenied
    if viewer.is_admin:
        return ReportScope(everything=True, agent_pk=viewer.pk, group_pks=frozenset())
    groups = GroupMembership.objects.for_account(viewer.account).filter(user=viewer)
    return ReportScope(
        everything=False,
        agent_pk=viewer.pk,
        group_pks=frozenset(groups.values_list("group_id", flat=True)),
    )


def groups_in_scope(*, viewer: User, scope: ReportScope) -> list[AgentGroup]:
    qs = AgentGroup.objects.for_account(viewer.account).order_by("name", "number")
    return list(qs if scope.everything else qs.filter(pk__in=scope.group_pks))


def agents_in_scope(*, viewer: User, scope: ReportScope) -> list[User]:
    qs = User.objects.for_account(viewer.account).filter(
        role__in=[User.Role.AGENT, User.Role.ADMIN]
    )
    if not scope.everything:
        qs = qs.filter(
            Q(pk=viewer.pk) | Q(group_memberships__group_id__in=sorted(scope.group_pks))
        ).distinct()
    return list(qs.order_by("name", "number").only("pk", "number", "name"))


def organizations_to_filter(*, viewer: User) -> list[Organization]:
    """The organizations a report may be narrowed to: the account's (an agent's numbers
    stay those of their scope whichever organization is chosen)."""
    qs = Organization.objects.for_account(viewer.account).only("pk", "number", "name")
    return list(qs.order_by("name", "number"))
