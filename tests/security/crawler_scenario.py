"""The world the access crawler walks: acme (the account under test) with its people,
a ticket of another end user, a private ticket and an internal note with a file, and
globex, whose objects acme's people must never reach.

Every object a role must not see carries a marker text; the crawler checks that no
answer to a role that may not see it contains the marker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.audit import audit_record
from accounts.identity_models import AuditEntry
from accounts.memberships import membership_ensure
from accounts.models import Account, AgentRole, GroupMembership, OrganizationMembership, User
from accounts.roles import role_create
from accounts.services import group_create, organization_create
from accounts.sso_models import IdentityProvider
from api.tokens import api_token_create
from assist.models import AssistRequest
from automations.models import Automation
from automations.services import automation_create
from closing.models import CloseReason
from closing.services import reason_create as close_reason_create
from customfields.form_services import ticket_form_create
from customfields.models import OrganizationField, TicketField, TicketForm, UserField
from customfields.services import field_create, ticket_field_create
from escalations.models import Escalation, EscalationStage
from escalations.services import escalation_create, stage_create
from macros.models import Macro
from macros.services import macro_create
from mailchannels.models import FetchedMessage, MailboxChannel, SupportAddress
from mailchannels.services import address_create, mailbox_connect
from notifications.inapp import Target, notifications_write
from notifications.models import Delivery, Notification, Suppression, Trigger
from notifications.services import trigger_create
from notifications.suppressions import suppression_add
from satisfaction.links import token_for as survey_token
from satisfaction.models import SatisfactionRating, SatisfactionReason
from satisfaction.services import reason_create
from servicelevels.models import SlaPolicy
from servicelevels.policies import sla_policy_create
from servicelevels.services import holiday_add, schedule_create
from tests.factories import (
    AdminFactory,
    AgentFactory,
    EndUserFactory,
)
from tests.security.crawler_chat import build_chats
from tests.security.crawler_chat_desk import build_chat_desk
from tests.security.crawler_knowledge import build_capture, build_knowledge
from ticketlinks.services import ticket_link_add
from tickets.models import Attachment, CustomStatus, Ticket, TicketEvent, View
from tickets.services import comment_add, ticket_create
from tickets.services.saved_views import view_create
from tickets.services.statuses import custom_status_create
from webhooks.models import Webhook
from webhooks.services import webhook_create

INTERNAL_NOTE = "INTERNAL-NOTE-SECRET-7f3a"
# An escalation's internal description (seed 004): agents only, never the requester.
ESCALATION_DESCRIPTION = "ESCALATION-DESCRIPTION-SECRET-5b1e"
PRIVATE_SUBJECT = "PRIVATE-TICKET-SECRET-91bc"
OTHER_USER_SUBJECT = "OTHER-USER-SECRET-4d2e"
GLOBEX_SECRET = "GLOBEX-SECRET-c0de"
PDF = b"%PDF-1.4\n" + b"0" * 64


def assist_token(ticket, agent) -> str:
    """A writing-help request of ``agent``'s on ``ticket``, answered (issue 28)."""
    return AssistRequest.objects.create(
        account=ticket.account,
        ticket=ticket,
        agent=agent,
        feature="generate",
        provider="offline",
        state="done",
        result="Draft",
    ).token


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


@dataclass
class Scenario:
    acme: Account
    globex: Account
    users: dict[str, User]
    ids: dict[str, object] = field(default_factory=dict)


