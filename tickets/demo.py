"""Demo tickets for ``manage.py seed_demo``: a helpdesk in mid-week, built through the
same services as real tickets (public and private, replies, internal notes, groups,
tags, CCs), then spread over the last days so the lists read like a real queue.

Idempotent: an account that already has tickets is left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, AgentGroup, User
from accounts.services import group_add_agent, group_create
from customfields.defaults import fields_install_defaults
from customfields.models import TicketField
from tickets.models import Channel, Comment, CustomStatus, Ticket, TicketEvent
from tickets.services import comment_add, ticket_create, ticket_update
from tickets.services.status_rules import custom_statuses_install_defaults

# Who writes a comment: an email of the demo people, or "requester".
REQUESTER = "requester"


@dataclass
class DemoComment:
    author: str
    body: str
    public: bool = True
    channel: str = Channel.WEB
    status: str | None = None


@dataclass
class DemoTicket:
    subject: str
    requester: str
    description: str
    hours_ago: int
    submitter: str = REQUESTER
    channel: str = Channel.PORTAL
    public: bool = True
    status: str = Ticket.Status.NEW
    type: str = ""
    priority: str = ""
    group: str = ""
    assignee: str = ""
    tags: str = ""
    due_in_days: int | None = None
    ccs: tuple[str, ...] = ()
    comments: list[DemoComment] = field(default_factory=list)
    custom_status: str = ""  # an added status's agent label (seed 004's stages)
    # The seeds' fields (customfields.defaults), by position: Root cause, Impact, Product
    # family; option values.
    fields: tuple[str, ...] = ()


ALEX, BEA, DANA = "agent@demo.example", "agent2@demo.example", "admin@demo.example"
MARIO, UMA, GIULIA = "manager@rossi.example", "user@demo.example", "giulia@rossi.example"
SAM, LENA = "sam@bluesky.example", "lena@bluesky.example"

GROUPS = {"Support": [ALEX, BEA], "Billing": [BEA, DANA]}

TICKETS = [
    DemoTicket(
        subject="Can't sign in to the booking portal",
        requester=SAM,
        description="Since this morning the booking portal says my password is wrong, "
        "but I haven't changed it. I need to issue tickets for a group today.",
        hours_ago=50,
        channel=Channel.EMAIL,
        type=Ticket.Type.INCIDENT,
        priority=Ticket.Priority.HIGH,
        group="Support",
        assignee=ALEX,
        tags="login portal",
        ccs=(LENA,),
        comments=[
            DemoComment(
                ALEX,
                "Hi Sam, I've reset the lockout on your account. Could you try again and "
                "let me know if it works?",
                status=Ticket.Status.PENDING,
            ),
            DemoComment(REQUESTER, "Still the same error, I'm afraid.", channel=Channel.EMAIL),
            DemoComment(
                ALEX,
                "Lockouts come from the old SSO connector; @Bea can you check the sync log?",
                public=False,
            ),
        ],
    ),
    DemoTicket(
        subject="Invoice 2024-118 charged twice",
        requester=MARIO,
        description="Our card was charged twice for invoice 2024-118. Please refund one.",
        hours_ago=30,
        type=Ticket.Type.PROBLEM,
        priority=Ticket.Priority.URGENT,
        fields=("third_party", "medium", "services"),
        group="Billing",
        assignee=BEA,
        tags="billing refund",
        due_in_days=1,
        comments=[
            DemoComment(BEA, "Payment provider confirms the duplicate; refund queued.", False),
            DemoComment(
                BEA,
                "Dear Mario, you're right: the second charge is a duplicate. The refund is "
                "on its way and should reach your card within 5 working days.",
                status=Ticket.Status.SOLVED,
            ),
            DemoComment(REQUESTER, "Thank you for the quick answer!"),
        ],
    ),
    DemoTicket(
        subject="Call log: renewal of the Rossi & Figli contract",
        requester=MARIO,
        submitter=DANA,
        channel=Channel.PHONE,
        public=False,
        description="Phone call with Mario. They want two more seats from next month and "
        "ask for a discount on the yearly plan. Prepare an offer before we reply.",
        hours_ago=20,
        status=Ticket.Status.OPEN,
        type=Ticket.Type.REQUEST,
        priority=Ticket.Priority.NORMAL,
        group="Billing",
        assignee=DANA,
        tags="renewal sales",
        due_in_days=5,
        comments=[
            DemoComment(
                BEA, "Yearly plan discount for 7+ seats is 10%: offer attached soon.", False
            ),
        ],
    ),
    DemoTicket(
        subject="Security review before the data export",
        requester=GIULIA,
        submitter=ALEX,
        channel=Channel.WEB,
        public=False,
        description="Giulia asked for a full export of their customer data. Checking "
        "with legal which fields we may include before telling her the timeline.",
        hours_ago=6,
        type=Ticket.Type.REQUEST,
        priority=Ticket.Priority.HIGH,
        group="Support",
        tags="export gdpr",
    ),
    DemoTicket(
        subject="New laptop for the Milan office",
        requester=GIULIA,
        submitter=ALEX,
        channel=Channel.WEB,
        description="Hi Giulia, we've opened this request for the new laptop you asked "
        "for on the phone. We'll confirm the delivery date here.",
        hours_ago=26,
        status=Ticket.Status.OPEN,
        type=Ticket.Type.REQUEST,
        priority=Ticket.Priority.NORMAL,
        group="Support",
        assignee=ALEX,
        tags="hardware",
        ccs=(MARIO,),
        comments=[
            DemoComment(REQUESTER, "Great, thanks. A 14-inch model would be perfect."),
            DemoComment(ALEX, "Supplier says stock arrives on Thursday.", public=False),
        ],
    ),
    DemoTicket(
        subject="Printer on the 2nd floor jams every morning",
        requester=UMA,
        description="The printer next to the kitchen jams on the first job of the day.",
        hours_ago=72,
        type=Ticket.Type.INCIDENT,
        priority=Ticket.Priority.LOW,
        tags="printer",
    ),
    DemoTicket(
        subject="How do I add a colleague to our account?",
        requester=LENA,
        description="Lena from Blue Sky here: how can I invite a colleague so she can "
        "follow our requests too?",
        hours_ago=4,
        type=Ticket.Type.REQUEST,
        tags="how-to",
    ),
    DemoTicket(
        subject="VPN drops every 10 minutes",
        requester=SAM,
        channel=Channel.EMAIL,
        description="The VPN disconnects every ten minutes when I work from home.",
        hours_ago=120,
        status=Ticket.Status.PENDING,
        type=Ticket.Type.INCIDENT,
        priority=Ticket.Priority.NORMAL,
        group="Support",
        assignee=BEA,
        tags="network vpn",
        comments=[
            DemoComment(
                BEA,
                "Could you send us the log from Settings → Diagnostics → Export?",
                status=Ticket.Status.PENDING,
            ),
        ],
    ),
    DemoTicket(
        subject="Change the billing address",
        requester=MARIO,
        description="Please use Via Roma 12, 20121 Milano on future invoices.",
        hours_ago=200,
        status=Ticket.Status.SOLVED,
        type=Ticket.Type.CHANGE,
        group="Billing",
        assignee=BEA,
        tags="billing",
        comments=[DemoComment(BEA, "Done: the next invoice will show the new address.")],
    ),
    DemoTicket(
        subject="Outage follow-up: root cause for Blue Sky",
        requester=SAM,
        submitter=ALEX,
        channel=Channel.WEB,
        public=False,
        description="Collecting the timeline of Tuesday's outage before we share the "
        "root cause with Sam.",
        hours_ago=10,
        status=Ticket.Status.OPEN,
        type=Ticket.Type.PROBLEM,
        priority=Ticket.Priority.HIGH,
        fields=("network", "high", "network"),
        group="Support",
        assignee=ALEX,
        tags="outage",
        custom_status="Engineering",
        comments=[
            DemoComment(BEA, "Load balancer failover took 4 minutes, graphs in the wiki.", False),
            DemoComment(
                ALEX,
                "Hi Sam, here's the summary of Tuesday's outage: a failed failover on our "
                "load balancer. We've changed its health checks so it can't happen again.",
            ),
        ],
    ),
]


def _people(account: Account) -> dict[str, User]:
    return {u.email: u for u in User.objects.for_account(account)}


def _groups(account: Account, people: dict[str, User]) -> dict[str, AgentGroup]:
    groups = {}
    for name, members in GROUPS.items():
        group = AgentGroup.objects.for_account(account).filter(name=name).first()
        group = group or group_create(account=account, name=name)
        for email in members:
            if email in people:
                group_add_agent(group=group, agent=people[email])
        groups[name] = group
    return groups


def _backdate(ticket: Ticket, hours_ago: int) -> None:
    """Spread a ticket's history over the hours since it was opened: each comment a
    step later than the one before, each event at the time of the comment it came with."""
    account = ticket.account
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    step = dt.timedelta(hours=hours_ago) / 6
    comments = Comment.objects.for_account(account).filter(ticket=ticket).order_by("id")
    moments = {c.pk: start + step * i for i, c in enumerate(comments)}
    for pk, when in moments.items():
        Comment.objects.for_account(account).filter(pk=pk).update(created_at=when)
    now = start
    for event in TicketEvent.objects.for_account(account).filter(ticket=ticket).order_by("id"):
        now = moments.get(event.comment_id, now)  # type: ignore[arg-type]  # events of the demo carry comments
        TicketEvent.objects.for_account(account).filter(pk=event.pk).update(created_at=now)
    Ticket.objects.for_account(account).filter(pk=ticket.pk).update(
        created_at=start, updated_at=now, last_activity_at=now
    )


def _user(spec: DemoTicket, email: str, people: dict[str, User]) -> User:
    return people[spec.requester if email == REQUESTER else email]


def _create(spec: DemoTicket, people: dict[str, User], groups: dict) -> Ticket:
    """Open the ticket as its submitter would; an agent then triages what an end user
    can't set (type, priority, group, assignee, tags, due date)."""
    account = people[spec.requester].account
    submitter = _user(spec, spec.submitter, people)
    fields = {
        "type": spec.type,
        "priority": spec.priority,
        "group": groups.get(spec.group),
        "assignee": people.get(spec.assignee),
        "tags": spec.tags,
        "due_at": None
        if spec.due_in_days is None
        else timezone.now() + dt.timedelta(days=spec.due_in_days),
    }
    ticket = ticket_create(
        account=account,  # type: ignore[arg-type]  # the demo account is set
        submitter=submitter,
        requester=people[spec.requester],
        subject=spec.subject,
        body=spec.description,
        public=spec.public,
        channel=spec.channel,
        ccs=[people[e] for e in spec.ccs],
        **(fields if submitter.is_agent else {}),
    )
    if spec.fields:
        defaults = TicketField.objects.for_account(account).order_by("position", "number")
        fields["custom_fields"] = {
            f.number: value for f, value in zip(defaults, spec.fields, strict=False)
        }
    if not submitter.is_agent:
        triager = people.get(spec.assignee) or people[ALEX]
        ticket_update(ticket=ticket, actor=triager, **fields)  # type: ignore[arg-type]  # the spec's fields
    return ticket


