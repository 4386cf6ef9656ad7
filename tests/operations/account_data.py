"""An account with a row in every one of its tables (made through the services where
they exist), and a table-by-table snapshot of an account to compare two of them."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import FileField, JSONField

from accounts.models import GroupMembership, UserEmail
from accounts.portability.tables import (
    account_models,
    foreign_keys,
    remap_json_keys,
    stored_fields,
)
from api.tokens import api_token_create
from assist.models import AssistRequest
from assist.services import settings_update as assist_settings_update
from calls.services import call_schedule
from closing.services import reason_create, ticket_explain_and_close
from customfields.models import OrganizationField, UserField
from customfields.people import people_values_set
from customfields.services import field_create
from escalations.models import EscalationStage
from escalations.services import escalation_create, escalation_update
from knowledge import services as knowledge
from macros.services import macro_create, macro_record_use
from mailchannels.models import TicketAddress
from mailchannels.services import mailbox_connect
from notifications import inapp
from notifications.models import Delivery, InboundEmail
from notifications.suppressions import suppression_add
from satisfaction.models import SatisfactionReason
from satisfaction.services import rate
from satisfaction.services import settings_update as satisfaction_settings_update
from servicelevels.policies import sla_policy_create
from servicelevels.services import holiday_add, schedule_create
from tests.factories import (
    AdminFactory,
    AgentFactory,
    AgentGroupFactory,
    EndUserFactory,
    OrganizationFactory,
    make_ticket,
)
from tests.operations.account_chat import fill_chat
from tests.tickets.conftest import upload
from ticketlinks.services import ticket_link_add
from tickets.services import comment_add, ticket_delete
from tickets.services.retention import retention_policy_update
from tickets.services.saved_views import view_create
from tickets.services.user_merge import users_merge
from timeworked.services import time_log, time_settings_update, timer_start
from webhooks.services import webhook_create


def fill_account(account) -> None:
    org = OrganizationFactory(account=account, domains=[f"{account.subdomain}.example"])
    admin = AdminFactory(account=account)
    agent = AgentFactory(account=account)
    group = AgentGroupFactory(account=account)
    GroupMembership.objects.create(account=account, group=group, user=agent)
    user = EndUserFactory(account=account, organization=org)
    UserEmail.objects.create(account=account, user=user, email=f"other-{user.email}")
    cc = EndUserFactory(account=account)
    ticket = make_ticket(
        account=account, submitter=agent, requester=user, group=group, assignee=agent, ccs=[cc]
    )
    # Issue 22: the admin follows it and hears of replies in the app and by email.
    inapp.ticket_follow(ticket=ticket, agent=admin)
    inapp.preferences_set(agent=admin, channels={"reply": "both"})
    comment_add(ticket=ticket, author=agent, body="internal", public=False)
    comment_add(
        ticket=ticket,
        author=agent,
        body="with a file",
        uploads=[upload("notes.txt", f"{account.subdomain} notes\n".encode())],
    )
    # Issue 19: user and organization fields (with options) and their values.
    for model, row in ((UserField, user), (OrganizationField, org)):
        field = field_create(
            model=model,
            account=account,
            kind="tagger",
            title="Tier",
            options=[{"name": "Gold", "value": "gold"}],
        )
        people_values_set(row=row, actor=agent, raw={field.number: "gold"})
    second = make_ticket(
        account=account, submitter=admin, subject="Second", status="solved", channel="phone"
    )
    ticket_link_add(ticket=second, other=ticket, kind="related", actor=agent)
    # Satisfaction (issue 26): a bad rating with a reason, and the survey's settings.
    rate(
        ticket=second,
        user=second.requester,
        score="bad",
        comment="Slow",
        reason=SatisfactionReason.objects.for_account(account).first(),
    )
    satisfaction_settings_update(account=account, days_after_close=7, ask_reason=True)
    # Seed 004: an escalation moved a stage on (its history), and the phone ticket's call.
    escalation = escalation_create(
        ticket=ticket, actor=agent, group=group, description="Needs a patch"
    )
    escalation_update(
        escalation=escalation,
        actor=agent,
        stage=EscalationStage.objects.for_account(account)[1],
    )
    call_schedule(
        ticket=second,
        actor=agent,
        scheduled_at=dt.datetime(2030, 1, 2, 10, tzinfo=dt.UTC),
        meeting_url="https://meet.example/demo",
    )
    # Seed 002: time worked, logged and on a running timer.
    time_log(ticket=ticket, actor=agent, seconds=1800)
    timer_start(ticket=second, actor=agent)
    gone = make_ticket(account=account, submitter=admin, subject="Spam")
    ticket_delete(ticket=gone, actor=admin)
    # A user merged into another: its record for the users' incremental export.
    twin = EndUserFactory(account=account, email="twin@acme.example", name="Twin")
    users_merge(
        source=twin, target=EndUserFactory(account=account, email="one@acme.example"), actor=admin
    )
    delivery = Delivery.objects.for_account(account).first()
    suppression_add(
        account_id=account.pk,
        email="gone@bounce.example",
        reason="bounced",
        delivery_id=delivery.pk,
    )
    InboundEmail.objects.create(
        account=account,
        message_id="<m1@example>",
        sender=user.email,
        subject="Hi",
        ticket=ticket,
        outcome=InboundEmail.Outcome.COMMENT,
    )
    api_token_create(account=account, name="Sync", user=agent, created_by=admin)
    channel = mailbox_connect(
        account=account,
        email=f"help@{account.subdomain}.example",
        password="mailbox-password",
        host="imap.example",
        username="help",
        group=group,
    )
    TicketAddress.objects.create(account=account, ticket=ticket, address=channel.address)
    retention_policy_update(
        account=account, actor=admin, closed_ticket_months=24, attachment_months=None
    )
    fill_views_and_macros(
        account, admin=admin, agent=agent, group=group, org=org, user=user, ticket=ticket
    )
    schedule = schedule_create(
        account=account, name="Office", time_zone="Europe/Rome", weekly=[[(540, 1080)]] * 7
    )
    holiday_add(schedule=schedule, name="Ferragosto", first=dt.date(2026, 8, 15), last=None)
    # An SLA policy naming an organization in its conditions (a key the import remaps).
    sla_policy_create(
        account=account,
        title="Org SLA",
        conditions={"all": [{"field": "organization_id", "operator": "is", "value": org.number}]},
        metrics=[{"priority": "normal", "metric": "first_reply_time", "target": 60}],
    )
    # A webhook (issue 23) called once by a trigger: its calls and log stay behind.
    webhook_create(
        account=account,
        actor=admin,
        name="Orders",
        endpoint="https://hooks.example.com/orders",
        status="inactive",
        auth_type="bearer_token",
        auth_secret="token-" + account.subdomain,
    )
    # Seed 003: a close reason, and the solved ticket closed with it and an explanation.
    ticket_explain_and_close(
        ticket=second,
        actor=agent,
        reason=reason_create(account=account, title="Fixed"),
        root_cause="network",
        explanation="Replaced the switch.",
    )
    fill_knowledge(account, admin=admin, user=user)
    # Writing help (issue 28): an AI server (its key a secret) and a request answered.
    assist_settings_update(
        account=account,
        provider="openai",
        base_url="https://llm.example.com/v1",
        model="llama-3",
        api_key="sk-" + account.subdomain,
    )
    AssistRequest.objects.create(
        account=account,
        ticket=ticket,
        agent=agent,
        feature="shorter",
        provider="openai",
        state="done",
        text="A long reply.",
        sent="Make it shorter: A long reply.",
        result="Short reply.",
    )
    fill_chat(account, agent=agent, group=group, user=user, ticket=ticket)
    # Seed 002: time required on every update (last: the updates above log none).
    time_settings_update(account=account, actor=admin, require_on_update=True)
    # Sent, as they are once the worker is done (the tests' transaction holds them back).
    Delivery.objects.for_account(account).update(state=Delivery.State.SENT)


def fill_knowledge(account, *, admin, user) -> None:
    """Issue 25: a category, a section, an article in two languages (two revisions), a
    vote, a deflection and the account's knowledge-base settings."""
    knowledge.settings_update(account=account, agents_may_edit=True)
    category = knowledge.category_save(editor=admin, locale="en", name="Billing")
    section = knowledge.section_save(editor=admin, category=category, locale="en", name="Refunds")
    article = knowledge.article_create(
        editor=admin, section=section, locale="en", title="Refunds", body="<p>5 days.</p>"
    )
    knowledge.article_update(
        article=article,
        editor=admin,
        locale="it",
        title="Rimborsi",
        body="<p>5 giorni.</p>",
        images=[SimpleUploadedFile("refund.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)],
    )
    knowledge.article_set_status(article=article, editor=admin, status="published")
    knowledge.vote_record(article=article, voter_key=f"user:{user.pk}", helpful=True)
    knowledge.deflection_record(article=article, user=user, subject="Where is my refund?")


def fill_views_and_macros(account, *, admin, agent, group, org, user, ticket) -> None:
    """Views whose conditions name a group, users and an organization (kept as keys),
    shared for some groups and personal; macros naming a group and an agent (kept as
    numbers), shared for a group with a file, personal, and applied once."""
    from tickets.models import CustomStatus
    from tickets.services import ticket_update

    engineering = CustomStatus.objects.for_account(account).get(agent_label="Engineering")
    ticket_update(ticket=ticket, actor=agent, custom_status=engineering)
    view_create(
        account=account,
        actor=admin,
        title="Billing, mine or the customer's",
        visibility="groups",
        groups=[group.number],
        conditions={
            "all": [
                {"field": "group_id", "operator": "is", "value": group.number},
                {"field": "assignee_id", "operator": "is", "value": agent.number},
                {"field": "status", "operator": "less_than", "value": "solved"},
            ],
            "any": [
                {"field": "requester_id", "operator": "is", "value": user.number},
                {"field": "organization_id", "operator": "is", "value": org.number},
                {"field": "assignee_id", "operator": "is", "value": "current_user"},
                # Issue 19: a custom status, kept as a key like the rest.
                {"field": "custom_status_id", "operator": "is", "value": engineering.number},
            ],
        },
    )
    view_create(
        account=account,
        actor=agent,
        title="My open",
        visibility="personal",
        conditions={"all": [{"field": "requester_id", "operator": "is_not", "value": user.number}]},
    )
    actions = [
        {"field": "group_id", "value": group.number},
        {"field": "assignee_id", "value": agent.number},
        {"field": "comment_value", "value": "Refund sent."},
    ]
    shared = macro_create(
        account=account,
        actor=admin,
        title="Billing::Refund",
        actions=actions,
        groups=[group],
        files=[upload("refund.txt", f"{account.subdomain} refund\n".encode())],
    )
    macro_create(
        account=account,
        actor=agent,
        title="Mine",
        actions=[{"field": "status", "value": "pending"}],
        shared=False,
    )
    macro_record_use(macros=[shared], user=agent, ticket=ticket)


def snapshot(cursor, account_id: int) -> dict[str, list[tuple]]:
    """Each account table's rows, ordered by id, minus ids: a foreign key becomes the
    position of the row it names among that table's rows of the account."""
    tables: dict[str, list[tuple]] = {}
    ranks: dict[str, dict[int, int]] = {}
    for model in account_models():
        table = model._meta.db_table
        cursor.execute(f"SELECT id FROM {table} WHERE account_id = %s ORDER BY id", [account_id])
        ranks[model._meta.label] = {row[0]: i for i, row in enumerate(cursor.fetchall())}
    for model in account_models():
        keys = foreign_keys(model)
        columns = [f'"{f.column}"' for f in stored_fields(model)]
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {model._meta.db_table} "
            "WHERE account_id = %s ORDER BY id",
            [account_id],
        )
        rows = []
        for row in cursor.fetchall():
            values = []
            # Keys inside JSON (a view's conditions) compared like foreign keys, by rank.
            by_name = {
                f.attname: json.loads(v) if isinstance(f, JSONField) and isinstance(v, str) else v
                for f, v in zip(stored_fields(model), row, strict=True)
            }
            remap_json_keys(model, by_name, lambda target, key: ("→", ranks[target].get(key)))
            row = [by_name[f.attname] for f in stored_fields(model)]
            for field, value in zip(stored_fields(model), row, strict=True):
                if field.attname in keys and value is not None:
                    value = ("→", ranks[keys[field.attname]][value])
                elif isinstance(field, FileField):
                    value = bool(value)  # a new name; the contents are compared apart
                elif isinstance(field, JSONField) and isinstance(value, str):
                    value = json.loads(value)  # Django's cursor leaves jsonb as text
                values.append(value)
            rows.append(tuple(values))
        tables[model._meta.label] = rows
    return tables
