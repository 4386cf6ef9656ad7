"""Reads for links and merges: a ticket's links from both ends, who among end users can
see a ticket (its audience, the measure of the merge's "nobody sees more" rule), and what
a merge would warn about before it is made."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import Account, User
from accounts.roles import ALL, permissions_of
from ticketlinks.models import TicketLink
from tickets.models import Ticket, TicketCC
from tickets.selectors import tickets_visible_to


@dataclass(frozen=True)
class ShownLink:
    """One link as a ticket's page shows it: the label seen from this end, the other
    ticket, and whether an agent may remove it here."""

    kind: str
    outgoing: bool
    other: Ticket
    removable: bool

    @property
    def label_key(self) -> str:
        # "duplicate" seen from the original is "has duplicate", and so on.
        return self.kind if self.outgoing else f"{self.kind}_in"


_LINK_FIELDS = (
    "account",
    "kind",
    "ticket",
    "other",
    *(f"{end}__{name}" for end in ("ticket", "other") for name in ("number", "subject", "status")),
)


def links_for_ticket(
    *, account: Account, ticket: Ticket, viewer: User | None = None
) -> list[ShownLink]:
    """Every link of the ticket, from both ends, with the other tickets: one query
    (``account`` is the request's, in hand: the ticket's would be read again). For a
    ``viewer`` whose role sees only some tickets (a group-only agent), only the links to
    tickets they may open (one more query)."""
    rows = (
        TicketLink.objects.for_account(account)
        .filter(Q(ticket=ticket) | Q(other=ticket))
        .select_related("ticket", "other")
        # What the panel shows of the other ticket (number, subject, status): two full
        # tickets per link were most of the query's compiling on every ticket page.
        .only(*_LINK_FIELDS)
        .order_by("kind", "created_at", "id")
    )
    shown = []
    for link in rows:
        outgoing = link.ticket_id == ticket.pk
        shown.append(
            ShownLink(
                kind=link.kind,
                outgoing=outgoing,
                other=link.other if outgoing else link.ticket,
                removable=link.kind in TicketLink.MANUAL,
            )
        )
    if viewer is not None and shown and permissions_of(viewer).ticket_access != ALL:
        visible = set(
            tickets_visible_to(viewer=viewer)
            .filter(pk__in=[s.other.pk for s in shown])
            .values_list("pk", flat=True)
        )
        shown = [s for s in shown if s.other.pk in visible]
    return shown


def problem_of(*, ticket: Ticket) -> Ticket | None:
    link = (
        TicketLink.objects.for_account(ticket.account)
        .filter(ticket=ticket, kind=TicketLink.Kind.INCIDENT)
        .select_related("other")
        .first()
    )
    return link.other if link else None


def incidents_of(*, problem: Ticket, unsolved_only: bool = False) -> list[Ticket]:
    qs = Ticket.objects.for_account(problem.account).filter(
        links_out__other=problem, links_out__kind=TicketLink.Kind.INCIDENT
    )
    if unsolved_only:
        qs = qs.filter(status__in=Ticket.UNSOLVED)
    return list(qs.select_related("requester", "account").order_by("number"))


def end_user_audience(tickets: Iterable[Ticket]) -> dict[int, set[int]]:
    """For each ticket, the end users who can see it now (tickets.selectors'
    tickets_visible_to, read the other way round): nobody for a private ticket; else its
    requester, its CCs and the managers of its organization. Three queries in all."""
    tickets = list(tickets)
    if not tickets:
        return {}
    account = tickets[0].account
    audience: dict[int, set[int]] = {t.pk: set() for t in tickets}
    public = [t for t in tickets if t.is_public]
    ccs = TicketCC.objects.for_account(account).filter(
        ticket__in=public, user__role=User.Role.END_USER
    )
    for ticket_id, user_id in ccs.values_list("ticket_id", "user_id"):
        audience[ticket_id].add(user_id)
    orgs = {t.organization_id for t in public if t.organization_id}
    managers: dict[int, set[int]] = {}
    if orgs:
        rows = (
            User.objects.for_account(account)
            .filter(organization_id__in=orgs, is_org_manager=True, role=User.Role.END_USER)
            .values_list("organization_id", "pk")
        )
        for org_id, user_id in rows:
            managers.setdefault(org_id, set()).add(user_id)
    for t in public:
        audience[t.pk].add(t.requester_id)
        audience[t.pk] |= managers.get(t.organization_id or 0, set())
    return audience


@dataclass
class MergeCheck:
    """What the merge page tells the agent before the merge: the people of the sources
    who cannot see the target now (the question "add them as CCs?", default no), and the
    warnings (several organizations; comments that will be copied as internal notes)."""

    newcomers: list[User] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    private_involved: bool = False

    @property
    def several_organizations(self) -> bool:
        return len(self.organizations) > 1


def merge_check(*, target: Ticket, sources: Sequence[Ticket]) -> MergeCheck:
    audience = end_user_audience([target])[target.pk]
    seen: set[int] = set(audience) | {target.requester_id}
    people: list[int] = []
    for source in sources:
        for pk in [source.requester_id, *source.cc_links.values_list("user_id", flat=True)]:
            if pk not in seen:
                seen.add(pk)
                people.append(pk)
    by_pk = User.objects.for_account(target.account).in_bulk(people)
    newcomers = [by_pk[pk] for pk in people if pk in by_pk and by_pk[pk].is_end_user]
    orgs = []
    for t in [target, *sources]:
        name = t.organization.name if t.organization_id and t.organization else ""
        if name and name not in orgs:
            orgs.append(name)
    no_org = any(not t.organization_id for t in [target, *sources])
    if orgs and no_org:
        orgs.append("")  # one side without an organization is a difference too
    return MergeCheck(
        newcomers=newcomers,
        organizations=orgs,
        private_involved=any(t.is_private for t in [target, *sources]),
    )