def build_scenario(acme: Account, globex: Account) -> Scenario:
    acme.private_tickets_enabled = True
    acme.save()
    org = organization_create(account=acme, name="Acme Customers Ltd")
    other_org = organization_create(account=acme, name="Elsewhere Ltd")
    agent = AgentFactory(account=acme, email="agent@acme.example")
    admin = AdminFactory(account=acme, email="admin@acme.example")
    end_user = EndUserFactory(account=acme, email="user@customer.example", organization=org)
    manager = EndUserFactory(
        account=acme, email="manager@customer.example", organization=org, is_org_manager=True
    )
    other_user = EndUserFactory(
        account=acme, email="other@elsewhere.example", organization=other_org
    )
    group = group_create(account=acme, name="Tier 1")
    # Issue 21's roles: a light agent (internal notes only) and a group-only agent, a
    # member of Tier 1, which holds the end user's ticket (``mine``) and no other.
    roles = {r.builtin: r for r in AgentRole.objects.for_account(acme).exclude(builtin="")}
    light_agent = AgentFactory(
        account=acme, email="light@acme.example", agent_role=roles["light_agent"]
    )
    group_agent = AgentFactory(
        account=acme, email="group@acme.example", agent_role=roles["group_agent"]
    )
    GroupMembership.objects.create(account=acme, group=group, user=group_agent)

    mine = ticket_create(
        account=acme,
        submitter=end_user,
        subject="My printer",
        body="It jams.",
        uploads=[_pdf("public.pdf")],
    )
    comment_add(
        ticket=mine,
        author=agent,
        body=INTERNAL_NOTE,
        public=False,
        channel="web",
        uploads=[_pdf("internal.pdf")],
    )
    other = ticket_create(
        account=acme,
        submitter=other_user,
        subject=OTHER_USER_SUBJECT,
        body=OTHER_USER_SUBJECT,
        uploads=[_pdf("other.pdf")],
    )
    private = ticket_create(
        account=acme,
        submitter=agent,
        requester=end_user,
        subject=PRIVATE_SUBJECT,
        body=PRIVATE_SUBJECT,
        public=False,
        uploads=[_pdf("private.pdf")],
    )
    assert not private.is_public, "the scenario needs a private ticket"
    Ticket.objects.for_account(acme).filter(pk=mine.pk).update(group=group)
    # Issue 22: links are shown to agents only; the help center never names a linked
    # (private) ticket.
    ticket_link_add(ticket=mine, other=private, kind="related", actor=agent)
    # Seed 004: the requester's request shows the timeline, never the description.
    escalation_create(ticket=mine, actor=agent, group=None, description=ESCALATION_DESCRIPTION)
    escalation_create(ticket=private, actor=agent, group=None, description=PRIVATE_SUBJECT)

    # Globex: fillers first, so the numbers of its real objects do not exist at acme.
    for i in range(8):
        EndUserFactory(account=globex, email=f"filler{i}@globex.example")
    for i in range(3):
        organization_create(account=globex, name=f"Filler {i}")
        group_create(account=globex, name=f"Filler {i}")
    globex_agent = AgentFactory(
        account=globex, email="agent@globex.example", name=GLOBEX_SECRET + " Agent"
    )
    globex_user = EndUserFactory(
        account=globex, email="user@globex.example", name=GLOBEX_SECRET + " User"
    )
    globex_org = organization_create(account=globex, name=GLOBEX_SECRET + " Org")
    globex_group = group_create(account=globex, name=GLOBEX_SECRET + " Group")
    # An admin action of globex's in the audit log (acme's admins must never read it).
    audit_record(
        account=globex,
        actor=globex_agent,
        action=AuditEntry.Action.USER_SUSPENDED,
        target=globex_user,
        changes={"notes": [GLOBEX_SECRET, ""]},
    )
    # globex's identity provider (acme has none: its SSO pages are 404s, its admin page
    # must show nothing of globex's).
    IdentityProvider.objects.create(
        account=globex,
        protocol="oidc",
        enabled=True,
        name=GLOBEX_SECRET,
        oidc_issuer="https://globex-secret.example",
        oidc_client_id=GLOBEX_SECRET,
    )
    for _ in range(4):
        globex_ticket = ticket_create(
            account=globex,
            submitter=globex_user,
            subject=GLOBEX_SECRET,
            body=GLOBEX_SECRET,
            uploads=[_pdf("globex.pdf")],
        )

    # Escalations and a stage of globex's whose numbers do not exist at acme.
    for ticket in Ticket.objects.for_account(globex):
        escalation_create(ticket=ticket, actor=globex_agent, group=None, description=GLOBEX_SECRET)
    stage_create(account=globex, name=GLOBEX_SECRET)

    acme_token, _secret = api_token_create(account=acme, name="Acme script", user=agent)
    for i in range(5):
        globex_token, _secret = api_token_create(
            account=globex, name=f"{GLOBEX_SECRET} {i}", user=globex_agent
        )

    suppression_add(
        account_id=acme.pk, email="bounced@customer.example", reason=Suppression.Reason.BOUNCED
    )
    suppression_add(
        account_id=globex.pk,
        email="bounced@globex.example",
        reason=Suppression.Reason.COMPLAINED,
        detail=GLOBEX_SECRET,
    )

    # Globex's automations outnumber acme's (see beyond_acme).
    automation_create(
        account=globex,
        name=f"{GLOBEX_SECRET} automation",
        conditions={"all": [{"field": "current_tags", "operator": "not_includes", "value": "g"}]},
        actions=[{"action": "add_tag", "value": "g"}],
    )
    # Globex's triggers and suppressed addresses outnumber acme's (see beyond_acme).
    for i in range(2):
        trigger_create(
            account=globex,
            name=f"{GLOBEX_SECRET} trigger {i}",
            conditions=[],
            actions=[{"action": "add_tag", "value": "globex"}],
        )
        suppression_add(
            account_id=globex.pk,
            email=f"filler{i}@globex.example",
            reason=Suppression.Reason.BOUNCED,
            detail=GLOBEX_SECRET,
        )

    # Views: acme's built-in seven, one for a group the agent is not in, one personal view
    # each for the agent and the admin; globex's outnumber acme's (see beyond_acme).
    group_only = view_create(
        account=acme, actor=admin, title="Tier 1 only", visibility="groups", groups=[group.number]
    )
    agents_own = view_create(account=acme, actor=agent, title="Agent's own")
    admins_own = view_create(account=acme, actor=admin, title="Admin's own", visibility="personal")
    globex_admin = AdminFactory(account=globex, email="admin@globex.example")
    for i in range(5):
        view_create(account=globex, actor=globex_admin, title=f"{GLOBEX_SECRET} view {i}")
    for i in range(3):  # globex's roles outnumber acme's (see beyond_acme)
        role_create(account=globex, actor=globex_admin, name=f"{GLOBEX_SECRET} role {i}")
    # Macros: acme's shared one and a personal one of each agent; globex's outnumber them.
    shared_macro = macro_create(account=acme, actor=admin, title="Acme::Shared", actions=[])
    admin_macro = macro_create(
        account=acme, actor=admin, title="Admin's own", actions=[], shared=False
    )
    agent_macro = macro_create(
        account=acme, actor=agent, title="Agent's own", actions=[], shared=False
    )
    for i in range(4):
        macro_create(
            account=globex,
            actor=globex_admin,
            title=f"{GLOBEX_SECRET} macro {i}",
            actions=[{"field": "comment_value", "value": GLOBEX_SECRET}],
        )
    # Business hours: acme has two schedules with a holiday each (one for a child-object
    # probe); globex more of both, so its numbers are beyond acme's.
    weekly = [[(540, 1080)]] * 5 + [[], []]
    office = schedule_create(account=acme, name="Office", time_zone="Europe/Rome", weekly=weekly)
    weekend = schedule_create(account=acme, name="Weekend", time_zone="UTC", weekly=weekly)
    office_holiday = holiday_add(
        schedule=office, name="Ferragosto", first=date(2026, 8, 15), last=None
    )
    weekend_holiday = holiday_add(
        schedule=weekend, name="Boxing day", first=date(2026, 12, 26), last=None
    )
    for i in range(3):
        globex_schedule = schedule_create(
            account=globex, name=f"{GLOBEX_SECRET} hours {i}", time_zone="UTC", weekly=weekly
        )
        for day in (1, 2):
            globex_holiday = holiday_add(
                schedule=globex_schedule,
                name=f"{GLOBEX_SECRET} holiday",
                first=date(2026, i + 1, day),
                last=None,
            )

    # SLA policies: one of acme's; globex more, so its numbers are beyond acme's.
    acme_sla = sla_policy_create(account=acme, title="Acme SLA", conditions={}, metrics=[])
    for i in range(3):
        sla_policy_create(
            account=globex, title=f"{GLOBEX_SECRET} SLA {i}", conditions={}, metrics=[]
        )
    # Custom statuses: both accounts start with the same ten; globex adds some of its own,
    # beyond acme's numbers.
    for i in range(2):
        custom_status_create(
            account=globex,
            actor=globex_admin,
            category="open",
            agent_label=f"{GLOBEX_SECRET} {i}",
            end_user_label=GLOBEX_SECRET,
        )
    # Webhooks (issue 23): one of acme's; globex more, so its numbers are beyond acme's.
    acme_webhook = webhook_create(
        account=acme, actor=admin, name="Acme hook", endpoint="https://hooks.example.com/acme"
    )
    for i in range(2):
        webhook_create(
            account=globex,
            actor=globex_admin,
            name=f"{GLOBEX_SECRET} hook {i}",
            endpoint=f"https://hooks.example.com/{GLOBEX_SECRET}",
        )
    # Ticket fields (issue 19): acme's defaults; globex has more, beyond acme's numbers.
    for i in range(3):
        ticket_field_create(account=globex, kind="text", title=f"{GLOBEX_SECRET} field {i}")
        ticket_form_create(account=globex, name=f"{GLOBEX_SECRET} form {i}")
        for model in (UserField, OrganizationField):
            field_create(model=model, account=globex, kind="text", title=f"{GLOBEX_SECRET} {i}")
    for model in (UserField, OrganizationField):
        field_create(model=model, account=acme, kind="text", title="Acme people field")

    # Satisfaction (issue 26): a reason beyond acme's numbers; a rating each, globex's
    # numbered past acme's.
    reason_create(account=globex, title=f"{GLOBEX_SECRET} reason")
    # Close reasons (issue 27): one of acme's, globex's numbered beyond it.
    close_reason_create(account=acme, title="Acme close reason")
    for i in range(2):
        close_reason_create(account=globex, title=f"{GLOBEX_SECRET} close reason {i}")
    SatisfactionRating(account=acme, ticket=mine, requester=end_user, score="good").save()
    SatisfactionRating(
        account=globex, ticket=globex_ticket, score="bad", comment=GLOBEX_SECRET, number=99
    ).save()

    # Notifications (issue 22): one of the agent's, one of the admin's; globex's are
    # numbered beyond acme's.
    [agent_note] = notifications_write(
        ticket=mine, actor=admin, targets=[Target(agent, "mention")], key="crawler"
    )
    [admin_note] = notifications_write(
        ticket=mine, actor=agent, targets=[Target(admin, "mention")], key="crawler"
    )
    for i in range(40):
        notifications_write(
            ticket=globex_ticket,
            actor=None,
            targets=[Target(globex_agent, "reply")],
            key=f"{GLOBEX_SECRET} {i}",
        )

    # Email channels (issue 24): acme's mailbox password holds the never-shown marker, so
    # a page rendering it back fails the crawl for every role; globex has more of both.
    acme_address = address_create(account=acme, email="help@acme.example")
    acme_channel = mailbox_connect(
        account=acme,
        email="support@acme.example",
        password=f"{GLOBEX_SECRET}-mailbox-password",
        username="support@acme.example",
        host="127.0.0.1",
        port=9,
    )
    for i in range(3):
        mailbox_connect(
            account=globex,
            email=f"support{i}@globex.example",
            display_name=GLOBEX_SECRET,
            password=GLOBEX_SECRET,
            host="127.0.0.1",
            port=9,
            username=GLOBEX_SECRET,
        )

    # A message of each account's mailbox that could not be imported (its bytes kept).
    for channel, uid, raw in (
        (acme_channel, 3, b"Subject: acme failed\r\n\r\nunreadable\r\n"),
        (
            MailboxChannel.objects.for_account(globex).order_by("number").last(),
            5,
            f"Subject: {GLOBEX_SECRET}\r\n\r\n{GLOBEX_SECRET}\r\n".encode(),
        ),
    ):
        FetchedMessage.objects.create(
            account=channel.account,
            channel=channel,
            uidvalidity=7,
            uid=uid,
            status=FetchedMessage.Status.FAILED,
            reason="ValueError: unreadable",
            raw=raw,
        )

    def attachment(ticket: Ticket, name: str) -> Attachment:
        return Attachment.objects.for_account(ticket.account).get(
            comment__ticket=ticket, filename=name
        )

    def first(model, account):
        row = model.objects.for_account(account).order_by("number").first()
        return row.number if row else 999_999

    def beyond_acme(model):
        """Globex's last number: one acme has not reached, so a probe with it asks for
        another account's row, not for acme's row of the same number."""
        last = model.objects.for_account(globex).order_by("number").last()
        assert last and not model.objects.for_account(acme).filter(number=last.number).exists()
        return last.number

    def globex_membership():
        """A membership number globex has and acme has not (globex's users join more of
        globex's organizations until its numbers pass acme's)."""
        rows = OrganizationMembership.objects
        for extra_number in range(1000):
            last = rows.for_account(globex).order_by("number").last()
            if last and not rows.for_account(acme).filter(number=last.number).exists():
                return last.number
            extra = organization_create(account=globex, name=f"Globex extra {extra_number}")
            membership_ensure(user=globex_user, organization_id=extra.pk)
        raise AssertionError("no globex membership number beyond acme's")

    def delivery_ref(account):  # a delivery is named in URLs by its Message-ID
        row = Delivery.objects.for_account(account).order_by("pk").first()
        return row.ref if row else "none@example.invalid"

    def last_event(ticket: Ticket) -> int:  # the id of the ticket's last audit
        return TicketEvent.objects.for_account(ticket.account).filter(ticket=ticket).last().pk

    users = {
        "end_user": end_user,
        "manager": manager,
        "agent": agent,
        "admin": admin,
        "outsider": globex_agent,
        "light_agent": light_agent,
        "group_agent": group_agent,
    }
    ids = {
        "mine": mine,
        "other": other,
        "private": private,
        "globex_ticket": globex_ticket,
        "internal_token": attachment(mine, "internal.pdf").token,
        "field": first(TicketField, acme),
        "globex_field": beyond_acme(TicketField),
        "ticket_form": first(TicketForm, acme),
        "globex_ticket_form": beyond_acme(TicketForm),
        "user_field": first(UserField, acme),
        "globex_user_field": beyond_acme(UserField),
        "org_field": first(OrganizationField, acme),
        "globex_org_field": beyond_acme(OrganizationField),
        "public_token": attachment(mine, "public.pdf").token,
        "other_token": attachment(other, "other.pdf").token,
        "private_token": attachment(private, "private.pdf").token,
        "globex_token": attachment(globex_ticket, "globex.pdf").token,
        "other_user": other_user,
        "end_user": end_user,
        "agent": agent,
        "globex_user": globex_user,
        "org": org,
        "other_org": other_org,
        "globex_org": globex_org,
        # The end user's membership of their (default) organization, and a globex one.
        "membership": OrganizationMembership.objects.for_account(acme)
        .get(user=end_user, organization=org)
        .number,
        "globex_membership": globex_membership(),
        "group": group,
        "globex_group": globex_group,
        # A role of acme's nobody has (deletable), and a number only globex's roles reach.
        "role": role_create(account=acme, actor=admin, name="Crawler role").number,
        "globex_role": beyond_acme(AgentRole),
        "globex_agent": globex_agent,
        "api_token": acme_token,
        "globex_api_token": globex_token,
        "trigger": first(Trigger, acme),
        "globex_trigger": beyond_acme(Trigger),
        "automation": first(Automation, acme),
        "globex_automation": beyond_acme(Automation),
        "delivery": delivery_ref(acme),
        "globex_delivery": delivery_ref(globex),
        "shared_macro": shared_macro.number,
        "admin_macro": admin_macro.number,
        "agent_macro": agent_macro.number,
        "globex_macro": beyond_acme(Macro),
        "shared_view": View.objects.for_account(acme).get(key="unsolved").number,
        "group_view": group_only.number,
        "agents_view": agents_own.number,
        "admins_view": admins_own.number,
        "globex_view": beyond_acme(View),
        "schedule": office.number,
        "other_schedule": weekend.number,
        "globex_schedule": globex_schedule.number,
        "holiday": office_holiday.number,
        "sla_policy": acme_sla.number,
        "globex_sla_policy": beyond_acme(SlaPolicy),
        "webhook": acme_webhook.number,
        "globex_webhook": beyond_acme(Webhook),
        "other_holiday": weekend_holiday.number,
        "globex_holiday": globex_holiday.number,
        "suppression": first(Suppression, acme),
        "globex_suppression": beyond_acme(Suppression),
        "mine_audit": last_event(mine),
        "private_audit": last_event(private),
        "globex_audit": last_event(globex_ticket),
        "custom_status": CustomStatus.objects.for_account(acme)
        .get(agent_label="Engineering")
        .number,
        "globex_custom_status": beyond_acme(CustomStatus),
        "reason": first(SatisfactionReason, acme),
        "escalation": Escalation.objects.for_account(acme).get(ticket=mine).number,
        "private_escalation": Escalation.objects.for_account(acme).get(ticket=private).number,
        "globex_escalation": beyond_acme(Escalation),
        "stage": first(EscalationStage, acme),
        "globex_stage": beyond_acme(EscalationStage),
        "globex_reason": beyond_acme(SatisfactionReason),
        "close_reason": first(CloseReason, acme),
        "globex_close_reason": beyond_acme(CloseReason),
        "rating": first(SatisfactionRating, acme),
        "globex_rating": beyond_acme(SatisfactionRating),
        "survey_mine": survey_token(mine),
        "survey_private": survey_token(private),
        "survey_globex": survey_token(globex_ticket),
        "agent_assist": assist_token(mine, agent),
        "admin_assist": assist_token(mine, admin),
        "globex_assist": assist_token(globex_ticket, globex_agent),
        "agent_note": agent_note.number,
        "admin_note": admin_note.number,
        "globex_note": beyond_acme(Notification),
        "support_address": acme_address.number,
        "globex_support_address": beyond_acme(SupportAddress),
        "mailbox_channel": acme_channel.number,
        "globex_mailbox_channel": beyond_acme(MailboxChannel),
    }
    ids |= build_knowledge(
        acme, globex, admin=admin, internal_marker=INTERNAL_NOTE, globex_marker=GLOBEX_SECRET
    )
    ids |= build_capture(ids, admin=admin)
    # The agents' chats first: the help center's builder then makes globex's chat numbers
    # run past every acme chat, and its last globex chat is both tables' probe of another
    # account's chat (a number no acme chat has, once all of acme's exist).
    ids |= build_chat_desk(acme, globex, agent=agent, light_agent=light_agent, end_user=end_user)
    ids |= build_chats(
        acme,
        globex,
        end_user=end_user,
        other_user=other_user,
        globex_user=globex_user,
        other_marker=OTHER_USER_SUBJECT,
        globex_marker=GLOBEX_SECRET,
    )
    ids["globex_chat"] = ids["chat_globex"]
    return Scenario(acme=acme, globex=globex, users=users, ids=ids)
