"""Following and the agents' own notifications (notifications.inapp): who is told, by
which channel, written with the change (none lost, none doubled), read only by their
recipient."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import AgentGroup, GroupMembership
from notifications import inapp
from notifications.inapp_selectors import is_following, notifications_page, unread_count
from notifications.models import Delivery, Notification, NotificationKind, TicketFollow
from tests.factories import AgentFactory, make_ticket
from tests.notifications.conftest import by_recipient
from tickets.events import TicketChange
from tickets.services import comment_add, ticket_update


def url(name, *args):
    return reverse(f"notifications:{name}", args=args, urlconf="helpdesk.urls_tenant")


def kinds_of(agent):
    return sorted(
        Notification.objects.for_account(agent.account)
        .filter(recipient=agent)
        .values_list("kind", flat=True)
    )


@pytest.fixture
def bea(acme):
    return AgentFactory(account=acme, email="bea@acme.example", name="Bea Smith")


def test_commenting_and_being_mentioned_follow_the_ticket(acme, acme_agent, acme_user, bea):
    ticket = make_ticket(account=acme, submitter=acme_user)
    comment_add(ticket=ticket, author=acme_agent, body="@bea have a look", public=False)
    assert is_following(agent=acme_agent, ticket=ticket)
    assert is_following(agent=bea, ticket=ticket)
    assert kinds_of(bea) == [NotificationKind.MENTION]
    # The author is never told of their own note.
    assert kinds_of(acme_agent) == []


def test_a_reply_reaches_followers_but_not_its_author_and_end_users_never_follow(
    acme, acme_agent, acme_user, bea
):
    ticket = make_ticket(account=acme, submitter=acme_user)
    inapp.ticket_follow(ticket=ticket, agent=bea)
    inapp.ticket_follow(ticket=ticket, agent=acme_user)  # refused quietly
    comment_add(ticket=ticket, author=acme_agent, body="On it", public=True)
    assert kinds_of(bea) == [NotificationKind.REPLY]
    comment_add(ticket=ticket, author=acme_user, body="Thanks", public=True)
    # Alan follows since his reply: the requester's answer reaches both agents.
    assert kinds_of(acme_agent) == [NotificationKind.REPLY]
    assert kinds_of(bea) == [NotificationKind.REPLY, NotificationKind.REPLY]
    assert not TicketFollow.objects.for_account(acme).filter(agent=acme_user).exists()
    inapp.ticket_unfollow(ticket=ticket, agent=bea)
    comment_add(ticket=ticket, author=acme_user, body="Again", public=True)
    assert len(kinds_of(bea)) == 2


def test_assignment_to_me_and_to_my_group(acme, acme_agent, acme_user, bea):
    group = AgentGroup.objects.create(account=acme, name="Billing")
    GroupMembership.objects.create(account=acme, group=group, user=bea)
    GroupMembership.objects.create(account=acme, group=group, user=acme_agent)
    ticket = make_ticket(account=acme, submitter=acme_user)
    ticket_update(ticket=ticket, actor=acme_agent, group=group)
    assert kinds_of(bea) == [NotificationKind.GROUP]
    ticket_update(ticket=ticket, actor=acme_agent, assignee=bea)
    assert kinds_of(bea) == [NotificationKind.ASSIGNED, NotificationKind.GROUP]
    # Assigning oneself tells no one.
    ticket_update(ticket=ticket, actor=acme_agent, assignee=acme_agent)
    assert kinds_of(acme_agent) == []


@pytest.mark.parametrize(
    ("channel", "in_app", "email"),
    [("in_app", 1, 0), ("email", 0, 1), ("both", 1, 1), ("none", 0, 0)],
)
def test_each_agent_chooses_the_channel_per_kind(
    acme, acme_agent, acme_user, bea, sent, channel, in_app, email
):
    inapp.preferences_set(agent=bea, channels={"mention": channel, "reply": "none"})
    ticket = make_ticket(account=acme, submitter=acme_user)
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="@bea look", public=False)
    assert len(kinds_of(bea)) == in_app
    assert len(by_recipient(messages, bea.email)) == email
    # A reply she follows (by the mention) is "none": nothing at all.
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="More", public=False)
    assert len(kinds_of(bea)) == in_app
    assert by_recipient(messages, bea.email) == []


def test_reply_by_email_when_chosen(acme, acme_agent, acme_user, bea, sent):
    inapp.preferences_set(agent=bea, channels={"reply": "email"})
    ticket = make_ticket(account=acme, submitter=acme_user)
    inapp.ticket_follow(ticket=ticket, agent=bea)
    messages = sent(comment_add, ticket=ticket, author=acme_agent, body="Fixed", public=True)
    [message] = by_recipient(messages, bea.email)
    assert message.subject.startswith("[Notification]")
    assert Delivery.objects.for_account(acme).filter(kind=Delivery.Kind.NOTIFY).count() == 1
    assert kinds_of(bea) == []


def test_written_with_the_change_so_none_lost_or_doubled(acme, acme_agent, acme_user, bea):
    ticket = make_ticket(account=acme, submitter=acme_user)
    # A change rolled back leaves no notification behind.
    with pytest.raises(RuntimeError), transaction.atomic():
        comment_add(ticket=ticket, author=acme_agent, body="@bea rolled back", public=False)
        assert kinds_of(bea) == [NotificationKind.MENTION]  # inside: written with it
        raise RuntimeError
    assert kinds_of(bea) == []
    comment = comment_add(ticket=ticket, author=acme_agent, body="@bea kept", public=False)
    ticket.refresh_from_db()
    # The same change told again (a receiver run twice): still one row.
    change = TicketChange(
        ticket=ticket, actor=acme_agent, channel="web", comment=comment, mentioned=[bea]
    )
    change.send()
    targets = inapp.change_targets(change)
    inapp.notifications_write(
        ticket=ticket, actor=acme_agent, targets=targets, key=inapp.change_key(change)
    )
    assert kinds_of(bea) == [NotificationKind.MENTION]


def test_sla_warning_once_per_breach_time(acme, acme_agent, acme_user, bea):
    import datetime as dt

    from django.utils import timezone

    ticket = make_ticket(account=acme, submitter=acme_user)
    ticket = ticket_update(ticket=ticket, actor=acme_agent, assignee=bea).ticket
    breach = timezone.now() + dt.timedelta(hours=1)
    inapp.sla_warning_notify(ticket=ticket, breach_at=breach)
    inapp.sla_warning_notify(ticket=ticket, breach_at=breach)
    assert kinds_of(bea) == [NotificationKind.ASSIGNED, NotificationKind.SLA]


def test_bell_page_mark_read_and_their_owner_only(
    acme, acme_agent, acme_user, bea, client_for, globex_agent
):
    ticket = make_ticket(account=acme, submitter=acme_user)
    comment_add(ticket=ticket, author=acme_agent, body="@bea look", public=False)
    client = client_for(bea)
    bell = client.get(url("notification_bell"))
    assert bell.status_code == 200 and "has-unread" in bell.content.decode()
    page = client.get(url("notification_list"))
    assert "Alan Agent mentioned you on #" in page.content.decode()
    [note] = Notification.objects.for_account(acme).filter(recipient=bea)
    # A colleague, an end user and another account's agent cannot touch it.
    assert client_for(acme_agent).post(url("notification_open", note.number)).status_code == 404
    assert client_for(acme_user).get(url("notification_list")).status_code == 404
    assert client_for(globex_agent).post(url("notification_open", note.number)).status_code == 404
    response = client.post(url("notification_open", note.number), {"go": "ticket"})
    assert response.status_code == 302 and f"/tickets/{ticket.number}/" in response["Location"]
    assert unread_count(agent=bea) == 0
    comment_add(ticket=ticket, author=acme_agent, body="again", public=False)
    assert unread_count(agent=bea) == 1
    client.post(url("notifications_read_all"))
    assert unread_count(agent=bea) == 0


def test_the_page_is_keyset_paginated(acme, acme_agent, acme_user, bea, settings):
    from notifications import inapp_selectors

    ticket = make_ticket(account=acme, submitter=acme_user)
    inapp.ticket_follow(ticket=ticket, agent=bea)
    for i in range(inapp_selectors.PAGE_SIZE + 3):
        comment_add(ticket=ticket, author=acme_agent, body=f"reply {i}", public=True)
    first, before = notifications_page(agent=bea, before=None)
    second, after = notifications_page(agent=bea, before=before)
    assert len(first) == inapp_selectors.PAGE_SIZE and len(second) == 3 and after is None
    assert {n.number for n in first}.isdisjoint(n.number for n in second)


def test_follow_button_and_mention_names(
    acme, acme_agent, acme_user, bea, client_for, globex_agent
):
    ticket = make_ticket(account=acme, submitter=acme_user)
    client = client_for(bea)
    page = client.get(
        reverse("tickets:ticket_detail", args=[ticket.number], urlconf="helpdesk.urls_tenant")
    )
    assert 'name="follow" value="1"' in page.content.decode()
    client.post(url("ticket_follow", ticket.number), {"follow": "1"})
    assert is_following(agent=bea, ticket=ticket)
    client.post(url("ticket_follow", ticket.number), {"follow": "0"})
    assert not is_following(agent=bea, ticket=ticket)
    assert client_for(acme_user).post(url("ticket_follow", ticket.number)).status_code == 404
    assert client_for(globex_agent).post(url("ticket_follow", ticket.number)).status_code == 404
    names = client.get(url("mention_agents"), {"q": "be"}).json()["agents"]
    assert names == [{"name": "Bea Smith", "handle": "bea"}]
    # Another account's agents and end users are never offered.
    assert client_for(globex_agent).get(url("mention_agents"), {"q": "be"}).json()["agents"] == []
    assert client.get(url("mention_agents"), {"q": "uma"}).json()["agents"] == []
    assert client_for(acme_user).get(url("mention_agents")).status_code == 404


def test_the_sla_pass_warns_the_assignee_once_per_breach(acme, acme_agent, acme_user, bea):
    import time_machine

    from servicelevels.policies import sla_policy_create
    from servicelevels.warnings import sla_warnings_sweep

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        sla_policy_create(
            account=acme,
            title="Urgent first reply",
            conditions={},
            metrics=[{"priority": "urgent", "metric": "first_reply_time", "target": 90}],
        )
        ticket = make_ticket(
            account=acme, submitter=acme_agent, requester=acme_user, priority="urgent"
        )
        ticket_update(ticket=ticket, actor=acme_agent, assignee=bea)
        # Ninety minutes to breach: not yet within the hour.
        assert sla_warnings_sweep() == {}
        clock.shift(dt.timedelta(minutes=45))
        assert sla_warnings_sweep() == {"acme": 1}
        clock.shift(dt.timedelta(minutes=5))
        assert sla_warnings_sweep() == {"acme": 0}  # the same breach time: once
    assert kinds_of(bea) == [NotificationKind.ASSIGNED, NotificationKind.SLA]


def test_beat_runs_the_sla_warnings_every_five_minutes(settings):
    from servicelevels.tasks import sla_warnings_task

    entry = settings.CELERY_BEAT_SCHEDULE["sla-warnings"]
    assert entry["task"] == sla_warnings_task.name and entry["schedule"] == 5 * 60