@transaction.atomic
def seed_demo_tickets(account: Account) -> None:
    # Seed 004's escalation stages, also for a demo account made before they existed.
    custom_statuses_install_defaults(account=account)
    # An account made before the seeds' fields existed gets them now.
    fields_install_defaults(account=account)
    if Ticket.objects.for_account(account).exists():
        return
    # The demo shows proactive private tickets, which need the setting on.
    account.private_tickets_enabled = True
    account.save(update_fields=["private_tickets_enabled"])
    people = _people(account)
    groups = _groups(account, people)
    for spec in sorted(TICKETS, key=lambda t: -t.hours_ago):
        ticket = _create(spec, people, groups)
        for c in spec.comments:
            comment_add(
                ticket=ticket,
                author=_user(spec, c.author, people),
                body=c.body,
                public=c.public,
                channel=c.channel,
                status=c.status,
            )
        ticket.refresh_from_db()
        if ticket.status != spec.status and spec.status != Ticket.Status.NEW:
            agent = people.get(spec.assignee) or people[ALEX]
            ticket_update(ticket=ticket, actor=agent, status=spec.status)
        if spec.custom_status:
            agent = people.get(spec.assignee) or people[ALEX]
            status = CustomStatus.objects.for_account(account).get(agent_label=spec.custom_status)
            ticket_update(ticket=ticket, actor=agent, custom_status=status)
        _backdate(ticket, spec.hours_ago)
